"""The ``survey`` command: thin click wrappers over the domain modules.

Errors in the user's files are printed one per line as ``FILE:ROW: message`` and the command
exits 1; nothing is stored when a command fails.

Each module here holds the commands of one part of the work in ``COMMANDS``; the list below names
them all, so that what ``survey`` can do is read in one place.
"""
from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup, routes_command, shell_command

from survey import create_app
from survey.cli import (
    backup,
    campaigns,
    database,
    demo,
    instruments,
    jobs,
    links,
    quality,
    raters,
    reports,
    results,
    retention,
    roster,
    training,
    users,
)
from survey.core.instruments import InstrumentErrors

MODULES = (database, users, instruments, roster, campaigns, raters, links, results, reports, retention, demo,
           backup, quality, training, jobs)


def _factory():
    try:
        return create_app()
    except InstrumentErrors as exc:
        click.echo("The questionnaires are not valid, so the platform cannot start:", err=True)
        for error in exc.errors:
            click.echo(f"  {error}", err=True)
        sys.exit(1)


# Without Flask's own `run`: its development server logs every respondent link. `survey serve`
# is the local server that does not.
cli = FlaskGroup(create_app=_factory, add_default_commands=False, add_version_option=False,
                 help="Bagalau 360: anonymous 360-degree assessment.")
cli.add_command(shell_command)
cli.add_command(routes_command)
for module in MODULES:
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    cli(prog_name="survey")
