"""``survey campaign``: creating, approving, opening, closing, deleting and listing campaigns, and
who a campaign assesses."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from survey.campaigns import exclusions, figures, opening
from survey.campaigns import lifecycle as campaigns
from survey.cli.common import config, fail, instruments, transaction
from survey.web.common import database as db

_DATE = click.DateTime(["%Y-%m-%d", "%d.%m.%Y"])


def _apply(name: str, operation, done: str) -> None:
    """Run ``operation(session, campaign)`` in one transaction; say ``done`` or fail with the reason."""
    try:
        with transaction() as session:
            operation(session, campaigns.get(session, name))
    except campaigns.CampaignError as exc:
        fail(str(exc), exc.details)
    click.echo(done)


def _warn(campaign) -> None:
    warning = campaigns.late_warning(campaign)
    if warning is not None:
        click.echo(f"Warning: {warning}", err=True)


@click.group("campaign", cls=AppGroup)
def campaign_group():
    """Assessment campaigns."""


@campaign_group.command("create")
@click.argument("name")
@click.option("--closes", required=True, type=_DATE, help="last day of answering, YYYY-MM-DD")
@click.option("--period", type=int, help="the reporting year assessed (default: the year the campaign closes in, "
                                         "or the year before for a January closing)")
@click.option("--units", multiple=True, help="assess only this unit (repeat for several; default: the whole body)")
@click.option("--repeat-reason", default="", help="why people already assessed for this period are assessed again "
                                                  "(order No. 260, para 34)")
def campaign_create(name, closes, period, units, repeat_reason):
    """Create a campaign: who is assessed follows order No. 260, paras 6-7, as of today."""
    try:
        with transaction() as session:
            campaign = campaigns.create(session, name, closes.date(), instruments(), period=period,
                                        units=list(units) or None, repeat_reason=repeat_reason)
            n, period = len(campaign.assessments), campaign.period
            without = sum(1 for a in campaign.assessments if a.participation == "without")
            excluded = len(campaign.exclusions)
            _warn(campaign)
    except campaigns.CampaignError as exc:
        fail(str(exc), exc.details)
    click.echo(f"Campaign '{name}' for {period} created with {n} assessees ({without} without their participation, "
               f"{excluded} not assessed); answering closes after {closes.date()}.")
    click.echo(f"Next: survey campaign show '{name}', then survey raters suggest '{name}' --out raters.csv")


@campaign_group.command("show")
@click.argument("name")
def campaign_show(name):
    """Who the campaign assesses, who without their participation, who not, and why."""
    try:
        with transaction() as session:
            campaign = campaigns.get(session, name)
            click.echo(f"{campaign.name}\t{campaign.status}\tperiod {campaign.period}\tcloses {campaign.closes_on}")
            units = ", ".join(campaign.units) if campaign.units else "the whole body"
            click.echo(f"Scope: {units}")
            approved = (f"{campaign.approved_by}, {campaign.approved_on}" if campaign.approved_on
                        else "not recorded (survey campaign approve)")
            click.echo(f"Schedule approved: {approved}")
            for line in exclusions.listing(session, campaign):
                click.echo(str(line))
            if campaign.status == "draft":
                ready = opening.readiness(session, campaign, config("MIN_RATERS"), config("MAX_RATERS"))
                for rater in ready.withheld:
                    click.echo(f"Not invited (away or gone): {rater.rater.employee_id} {rater.rater.full_name} "
                               f"about {rater.assessment.full_name}")
                for problem in ready.counts + ready.rules:
                    click.echo(f"Before opening: {problem}")
            _warn(campaign)
    except campaigns.CampaignError as exc:
        fail(str(exc))


@campaign_group.command("approve")
@click.argument("name")
@click.option("--by", "by", required=True, help="the official who approved the schedule (order No. 260, para 11)")
@click.option("--on", "on", required=True, type=_DATE, help="the date of the approval")
def campaign_approve(name, by, on):
    """Record the approval of the assessment schedule, needed before opening."""
    _apply(name, lambda session, campaign: campaigns.approve(session, campaign, by, on.date()),
           f"The schedule of '{name}' is approved by {by.strip()} on {on.date()}.")


@campaign_group.command("exclude")
@click.argument("name")
@click.argument("employee_id")
@click.option("--reason", required=True, help="why the person is not assessed in this campaign")
def campaign_exclude(name, employee_id, reason):
    """Leave a person out of a draft campaign, with the reason recorded."""
    _apply(name, lambda session, campaign: exclusions.exclude(session, campaign, employee_id, reason),
           f"{employee_id} is not assessed in '{name}'.")


@campaign_group.command("include")
@click.argument("name")
@click.argument("employee_id")
@click.option("--reason", required=True, help="why the person is assessed although a rule leaves them out")
def campaign_include(name, employee_id, reason):
    """Assess a person a rule left out (e.g. three months short in post), with the reason recorded."""
    _apply(name, lambda session, campaign: exclusions.include(session, campaign, employee_id, reason),
           f"{employee_id} is assessed in '{name}'.")


@campaign_group.command("delete")
@click.argument("name")
def campaign_delete(name):
    """Delete a draft campaign (an open or closed one is kept)."""
    _apply(name, campaigns.delete, f"Campaign '{name}' is deleted.")


@campaign_group.command("open")
@click.argument("name")
def campaign_open(name):
    """Check para 11 (the schedule approved) and para 36 (3-7 raters, the manager, subordinates), and open answering."""
    try:
        with transaction() as session:
            campaign = campaigns.get(session, name)
            n = campaigns.open_(session, campaign, minimum=config("MIN_RATERS"), maximum=config("MAX_RATERS"))
            _warn(campaign)
    except campaigns.CampaignError as exc:
        fail(str(exc), exc.details)
    click.echo(f"Campaign '{name}' is open: {n} invitations. Next: survey links export '{name}' --out links.csv")


@campaign_group.command("close")
@click.argument("name")
def campaign_close(name):
    """End answering."""
    try:
        with transaction() as session:
            figures.close(session, campaigns.get(session, name), instruments(),
                          threshold=config("ANONYMITY_THRESHOLD"))
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
