"""What every command needs from the application it runs in, and the one way a command fails:
``Error: …`` on stderr, details indented below, exit status 1, so that scripts can tell."""
from __future__ import annotations

import sys

import click
from flask import current_app

from survey.core import tables
from survey.web.common import database as db


def fail(message: str, details=()) -> None:
    click.echo(f"Error: {message}", err=True)
    for line in details:
        click.echo(f"  {line}", err=True)
    sys.exit(1)


def transaction():
    return db.get_db().transaction()


def instruments():
    return current_app.extensions["survey.instruments"]


def config(name):
    return current_app.config[name]


def nothing_imported(file, errors) -> None:
    """A file with any problem is refused whole; every problem is told, so one edit fixes them all."""
    for error in errors:
        click.echo(str(error), err=True)
    fail(f"nothing imported: {len(errors)} problem(s) in {file}")


LANGUAGES = ("kk", "ru", "en")


def language_option(what: str = "kk and ru get ';' as the CSV separator, as their Excel expects"):
    """``--lang``: the reader's language, the platform's by default (see :func:`reader_language`)."""
    return click.option("--lang", "language", type=click.Choice(LANGUAGES), default=None,
                        help=f"the reader's language: {what} (default: the platform's, kk)")


def reader_language(chosen: str | None) -> str:
    return chosen or current_app.config["BABEL_DEFAULT_LOCALE"]


def separator(chosen: str | None) -> str:
    """The CSV separator of the reader's Excel: ``;`` in Kazakh and Russian."""
    return tables.separator(reader_language(chosen))
