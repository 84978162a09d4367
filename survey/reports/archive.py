"""The ZIP of every report of a closed campaign, prepared as a job (``reports-zip``) so that a large
campaign never holds a web worker; HR downloads it when it is ready.

The file belongs to the job that made it, not to a campaign id: its name holds the job's id and
the moment the job was created, so that after the database is replaced (a restore, a new demo)
or the campaign is purged, no download can offer another database's reports, and ``sweep``
removes what no job of this database owns."""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.core import instruments as questionnaires
from survey.core.models import Campaign, Job
from survey.operations import jobs
from survey.reports import bundle, model

KIND = "reports-zip"


def path(config: Mapping, job: Job) -> Path:
    stamp = job.created_at.strftime("%Y%m%d%H%M%S%f")
    return Path(config["JOBS_DIR"]) / f"reports-{job.campaign_id}-{job.id}-{stamp}.zip"


def ready(session: Session, config: Mapping, campaign: Campaign) -> Path | None:
    """The ZIP of the newest finished job for the campaign, if its file is there."""
    job = session.scalar(select(Job).where(Job.kind == KIND, Job.campaign_id == campaign.id, Job.status == "done")
                         .order_by(Job.id.desc()).limit(1))
    found = path(config, job) if job is not None else None
    return found if found is not None and found.exists() else None


def sweep(session: Session, config: Mapping) -> int:
    """Remove every report ZIP (finished or partial) but that of each campaign's newest job of this
    database: a campaign's earlier ZIPs, a purged campaign's, another database's."""
    folder = Path(config["JOBS_DIR"])
    if not folder.is_dir():
        return 0
    newest = {job.campaign_id: job for job in session.scalars(select(Job).where(Job.kind == KIND).order_by(Job.id))}
    owned = {path(config, job).name for job in newest.values()}
    removed = 0
    for file in folder.glob("reports-*"):
        if file.name not in owned:
            file.unlink(missing_ok=True)
            removed += 1
    return removed


def build(session: Session, campaign: Campaign, config: Mapping, progress) -> str:
    reports = model.build_reports(session, campaign, questionnaires.load_all(config["INSTRUMENTS_DIR"]),
                                  threshold=config["ANONYMITY_THRESHOLD"])
    target = path(config, jobs.active(session, KIND, campaign))
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with open(partial, "wb") as out:
        count = bundle.write(out, reports, progress=progress, processes=bundle.processes(config, len(reports)))
    partial.chmod(0o600)
    partial.replace(target)  # never half a ZIP under the final name
    sweep(session, config)
    return f"{campaign.name}: {count} reports"


jobs.register(KIND, jobs.Kind(build, KIND))
