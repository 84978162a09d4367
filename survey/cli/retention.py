"""``survey retention``: deleting assessment records once the law no longer asks to keep them."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from survey.cli.common import fail, transaction
from survey.operations import prepared
from survey.operations import every_job  # noqa: F401 - every kind of prepared file, for the sweep
from survey.web.common import database as db


@click.group("retention", cls=AppGroup)
def retention_group():
    """Keeping and deleting assessment records (order No. 260, para 15)."""


@retention_group.command("purge")
@click.option("--older-than", "period", default="3y", show_default=True,
              help="remove campaigns whose last day of answering is older than this: 3y, 36m, 1095d")
@click.option("--dry-run", is_flag=True, help="only list what would be removed")
def retention_purge(period, dry_run):
    """Delete campaigns past the retention period: answers, invitations, raters, the campaign."""
    from survey.operations import retention
    from survey.staff import audit

    try:
        before = retention.cutoff(period)
        with transaction() as session:
            purged = retention.purge(session, before, dry_run=dry_run)
            if purged and not dry_run:
                prepared.sweep(session, current_app.config)  # the purged campaigns' prepared ZIPs
                audit.record(session, "survey retention purge", "retention-purge",
                             "; ".join(f"{p.campaign} ({p.responses} responses)" for p in purged))
    except retention.RetentionError as exc:
        fail(str(exc))
    verb = "Would remove" if dry_run else "Removed"
    if not purged:
        click.echo(f"Nothing to remove: no campaign closed before {before}.")
    for p in purged:
        click.echo(f"{verb} '{p.campaign}' (closed {p.closes_on}): {p.assessees} assessees, "
                   f"{p.responses} responses, {p.invitations} invitations.")
    if purged and not dry_run:
        db.get_db().reorder_responses()  # SQLite: VACUUM, so the deleted answers leave no trace in the file


COMMANDS = [retention_group]
