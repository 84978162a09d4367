"""``survey results``: the figures of a campaign, as a workbook for HR or as CSV for other systems."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale, gettext

from survey.campaigns import lifecycle as campaigns
from survey.cli.common import config, fail, instruments, language_option, reader_language, transaction
from survey.results import export as results, workbook


@click.group("results", cls=AppGroup)
def results_group():
    """Averages per assessee and competency."""


@results_group.command("export")
@click.argument("name")
@click.option("--out", required=True, type=click.Path(dir_okay=False))
@language_option("the words of the .xlsx workbook; the .csv keeps its English column codes")
def results_export(name, out, language):
    """.xlsx: a sheet per questionnaire, one row per assessee, for people to read; .csv: one row per
    assessee and competency plus an 'overall' row, with fixed English codes, for other systems."""
    suffix = Path(out).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        fail(f"{out}: expected a .csv or .xlsx file name")
    threshold = config("ANONYMITY_THRESHOLD")
    try:
        with transaction() as session:
            campaign = campaigns.get(session, name)
            items = results.campaign_results(session, campaign, instruments(), threshold=threshold)
            if suffix == ".csv":
                results.write_csv(out, items)
            else:
                write_workbook(out, campaign, items, threshold=threshold, language=reader_language(language))
    except campaigns.CampaignError as exc:
        fail(str(exc))
    withheld = sum(1 for i in items if i.result.withheld)
    click.echo(f"Wrote results of {len(items)} assessees to {out} ({withheld} withheld: fewer than "
               f"{threshold} respondents).")


def write_workbook(out, campaign, items, *, threshold: int, language: str) -> None:
    """The workbook in ``language``; the demo writes it too."""
    with force_locale(language):
        workbook.write_xlsx(out, campaign, items, threshold=threshold, gettext=gettext, language=language)


COMMANDS = [results_group]
