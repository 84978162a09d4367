"""``survey raters``: who rates whom, proposed from the structure and edited by HR in a spreadsheet."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from survey.campaigns import lifecycle as campaigns, raters
from survey.cli.common import config, fail, language_option, nothing_imported, separator, transaction
from survey.core import tables


@click.group("raters", cls=AppGroup)
def raters_group():
    """Who rates whom (order No. 260, para 36)."""


@raters_group.command("suggest")
@click.argument("name")
@click.option("--out", required=True, type=click.Path(dir_okay=False))
@language_option()
def raters_suggest(name, out, language):
    """Propose raters from the structure into a CSV for HR to edit."""
    try:
        with transaction() as session:
            campaign = campaigns.get(session, name)
            rows = raters.suggest_for(session, campaign, config("MAX_RATERS"))
    except campaigns.CampaignError as exc:
        fail(str(exc))
    tables.write_csv(out, ["assessee_id", "assessee_name", "rater_id", "rater_name", "relation"],
                     [[r.assessee_id, r.assessee_name, r.rater_id, r.rater_name, r.relation] for r in rows],
                     delimiter=separator(language))
    click.echo(f"Wrote {len(rows)} suggested raters to {out}. Edit it, then: survey raters import '{name}' {out}")


@raters_group.command("import")
@click.argument("name")
@click.argument("file", type=click.Path(dir_okay=False))
def raters_import(name, file):
    """Replace the raters of every assessee named in FILE (assessee_id, rater_id, relation)."""
    try:
        with transaction() as session:
            n = raters.import_raters(session, campaigns.get(session, name), file)
            problems = campaigns.rater_count_problems(session, campaigns.get(session, name),
                                                      config("MIN_RATERS"), config("MAX_RATERS"))
    except raters.RaterErrors as exc:
        nothing_imported(file, exc.errors)
    except campaigns.CampaignError as exc:
        fail(str(exc))
    click.echo(f"Imported {n} raters for '{name}'.")
    if problems:
        click.echo(f"Still outside 3-7 raters ({len(problems)}), the campaign cannot open until fixed:")
        for line in problems:
            click.echo(f"  {line}")


COMMANDS = [raters_group]
