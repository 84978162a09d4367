"""``survey reports``: the individual reports of a closed campaign, as files for HR, or published
as personal links (CSV) that each open one assessee's own report."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from survey.campaigns import lifecycle as campaigns
from survey.cli.common import config, fail, instruments, language_option, reader_language, separator, transaction


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
    from survey.followup import workdays
    from survey.reports import links, publishing

    days = int(current_app.config.get("REPORT_LINK_DAYS") or links.DEFAULT_DAYS)
    try:
        with transaction() as session:
            rows = publishing.publish(session, campaigns.get(session, name),
                                      workdays.load(current_app.config.get("HOLIDAYS_FILE")),
                                      secret=current_app.secret_key, base_url=config("BASE_URL"), days=days,
                                      actor="survey reports links")
    except campaigns.CampaignError as exc:
        fail(str(exc))
    tables.write_csv(out, links.LINK_COLUMNS, rows, private=True, delimiter=separator(language))
    click.echo(f"Wrote {len(rows)} personal report links to {out} (readable by you only; valid {days} days). "
               "Hand each link to its assessee only.")


COMMANDS = [reports_group]


@reports_group.command("status")
@click.argument("name")
def reports_status(name):
    """Where each assessee stands: published, opened, read, overdue (para 12); plan; calibration."""
    from survey.followup import release

    try:
        with transaction() as session:
            found = release.familiarisation(session, campaigns.get(session, name))[:]
    except campaigns.CampaignError as exc:
        fail(str(exc))
    for f in found:
        read = f.acknowledged_at.date().isoformat() if f.acknowledged_at else f"due {f.due_on}" if f.due_on else ""
        click.echo("\t".join([f.employee_id, f.full_name, f.unit, f.state, read, f.plan or "-", f.calibration or "-"]))
    late = sum(1 for f in found if f.state == "overdue")
    click.echo(f"{len(found)} assessees; {sum(1 for f in found if f.state == 'acknowledged')} have read their results, "
               f"{late} overdue.")


@reports_group.command("assessors")
@click.argument("name")
@click.option("--out", required=True, type=click.Path(dir_okay=False))
@language_option()
def reports_assessors(name, out, language):
    """Each direct manager's personal link to the reports of their direct reports (para 21)."""
    from survey.core import tables
    from survey.followup import readers

    try:
        with transaction() as session:
            found = readers.assessor_rows(session, campaigns.get(session, name), secret=current_app.secret_key,
                                          base_url=config("BASE_URL"))
    except campaigns.CampaignError as exc:
        fail(str(exc))
    tables.write_csv(out, ["employee_id", "full_name", "email", "language", "reports", "url"],
                     [[r.employee_id, r.full_name, r.email, r.language, r.reports, r.url] for r in found],
                     private=True, delimiter=separator(language))
    click.echo(f"Wrote {len(found)} managers' links to {out} (readable by you only). Hand each to its manager only.")


@reports_group.command("plans")
@click.argument("name")
@click.option("--out", required=True, type=click.Path(dir_okay=False))
@language_option()
def reports_plans(name, out, language):
    """The development plans of a campaign as .xlsx (paras 19, 37)."""
    from flask_babel import force_locale, gettext

    from survey.followup import workbook
    from survey.training import topics

    try:
        catalogue = topics.load(config("TOPICS_FILE") or topics.DEFAULT_FILE, topics.competencies_of(instruments()))
    except topics.TopicErrors:
        catalogue = None
    try:
        with transaction() as session, force_locale(reader_language(language)):
            data = workbook.write(session, campaigns.get(session, name), instruments(), catalogue,
                                  reader_language(language), gettext)
    except campaigns.CampaignError as exc:
        fail(str(exc))
    Path(out).write_bytes(data)
    click.echo(f"Wrote the development plans of '{name}' to {out}.")
