"""``survey roster``: the people of the body."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from survey.campaigns import people, roster
from survey.cli.common import nothing_imported, transaction


@click.group("roster", cls=AppGroup)
def roster_group():
    """The people of the body."""


@roster_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--whole-body", is_flag=True, help="the file lists everyone who works in the body now: "
                                                 "whoever it leaves out is marked as having left today")
def roster_import(file, whole_body):
    """Import people from .csv or .xlsx; re-importing updates people by employee_id."""
    try:
        with transaction() as session:
            summary = people.import_roster(session, file, whole_body=whole_body)
    except roster.RosterErrors as exc:
        nothing_imported(file, exc.errors)
    left = f", {summary.left} marked as having left" if whole_body else ""
    click.echo(f"Imported {file}: {summary.added} added, {summary.updated} updated{left}.")


COMMANDS = [roster_group]
