"""``survey results``: the figures of a campaign for HR's own analysis."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from survey.campaigns import lifecycle as campaigns
from survey.cli.common import config, fail, instruments, transaction
from survey.results import export as results


@click.group("results", cls=AppGroup)
def results_group():
    """Averages per assessee and competency."""


@results_group.command("export")
@click.argument("name")
@click.option("--out", required=True, type=click.Path(dir_okay=False))
def results_export(name, out):
    """One row per assessee and competency plus an 'overall' row (.csv or .xlsx)."""
    if Path(out).suffix.lower() not in (".csv", ".xlsx"):
        fail(f"{out}: expected a .csv or .xlsx file name")
    try:
        with transaction() as session:
            items = results.campaign_results(session, campaigns.get(session, name), instruments(),
                                             threshold=config("ANONYMITY_THRESHOLD"))
    except campaigns.CampaignError as exc:
        fail(str(exc))
    results.export(out, items)
    withheld = sum(1 for i in items if i.result.withheld)
    click.echo(f"Wrote results of {len(items)} assessees to {out} ({withheld} withheld: fewer than "
               f"{config('ANONYMITY_THRESHOLD')} respondents).")


COMMANDS = [results_group]
