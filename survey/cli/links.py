"""``survey links``: the raters' personal links, as a file for HR or by e-mail to each rater."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from survey.campaigns import lifecycle as campaigns
from survey.cli.common import config, fail, language_option, separator, transaction
from survey.core import tables


@click.group("links", cls=AppGroup)
def links_group():
    """Respondent links."""


def link_url(key: str) -> str:
    from survey.campaigns import tokens

    return tokens.url(config("BASE_URL"), current_app.secret_key, key)


@links_group.command("export")
@click.argument("name")
@click.option("--out", required=True, type=click.Path(dir_okay=False))
@language_option()
def links_export(name, out, language):
    """Every invitation's personal link as CSV (keep this file as safe as a password list)."""
    try:
        with transaction() as session:
            rows = campaigns.links(session, campaigns.get(session, name))
    except campaigns.CampaignError as exc:
        fail(str(exc))
    tables.write_csv(out, campaigns.LINK_COLUMNS, campaigns.link_rows(rows, link_url), private=True,
                     delimiter=separator(language))
    click.echo(f"Wrote {len(rows)} links to {out} (readable by you only: each link lets its holder answer).")


@links_group.command("email")
@click.argument("name")
def links_email(name):
    """E-mail every rater one message with all their personal links (needs SURVEY_SMTP_HOST)."""
    _email(name, "invitation")


@links_group.command("remind")
@click.argument("name")
def links_remind(name):
    """E-mail a reminder to raters with questionnaires still open, listing only those."""
    _email(name, "reminder")


def _email(name: str, kind: str) -> None:
    """Counts on stdout, and exit 1 when any message could not be sent, so that a script notices."""
    from survey.mail import sending
    from survey.mail.settings import MailError, SmtpSettings

    try:
        settings = SmtpSettings.from_config(current_app.config)
        send = sending.send_invitations if kind == "invitation" else sending.send_reminders
        with transaction() as session:
            outcome = send(session, campaigns.get(session, name), settings, url_of=link_url,
                           threshold=config("ANONYMITY_THRESHOLD"))
    except (campaigns.CampaignError, MailError) as exc:
        fail(str(exc))
    what = "invitations" if kind == "invitation" else "reminders"
    click.echo(f"E-mailed {what} for '{name}': {outcome.sent} sent, {outcome.failed} failed, "
               f"{outcome.skipped} raters without an e-mail address.")
    if outcome.without_email:
        click.echo("Without an e-mail address (hand them their links on paper):")
        for full_name in outcome.without_email:
            click.echo(f"  {full_name}")
    if outcome.failed:
        fail(f"{outcome.failed} message(s) could not be sent:",
             [f"{full_name}: {reason}" for full_name, reason in outcome.failures])


COMMANDS = [links_group]
