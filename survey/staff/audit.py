"""The staff audit log: who did what to which campaign, and when. Never what a rater answered."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.staff.accounts import now
from survey.core.models import AuditEntry


def record(session: Session, actor: str, action: str, detail: str = "") -> None:
    session.add(AuditEntry(at=now(), actor=actor, action=action, detail=detail[:1000]))
    session.flush()


def recent(session: Session, limit: int = 500) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
