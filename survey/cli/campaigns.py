"""``survey campaign``: creating, opening, closing and listing campaigns."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from survey.campaigns import lifecycle as campaigns
from survey.cli.common import config, fail, instruments, transaction
from survey.web.common import database as db


@click.group("campaign", cls=AppGroup)
def campaign_group():
    """Assessment campaigns."""


@campaign_group.command("create")
@click.argument("name")
@click.option("--closes", required=True, type=click.DateTime(["%Y-%m-%d"]), help="last day of answering, YYYY-MM-DD")
def campaign_create(name, closes):
    """Create a campaign in which everyone in the roster is assessed."""
    try:
        with transaction() as session:
            campaign = campaigns.create(session, name, closes.date(), instruments())
            n = len(campaign.assessments)
    except campaigns.CampaignError as exc:
        fail(str(exc))
    click.echo(f"Campaign '{name}' created with {n} assessees; answering closes after {closes.date()}.")
    click.echo(f"Next: survey raters suggest '{name}' --out raters.csv")


@campaign_group.command("open")
@click.argument("name")
def campaign_open(name):
    """Check the 3-7 raters rule and open answering."""
    try:
        with transaction() as session:
            campaign = campaigns.get(session, name)
            n = campaigns.open_(session, campaign, minimum=config("MIN_RATERS"), maximum=config("MAX_RATERS"))
    except campaigns.CampaignError as exc:
        fail(str(exc), exc.details)
    click.echo(f"Campaign '{name}' is open: {n} invitations. Next: survey links export '{name}' --out links.csv")


@campaign_group.command("close")
@click.argument("name")
def campaign_close(name):
    """End answering."""
    try:
        with transaction() as session:
            campaigns.close(session, campaigns.get(session, name))
    except campaigns.CampaignError as exc:
        fail(str(exc))
    db.get_db().reorder_responses()
    click.echo(f"Campaign '{name}' is closed.")


@campaign_group.command("list")
def campaign_list():
    """Campaigns with status, closing date and invitations done."""
    with transaction() as session:
        rows = campaigns.progress(session)
    if not rows:
        click.echo("No campaigns yet.")
    for p in rows:
        click.echo(f"{p.name}\t{p.status}\tcloses {p.closes_on}\t{p.done}/{p.total} done")


COMMANDS = [campaign_group]
