"""The staff audit log: who did what to which campaign or account, and when. Never what a rater answered."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.core.models import AuditEntry


def now() -> dt.datetime:
    """UTC without a zone, as every time in the database is stored."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def record(session: Session, actor: str, action: str, detail: str = "") -> None:
    session.add(AuditEntry(at=now(), actor=actor, action=action, detail=detail[:1000]))
    session.flush()


def recent(session: Session, limit: int = 500) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
