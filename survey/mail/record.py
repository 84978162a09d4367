"""What HR is shown before and after sending: who can be reached by e-mail (the others need a
printed sheet), the invitations sent to whom and whether they went, and the batches under way.

Nothing here tells HR who has answered. Invitations go to every rater, so naming their addressees
says nothing; reminders go only to raters with questionnaires still open, so they are shown as
counts per day, never by name; and no list marks a rater as done or not.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from survey.core.collation import collation_key
from survey.core.models import Assessment, Campaign, Invitation, Job, Person, SentMessage
from survey.mail import sending, settings
from survey.operations import jobs


@dataclass(frozen=True)
class RaterContact:
    person_id: int
    full_name: str
    unit: str
    has_email: bool
    has_open: bool  # still has questionnaires to answer; which ones is not told


@dataclass(frozen=True)
class SentRecord:
    at: dt.datetime
    rater_name: str
    kind: str
    ok: bool
    error: str


@dataclass(frozen=True)
class ReminderDay:
    day: dt.date
    sent: int
    failed: int


@dataclass(frozen=True)
class Overview:
    configured: bool  # a mail server is set up (whether the settings are valid is told on sending)
    sender: str
    with_email: list[RaterContact]
    without_email: list[RaterContact]
    open_with_email: int  # raters a reminder would go to
    history: list[SentRecord]  # invitations only
    reminders: list[ReminderDay]
    jobs: list[Job]


def overview(session: Session, campaign: Campaign, config: Mapping) -> Overview:
    found = contacts(session, campaign)
    return Overview(
        configured=settings.configured(config), sender=settings.sender(config),
        with_email=[c for c in found if c.has_email], without_email=[c for c in found if not c.has_email],
        open_with_email=sum(1 for c in found if c.has_email and c.has_open),
        history=history(session, campaign), reminders=reminders(session, campaign), jobs=jobs.recent(session, campaign, kinds=sending.JOB_KINDS.values()))


def contacts(session: Session, campaign: Campaign) -> list[RaterContact]:
    """Every rater of the campaign, whether they have an address and whether anything is still open."""
    rows = session.execute(
        select(Person.id, Person.full_name, Person.unit, Person.email,
               func.sum(case((Invitation.done.is_(False), 1), else_=0)))
        .join(Invitation, Invitation.rater_id == Person.id)
        .join(Assessment, Assessment.id == Invitation.assessment_id)
        .where(Assessment.campaign_id == campaign.id)
        .group_by(Person.id, Person.full_name, Person.unit, Person.email)
    ).all()
    rows = sorted(rows, key=lambda r: (collation_key(r[1]), r[0]))  # every rater of one campaign: bounded
    return [RaterContact(pid, name, unit or "", bool((address or "").strip()), bool(open_ or 0))
            for pid, name, unit, address, open_ in rows]


def history(session: Session, campaign: Campaign, limit: int = 1000) -> list[SentRecord]:
    rows = session.execute(
        select(SentMessage.at, Person.full_name, SentMessage.kind, SentMessage.ok, SentMessage.error)
        .join(Person, Person.id == SentMessage.rater_id)
        .where(SentMessage.campaign_id == campaign.id, SentMessage.kind == "invitation")
        .order_by(SentMessage.at.desc(), Person.name_key, SentMessage.id)
        .limit(limit)
    ).all()
    return [SentRecord(at, name, kind, ok, error or "") for at, name, kind, ok, error in rows]


def reminders(session: Session, campaign: Campaign) -> list[ReminderDay]:
    """Reminders per day, counted: their addressees are the raters not yet done."""
    days: dict[dt.date, list[int]] = {}
    for at, ok in session.execute(select(SentMessage.at, SentMessage.ok).where(
            SentMessage.campaign_id == campaign.id, SentMessage.kind == "reminder")):
        counts = days.setdefault(at.date(), [0, 0])
        counts[0 if ok else 1] += 1
    return [ReminderDay(day, sent, failed) for day, (sent, failed) in sorted(days.items(), reverse=True)]
