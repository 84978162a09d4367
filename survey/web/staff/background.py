"""Starting bulk work from a staff page: the job is stored with the request, and this process's
worker is woken only once it is committed, so that it finds the job."""
from __future__ import annotations

import io
from typing import BinaryIO, Callable, Mapping

from flask import current_app, g, render_template, request

from survey.core.models import Campaign, Job
from survey.operations import jobs, prepared
from survey.web.common import database as db
from survey.web.common.downloads import download, file_download
from survey.web.staff.auth import log_action


def start(kind: str, campaign: Campaign, params: Mapping | None = None) -> tuple[Job, bool]:
    """The active job of this kind for the campaign, or a new one (True)."""
    job, new = jobs.start(db.session(), kind, campaign, g.user.email, params)
    wake_worker()
    return job, new


def prepare(kind: str, campaign: Campaign, params: Mapping | None = None, *, title: str, back: str):
    """A download a job prepares: the page that waits for it (HTTP 202) and reloads itself until
    the file is there, when the same address serves it. The job is started once and joined by
    every reload; one that failed is started again only when asked (``?again=1``), so that a
    failure is read, not retried every three seconds."""
    job = jobs.latest(db.session(), kind, campaign, params)
    if job is None or job.status == "done" or (job.status == "failed" and request.args.get("again")):
        job, _ = start(kind, campaign, params)
    return render_template("hr/preparing.html", campaign=campaign, job=job, title=title, back=back), 202


def prepared_file(product: prepared.Product, campaign: Campaign, params: Mapping, *, small: Callable[[], bool],
                  write: Callable[[BinaryIO], object], name: str, mimetype: str, action: str, title: str, back: str,
                  detail: str | None = None):
    """A file for people made in the request when the body is ``small``, else the file a job
    prepared for these ``params`` (or the page that waits for it); either download is logged
    (``detail``, by default the campaign's name)."""
    ready = product.ready(db.session(), current_app.config, campaign, params)
    if ready is None and not small():
        return prepare(product.kind, campaign, params, title=title, back=back)
    log_action(action, campaign.name if detail is None else detail)
    if ready is not None:
        return file_download(ready, name, mimetype)
    out = io.BytesIO()
    write(out)
    return download(out.getvalue(), name, mimetype)


def wake_worker() -> None:
    """For a job this request queued (here or through a service): its worker starts after the commit."""
    app = current_app._get_current_object()
    db.after_commit(lambda: jobs.kick(app))
