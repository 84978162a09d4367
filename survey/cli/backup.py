"""`survey backup` and `survey restore`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.cli.common import fail
from survey.operations import prepared
from survey.operations import every_job  # noqa: F401 - every kind of prepared file, for the sweep
from survey.operations import backup as backups
from survey.web.common import database as db


@click.command("backup")
@click.option("--out", required=True, type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(out):
    """Copy the whole database to FILE (safe while the site is serving)."""
    try:
        backups.backup(db.get_db().engine, Path(out))
    except backups.BackupError as exc:
        fail(str(exc))
    click.echo(f"Backup written to {out} (readable by you only; it is as sensitive as the database).")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@with_appcontext
def restore_command(file, yes):
    """Replace the database's contents with the backup FILE. Stop the site first."""
    if not yes:
        click.confirm("This replaces everything in the database with the backup. Continue?", abort=True)
    try:
        backups.restore(db.get_db().engine, Path(file))
    except backups.BackupError as exc:
        fail(str(exc))
    with db.get_db().transaction() as session:
        prepared.sweep(session, current_app.config)  # files prepared from the database that was replaced
    click.echo(f"Database restored from {file}.")


COMMANDS = [backup_command, restore_command]
