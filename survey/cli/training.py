"""``survey training``: the trainers' figures and HR's cohorts from the command line.

``export`` writes the same workbook as the trainers' download (no names); ``cohorts`` writes HR's
lists of who should attend each topic (names); ``topics-check`` validates the catalogue.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale, gettext

from survey.campaigns import figures, lifecycle as campaigns
from survey.web.common import database as db
from survey.training import cohort_file, needs as training, topics, workbook

LANGUAGES = ("kk", "ru", "en")


def _fail(message: str, details=()) -> None:
    click.echo(f"Error: {message}", err=True)
    for line in details:
        click.echo(f"  {line}", err=True)
    sys.exit(1)


def _catalogue(required: bool) -> topics.Catalogue | None:
    loaded = current_app.extensions.get("survey.topics")
    if isinstance(loaded, topics.TopicErrors):
        if required:
            _fail("the training-topics catalogue is not valid:", [str(e) for e in loaded.errors])
        click.echo("Warning: the training-topics catalogue is not valid, so no topics are proposed:", err=True)
        for error in loaded.errors:
            click.echo(f"  {error}", err=True)
        return None
    return loaded


def _population(name: str, read=training.population):
    """Every assessee with results (``read``: or the figures kept at closing, for the trainers' export)."""
    threshold = current_app.config["ANONYMITY_THRESHOLD"]
    try:
        with db.get_db().transaction() as session:
            return read(session, campaigns.get(session, name), current_app.extensions["survey.instruments"],
                        threshold=threshold)
    except campaigns.CampaignError as exc:
        _fail(str(exc))


def _check_filters(population, instrument, unit) -> None:
    if unit is not None and unit not in population.units:
        _fail(f"no assessee with results in unit '{unit}' (units: {', '.join(population.units) or 'none'})")


def _xlsx(out: str) -> None:
    if Path(out).suffix.lower() != ".xlsx":
        _fail(f"{out}: expected an .xlsx file name")


def _training_group() -> click.Group:
    @click.group("training", cls=AppGroup)
    def training_group():
        """Training needs (order No. 260, para 37): figures for trainers, cohorts for HR."""

    filters = [
        click.option("--instrument", type=click.Choice(["head", "servant"]), default=None,
                     help="only unit heads or only corps-B servants (default: both)"),
        click.option("--unit", default=None, help="only this unit (default: the whole body)"),
        click.option("--lang", "language", type=click.Choice(LANGUAGES), default=None,
                     help="language of the headings and names (default: the platform's, kk)"),
    ]

    def with_filters(command):
        for option in reversed(filters):
            command = option(command)
        return command

    @training_group.command("export")
    @click.argument("name")
    @click.option("--out", required=True, type=click.Path(dir_okay=False))
    @with_filters
    def export(name, out, instrument, unit, language):
        """The trainers' figures of a closed campaign as .xlsx: no names, hidden cells as on the page."""
        _xlsx(out)
        kept = _population(name, figures.training_figures)
        _check_filters(kept, instrument, unit)
        language = language or current_app.config["BABEL_DEFAULT_LOCALE"]
        picture = kept.picture(instrument=instrument, unit=unit)
        with force_locale(language):
            data = workbook.needs_workbook(picture, _catalogue(required=False), language=language, gettext=gettext)
        Path(out).write_bytes(data)
        shown = sum(s.assessees for s in picture.sections)
        click.echo(f"Wrote the training needs of '{name}' to {out}: {shown} assessees with results"
                   f"{'' if unit is None else f' in {unit}'}.")

    @training_group.command("cohorts")
    @click.argument("name")
    @click.option("--out", required=True, type=click.Path(dir_okay=False))
    @with_filters
    def cohorts(name, out, instrument, unit, language):
        """Who should attend each topic (names, units, positions) as .xlsx: for HR only."""
        _xlsx(out)
        catalogue = _catalogue(required=True)
        population = _population(name)
        _check_filters(population, instrument, unit)
        language = language or current_app.config["BABEL_DEFAULT_LOCALE"]
        with force_locale(language):
            workbook.write_cohorts(out, population, catalogue, language=language, gettext=gettext,
                                   threshold=current_app.config["ANONYMITY_THRESHOLD"], instrument=instrument, unit=unit)
        from survey.staff import audit

        with db.get_db().transaction() as session:
            audit.record(session, "survey training cohorts", "training-cohorts-export",
                         cohort_file.detail(name, instrument, unit))
        found = training.cohorts(population, catalogue, instrument=instrument, unit=unit)
        click.echo(f"Wrote {len(found)} cohorts of '{name}' to {out} (it names people: keep it within HR).")

    @training_group.command("topics-check")
    @click.argument("file", required=False, type=click.Path(dir_okay=False))
    def topics_check(file):
        """Validate the training-topics catalogue (default: the one in use)."""
        path = Path(file or current_app.config.get("TOPICS_FILE") or topics.DEFAULT_FILE)
        try:
            catalogue = topics.load(path, topics.competencies_of(current_app.extensions["survey.instruments"]))
        except topics.TopicErrors as exc:
            for error in exc.errors:
                click.echo(str(error), err=True)
            sys.exit(1)
        click.echo(f"{path}: {len(catalogue.topics)} topics for {len(catalogue.by_competency)} competencies, valid.")

    return training_group


COMMANDS = [_training_group()]
