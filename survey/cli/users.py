"""``survey users``: staff accounts, the same changes the account manager makes in the browser."""
from __future__ import annotations

import click
from flask import current_app, url_for
from flask.cli import AppGroup

from survey.cli.common import fail, transaction
from survey.core.models import STAFF_ROLES

ACTOR = "survey users"


@click.group("users", cls=AppGroup)
def users_group():
    """Staff accounts (HR, HR head, trainers, account managers). Respondents need none."""


def _link_url(token: str) -> str:
    base = current_app.config.get("STAFF_URL") or current_app.config["BASE_URL"]
    with current_app.test_request_context(base_url=base):
        return url_for("accounts.choose_password", token=token, _external=True)


def _hand_over(session, user, kind: str, language: str | None) -> None:
    from survey.staff import password_links

    config = current_app.config
    handover = password_links.hand_over(session, user, kind=kind, secret=current_app.secret_key, config=config,
                                        url_of=_link_url, language=language or config["BABEL_DEFAULT_LOCALE"],
                                        actor=ACTOR)
    hours = int(config["PASSWORD_LINK_HOURS"])
    if handover.emailed:
        click.echo(f"A one-time link to choose a password was e-mailed to {user.email} (valid {hours} hours).")
        return
    if handover.mail_error:
        click.echo(f"The e-mail could not be sent ({handover.mail_error}).", err=True)
    click.echo(f"Hand this one-time link to {user.email} (it works once, for {hours} hours):")
    click.echo(handover.url)


def _change(email: str, change) -> None:
    """Runs ``change(session, user)`` on the account named, or fails saying why."""
    from survey.staff import accounts

    try:
        with transaction() as session:
            change(session, accounts.get(session, email))
    except accounts.AccountError as exc:
        fail(str(exc))


LANGUAGE = click.option("--language", type=click.Choice(["kk", "ru", "en"]),
                        help="language of the e-mail with the link (default: the platform's)")


@users_group.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(STAFF_ROLES))
@click.option("--link", is_flag=True, help="give a one-time link to choose the password instead of asking for one")
@click.option("--password", help="prompted for when neither it nor --link is given")
@LANGUAGE
def users_create(email, role, link, password, language):
    """Create a staff account: with a password (stored as a scrypt hash) or a one-time link."""
    from survey.staff import accounts

    if not link and password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with transaction() as session:
            user = accounts.create(session, email, None if link else password, role, actor=ACTOR)
            if link:
                _hand_over(session, user, "account-new", language)
    except accounts.AccountError as exc:
        fail(str(exc))
    click.echo(f"Account {accounts.normalise(email)} ({role}) created.")


@users_group.command("list")
def users_list():
    """Every account: e-mail, role, status, last sign-in (UTC), how it signs in (password or directory)."""
    from survey.staff import accounts, signin

    with transaction() as session:
        rows = accounts.listing(session, signin.held_back(session),
                                lambda email: signin.account_key(email, current_app.secret_key))
        for row in rows:
            last = row.user.last_sign_in.strftime("%Y-%m-%d %H:%M") if row.user.last_sign_in else "never"
            click.echo(f"{row.user.email}\t{row.user.role}\t{row.status}\t{last}\t{row.user.source}")


@users_group.command("reset")
@click.argument("email")
@LANGUAGE
def users_reset(email, language):
    """Stop the password, end every session, and give a one-time link to choose a new one."""
    from survey.staff import accounts

    def reset(session, user):
        if user.disabled_at is not None:
            raise accounts.AccountError("the account is disabled: enable it first")
        accounts.reset(session, user, actor=ACTOR)
        _hand_over(session, user, "account-reset", language)

    _change(email, reset)


@users_group.command("unlock")
@click.argument("email")
def users_unlock(email):
    """Let every place try to sign in to the account again at once."""
    from survey.staff import signin

    _change(email, lambda session, user: signin.release(session, user, current_app.secret_key, actor=ACTOR))
    click.echo(f"Sign-in released for {email}.")


@users_group.command("disable")
@click.argument("email")
def users_disable(email):
    """The account can no longer sign in; its sessions end at once."""
    from survey.staff import accounts

    _change(email, lambda session, user: accounts.disable(session, user, actor=ACTOR))
    click.echo(f"Account {email} disabled.")


@users_group.command("enable")
@click.argument("email")
def users_enable(email):
    """Let a disabled account sign in again (with the password it had, or through a reset)."""
    from survey.staff import accounts

    _change(email, lambda session, user: accounts.enable(session, user, actor=ACTOR))
    click.echo(f"Account {email} enabled.")


@users_group.command("second-factor-off")
@click.argument("email")
def users_second_factor_off(email):
    """Remove the account's second factor (a lost phone); it signs in with the password and sets it up again."""
    from survey.staff import second_factor

    _change(email, lambda session, user: second_factor.turn_off(session, user, actor=ACTOR))
    click.echo(f"Second factor of {email} removed.")


@users_group.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice(STAFF_ROLES))
def users_role(email, role):
    """Give the account another role; its sessions end, the new role holds from the next sign-in."""
    from survey.staff import accounts

    _change(email, lambda session, user: accounts.change_role(session, user, role, actor=ACTOR))
    click.echo(f"Account {email} is now {role}.")


COMMANDS = [users_group]
