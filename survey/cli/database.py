"""``survey init`` and ``survey db``: the database schema."""
from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from survey.web.common import database as db


@click.command("init")
@with_appcontext
def init_command():
    """Create the database, or bring an existing one up to date (the same as `survey db upgrade`)."""
    db.get_db().upgrade()
    click.echo(f"Database ready: {db.get_db().engine.url.render_as_string(hide_password=True)}")


@click.group("db", cls=AppGroup)
def db_group():
    """Database schema migrations (Alembic)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision):
    """Apply the migrations up to REVISION (default: the newest). Safe to run again."""
    db.get_db().upgrade(revision)
    click.echo(f"Database at revision {revision}.")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message):
    """Write a new migration from the difference between the models and the database."""
    db.get_db().revision(message)


COMMANDS = [init_command, db_group]
