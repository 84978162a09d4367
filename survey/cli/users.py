"""``survey users``: staff accounts."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from survey.cli.common import fail, transaction


@click.group("users", cls=AppGroup)
def users_group():
    """Staff accounts (HR, HR head, trainers). Respondents need none."""


@users_group.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["hr", "hr-head", "trainer"]))
@click.password_option(help="prompted for when not given")
def users_create(email, role, password):
    """Create a staff account; the password is stored hashed (scrypt)."""
    from survey.staff import accounts

    try:
        with transaction() as session:
            accounts.create(session, email, password, role)
    except accounts.AccountError as exc:
        fail(str(exc))
    click.echo(f"Account {accounts.normalise(email)} ({role}) created.")


COMMANDS = [users_group]
