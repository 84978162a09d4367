"""``survey quality``: the methodologist's figures of a closed campaign, as XLSX and charts."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup


@click.group("quality", cls=AppGroup)
def quality_group():
    """How well the questionnaire measures (aggregates only, closed campaigns)."""


COMMANDS = [quality_group]


@quality_group.command("export")
@click.argument("name")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="the .xlsx file to write")
@click.option("--compare", "earlier", metavar="NAME", help="an earlier campaign: its figures side by side with NAME")
@click.option("--charts", "charts_dir", type=click.Path(file_okay=False),
              help="also write every chart as PNG and SVG into this folder")
@click.option("--lang", "language", type=click.Choice(["kk", "ru", "en"]), default=None,
              help="language of the headers, flags and charts (default: the platform's default language)")
def quality_export(name, out, earlier, charts_dir, language):
    """Figures per group, competency and question, the flags, and the charts (.xlsx)."""
    from flask_babel import force_locale, gettext

    from survey.campaigns import figures, lifecycle as campaigns
    from survey.web.common import database as db
    from survey.quality import charts, figures as quality, workbook

    if Path(out).suffix.lower() != ".xlsx":
        _fail(f"{out}: expected an .xlsx file name")
    language = language or current_app.config["BABEL_DEFAULT_LOCALE"]
    instruments = current_app.extensions["survey.instruments"]
    threshold = current_app.config["ANONYMITY_THRESHOLD"]
    try:
        with db.get_db().transaction() as session:
            if earlier:
                before, later = figures.comparison(session, campaigns.get(session, earlier), campaigns.get(session, name),
                                                   instruments, threshold=threshold)
            else:
                before = None
                later = figures.campaign_quality(session, campaigns.get(session, name), instruments,
                                                 threshold=threshold)
    except campaigns.CampaignError as exc:
        _fail(str(exc))
    written = []
    with force_locale(language):
        if before is not None:
            workbook.write_comparison_xlsx(out, before, later, instruments, gettext=gettext, language=language)
        else:
            workbook.write_xlsx(out, later, gettext=gettext, language=language)
        if charts_dir:
            folder = Path(charts_dir)
            folder.mkdir(parents=True, exist_ok=True)
            for group in later.groups:
                for kind in charts.available_charts(group):
                    for fmt in ("png", "svg"):
                        path = folder / f"{_safe(later.campaign_name)}-{group.instrument.id}-{kind}.{fmt}"
                        path.write_bytes(charts.chart(kind, group, gettext=gettext, language=language, fmt=fmt))
                        written.append(path)
            if before is not None:
                for pair in quality.paired(before, later, instruments):
                    for fmt in ("png", "svg"):
                        data = charts.comparison_chart(pair, before.campaign_name, later.campaign_name,
                                                       gettext=gettext, language=language, fmt=fmt)
                        if data:
                            path = folder / (f"{_safe(before.campaign_name)}-vs-{_safe(later.campaign_name)}-"
                                             f"{pair.instrument.id}.{fmt}")
                            path.write_bytes(data)
                            written.append(path)
    withheld = [g.instrument.id for g in later.groups if g.withheld]
    click.echo(f"Wrote the measurement quality of '{name}'" + (f" beside '{earlier}'" if earlier else "")
               + f" to {out}." + (f" {len(written)} chart files in {charts_dir}/." if charts_dir else ""))
    if withheld:
        click.echo(f"Withheld (fewer than {threshold} assessees with at least {threshold} respondents): "
                   + ", ".join(withheld))


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)
