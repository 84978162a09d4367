"""Starting bulk work from a staff page: the job is stored with the request, and this process's
worker is woken only once it is committed, so that it finds the job."""
from __future__ import annotations

from flask import current_app, g

from survey.core.models import Campaign, Job
from survey.operations import jobs
from survey.web.common import database as db


def start(kind: str, campaign: Campaign) -> tuple[Job, bool]:
    """The active job of this kind for the campaign, or a new one (True)."""
    job, new = jobs.start(db.session(), kind, campaign, g.user.email)
    wake_worker()
    return job, new


def wake_worker() -> None:
    """For a job this request queued (here or through a service): its worker starts after the commit."""
    app = current_app._get_current_object()
    db.after_commit(lambda: jobs.kick(app))
