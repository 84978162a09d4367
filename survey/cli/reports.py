"""``survey reports``: the individual reports of a closed campaign, as files for HR, or published
as personal links (CSV) that each open one assessee's own report."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from survey.campaigns import lifecycle as campaigns
from survey.cli.common import config, fail, instruments, language_option, separator, transaction


@click.group("reports", cls=AppGroup)
def reports_group():
    """Individual reports (appendices 7-8)."""


@reports_group.command("build")
@click.argument("name")
@click.option("--out", required=True, type=click.Path(file_okay=False))
@click.option("--zip", "archive", type=click.Path(dir_okay=False), help="also put every PDF into this .zip file")
@click.option("--no-pdf", is_flag=True, help="HTML and PNG only (faster)")
def reports_build(name, out, archive, no_pdf):
    """Per assessee an HTML report, a PNG radar chart and a PDF, in the assessee's language."""
    from survey.reports import individual

    if archive and no_pdf:
        fail("--zip collects the PDFs: it cannot be combined with --no-pdf")
    try:
        with transaction() as session:
            built = individual.build(session, campaigns.get(session, name), instruments(), Path(out),
                                     threshold=config("ANONYMITY_THRESHOLD"), pdf=not no_pdf,
                                     archive=Path(archive) if archive else None,
                                     processes=config("REPORT_PROCESSES"))
    except campaigns.CampaignError as exc:
        fail(str(exc))
    click.echo(f"Wrote {len(built.html)} reports to {out}/ (open {Path(out) / 'index.html'})"
               + (f", {len(built.pdf)} as PDF" if built.pdf else "") + ".")
    if built.archive:
        click.echo(f"The PDFs are also in {built.archive}.")


@reports_group.command("links")
@click.argument("name")
@click.option("--out", required=True, type=click.Path(dir_okay=False))
@language_option()
def reports_links(name, out, language):
    """Each assessee's personal link to their own report (keep the file like a password list)."""
    from survey.core import tables
    from survey.reports import links, publishing

    days = int(current_app.config.get("REPORT_LINK_DAYS") or links.DEFAULT_DAYS)
    try:
        with transaction() as session:
            rows = publishing.publish(session, campaigns.get(session, name), instruments(),
                                      secret=current_app.secret_key, base_url=config("BASE_URL"), days=days,
                                      threshold=config("ANONYMITY_THRESHOLD"), actor="survey reports links")
    except campaigns.CampaignError as exc:
        fail(str(exc))
    tables.write_csv(out, links.LINK_COLUMNS, rows, private=True, delimiter=separator(language))
    click.echo(f"Wrote {len(rows)} personal report links to {out} (readable by you only; valid {days} days). "
               "Hand each link to its assessee only.")


COMMANDS = [reports_group]
