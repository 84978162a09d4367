"""Bulk work outside the request: e-mail to every rater, all reports of a campaign.

A job is a row: HR's click inserts it (or joins the active one of the same kind), a worker claims
it atomically, runs it, and writes its progress in short transactions of its own so that the page
shows it on every reload. The worker is a thread started on demand in the web process, or
``survey jobs work`` as a process of its own; either way a job runs once.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from dataclasses import dataclass
from typing import Callable, Collection, Mapping, Protocol

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.staff.accounts import now
from survey.core.models import Campaign, Job

log = logging.getLogger(__name__)
STALE = dt.timedelta(minutes=10)  # a running job with no sign of life for this long was interrupted


class ProgressReport(Protocol):
    def __call__(self, done: int, total: int) -> None: ...


@dataclass(frozen=True)
class Kind:
    """What a job does: ``run(session, campaign, config, progress, **params)`` returns a short
    outcome text; ``params`` are those the job was started with (none for most kinds)."""

    run: Callable[[Session, Campaign, Mapping, ProgressReport], str]
    audit_action: str
    # Work that must follow the job's commit, outside any transaction (compacting the storage).
    after: Callable[[object], None] | None = None


KINDS: dict[str, Kind] = {}


def register(name: str, kind: Kind) -> None:
    KINDS[name] = kind


def encode(params: Mapping[str, object] | None) -> str:
    """One spelling for the same parameters, so that equal requests find the same job."""
    return json.dumps(dict(params), sort_keys=True, ensure_ascii=False) if params else ""


def start(session: Session, kind: str, campaign: Campaign, actor: str,
          params: Mapping[str, object] | None = None) -> tuple[Job, bool]:
    """The active job of this kind and parameters for the campaign, or a new one; True when it is new."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    existing = active(session, kind, campaign, params)
    if existing is not None:
        return existing, False
    job = Job(kind=kind, campaign_id=campaign.id, params=encode(params), status="queued", done=0, total=0,
              outcome="", requested_by=actor, created_at=now())
    try:
        with session.begin_nested():
            session.add(job)
    except IntegrityError:  # another officer's click won the race
        return active(session, kind, campaign, params), False
    return job, True


def active(session: Session, kind: str, campaign: Campaign, params: Mapping[str, object] | None = None) -> Job | None:
    return session.scalar(select(Job).where(Job.kind == kind, Job.campaign_id == campaign.id,
                                            Job.params == encode(params), Job.status.in_(("queued", "running"))))


def latest(session: Session, kind: str, campaign: Campaign, params: Mapping[str, object] | None = None) -> Job | None:
    """The newest job of this kind and parameters for the campaign, whatever became of it."""
    return session.scalar(select(Job).where(Job.kind == kind, Job.campaign_id == campaign.id,
                                            Job.params == encode(params)).order_by(Job.id.desc()).limit(1))


def recent(session: Session, campaign: Campaign, limit: int = 10, kinds: Collection[str] | None = None) -> list[Job]:
    """The campaign's newest jobs, or its newest of some ``kinds`` (a page about e-mail lists its
    sending, not the files prepared for download)."""
    chosen = [Job.campaign_id == campaign.id] + ([Job.kind.in_(list(kinds))] if kinds is not None else [])
    return list(session.scalars(select(Job).where(*chosen).order_by(Job.id.desc()).limit(limit)))


def _claim(database) -> int | None:
    with database.transaction() as session:
        stale = now() - STALE
        session.execute(update(Job).where(Job.status == "running", Job.heartbeat_at < stale)
                        .values(status="failed", outcome="interrupted: start it again", finished_at=now()))
        for job_id in session.scalars(select(Job.id).where(Job.status == "queued").order_by(Job.id)):
            claimed = session.execute(update(Job).where(Job.id == job_id, Job.status == "queued")
                                      .values(status="running", heartbeat_at=now())).rowcount
            if claimed == 1:
                return job_id
    return None


def run_one(database, config: Mapping) -> int | None:
    """Claim and run the oldest queued job; its id, or None when there was nothing to do."""
    job_id = _claim(database)
    if job_id is None:
        return None

    def progress(done: int, total: int) -> None:
        with database.transaction() as session:
            session.execute(update(Job).where(Job.id == job_id).values(done=done, total=total, heartbeat_at=now()))

    try:
        with database.transaction() as session:
            job = session.get(Job, job_id)
            kind = KINDS[job.kind]
            outcome = kind.run(session, session.get(Campaign, job.campaign_id), config, progress,
                               **(json.loads(job.params) if job.params else {}))
            from survey.staff import audit

            audit.record(session, job.requested_by, kind.audit_action, outcome)
    except Exception as exc:  # the job failed; the worker lives on for the next one
        log.exception("job %s failed", job_id)
        from survey.core.messages import DomainError

        reason = str(exc) if isinstance(exc, DomainError) else exc.__class__.__name__
        with database.transaction() as session:
            session.execute(update(Job).where(Job.id == job_id).values(status="failed", outcome=reason[:2000],
                                                                       finished_at=now()))
        return job_id
    if kind.after is not None:  # before "done": whoever waits for the job waits for this too
        try:
            kind.after(database)
        except Exception:  # the job's work is stored; what follows may be done another time
            log.exception("what follows job %s failed", job_id)
    with database.transaction() as session:
        session.execute(update(Job).where(Job.id == job_id).values(status="done", outcome=outcome[:2000],
                                                                   finished_at=now()))
    return job_id


def _queued(database) -> bool:
    with database.transaction() as session:
        return session.scalar(select(Job.id).where(Job.status == "queued").limit(1)) is not None


def run_pending(database, config: Mapping) -> int:
    ran = 0
    while run_one(database, config) is not None:
        ran += 1
    return ran


_thread_lock = threading.Lock()
_threads: dict[int, threading.Thread] = {}


def kick(app) -> None:
    """Make sure this process has a worker thread running the queued jobs of ``app`` (a Flask
    application: its database, configuration and context, for the words of the outcome)."""
    database = app.extensions["survey.db"]

    key = id(app)
    with _thread_lock:
        thread = _threads.get(key)
        if thread is not None and thread.is_alive():
            return

        def work():
            with app.app_context():
                while True:
                    run_pending(database, app.config)
                    with _thread_lock:  # a job queued while this thread was finishing is not left behind
                        if not _queued(database):
                            _threads.pop(key, None)
                            return

        thread = threading.Thread(target=work, name="survey-jobs", daemon=True)
        _threads[key] = thread
        thread.start()
