"""``survey jobs``: a worker process for the bulk work queued from the web workspace, for
installations that keep it out of the web processes."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from survey.web.common import database as db


@click.group("jobs", cls=AppGroup)
def jobs_group():
    """Bulk work (e-mail batches, report archives) queued from the workspace."""


@jobs_group.command("work")
@click.option("--once", is_flag=True, help="run what is queued now and stop")
@click.option("--interval", default=5.0, show_default=True, help="seconds between looks at the queue")
def jobs_work(once, interval):
    """Run queued jobs in this process (for a separate worker service)."""
    import time

    from survey.operations import every_job, jobs  # noqa: F401 - every_job registers every kind

    while True:
        ran = jobs.run_pending(db.get_db(), current_app.config)
        if ran:
            click.echo(f"Ran {ran} job(s).")
        if once:
            return
        time.sleep(interval)


COMMANDS = [jobs_group]
