"""Making an assessee familiar with their results (order No. 260, para 12): publishing releases
each report with a personal link, the assessee opens it and says they have read it, and HR sees
who is overdue (two working days, ``workdays``).

Publishing again gives every assessee a new key: links made before stop working. A single link
can be revoked.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.campaigns.errors import CampaignError
from survey.core.clock import now
from survey.core.alphabetical import name_or_unit_contains
from survey.core.listing import Listing
from survey.core.followup import Calibration, DevelopmentPlan, ReportOpening, ReportRelease
from survey.core.messages import N_
from survey.core.models import Assessment, Campaign, Person, random_key
from survey.followup.workdays import Calendar
from survey.reports import links

FAMILIARISATION_DAYS = 2  # para 12


def publish(session: Session, campaign: Campaign, calendar: Calendar, *, at: dt.datetime | None = None) -> int:
    """Release every assessee's report with a fresh key; what they already did (opened, read) stays."""
    if campaign.status != "closed":
        raise CampaignError(N_("reports of '%(name)s' are published once it is closed"), name=campaign.name)
    at = at or now()
    released = {r.assessment_id: r for r in session.scalars(
        select(ReportRelease).join(Assessment).where(Assessment.campaign_id == campaign.id))}
    for assessment in campaign.assessments:
        release = released.get(assessment.id)
        if release is None:
            release = ReportRelease(assessment_id=assessment.id)
            session.add(release)
        release.key, release.published_at, release.revoked_at = random_key(), at, None
        release.due_on = calendar.add(at.date(), FAMILIARISATION_DAYS)
    session.flush()
    return len(campaign.assessments)


@dataclass(frozen=True)
class LinkRow:
    employee_id: str
    full_name: str
    unit: str
    email: str
    language: str
    url: str
    valid_until: dt.date


def link_rows(session: Session, campaign: Campaign, *, secret: str, base_url: str, days: int,
              today: dt.date | None = None) -> list[LinkRow]:
    """Each released assessee's personal link, for the e-mails and the printable sheet."""
    until = links.expires_on(days, today)
    rows = session.execute(
        select(Assessment, Person, ReportRelease).join(Person, Person.id == Assessment.assessee_id)
        .join(ReportRelease, ReportRelease.assessment_id == Assessment.id)
        .where(Assessment.campaign_id == campaign.id, ReportRelease.revoked_at.is_(None))
        .order_by(Assessment.unit_key, Assessment.name_key, Assessment.id)).all()
    return [LinkRow(p.employee_id, a.full_name, a.unit, p.email, p.language,
                    links.url(base_url, links.sign(secret, campaign.id, a.id, r.key)), until) for a, p, r in rows]


def released(session: Session, secret: str, token: str, *, days: int) -> ReportRelease:
    """The release behind an assessee's link, if the link is valid, current and its campaign closed."""
    campaign_id, assessment_id, key = links.verify(secret, token, days=days)
    release = session.get(ReportRelease, assessment_id)
    if (release is None or release.revoked_at is not None or release.key != key
            or release.assessment.campaign_id != campaign_id or release.assessment.campaign.status != "closed"):
        raise links.LinkInvalid()
    return release


def record_opening(session: Session, assessment_id: int, kind: str, reader: str, *, at: dt.datetime | None = None) -> None:
    """Para 21 says who may know the results; this keeps who did, for the HR head to see."""
    session.add(ReportOpening(assessment_id=assessment_id, reader_kind=kind, reader=reader[:254], at=at or now()))
    if kind == "assessee":
        release = session.get(ReportRelease, assessment_id)
        if release is not None and release.opened_at is None:
            release.opened_at = at or now()
    session.flush()


def acknowledge(session: Session, release: ReportRelease, *, at: dt.datetime | None = None) -> None:
    if release.acknowledged_at is None:
        release.acknowledged_at = at or now()
    session.flush()


def revoke(session: Session, release: ReportRelease, *, at: dt.datetime | None = None) -> None:
    release.revoked_at = at or now()
    session.flush()


STATES = ("unpublished", "published", "opened", "acknowledged", "overdue")


@dataclass(frozen=True)
class Familiarisation:
    """Where one assessee stands after the report: counts and dates, never the report's contents."""

    assessment_id: int
    employee_id: str
    full_name: str
    unit: str
    state: str
    published_at: dt.datetime | None
    due_on: dt.date | None
    acknowledged_at: dt.datetime | None
    plan: str  # "", "recorded" or "confirmed"
    calibration: str  # "", "pending", "granted", "refused", "closed"


def state_of(release: ReportRelease | None, today: dt.date) -> str:
    if release is None or release.revoked_at is not None:
        return "unpublished"
    if release.acknowledged_at is not None:
        return "acknowledged"
    if today > release.due_on:
        return "overdue"
    return "opened" if release.opened_at is not None else "published"


def familiarisation(session: Session, campaign: Campaign, today: dt.date | None = None, *, query: str = "",
                    assessment_ids: Iterable[int] | None = None) -> Listing:
    """Where each assessee stands (those whose name or unit contains ``query`` in any letter case,
    or of ``assessment_ids``), by unit and name in the alphabet's order: HR's page reads a hundred
    of a whole body at a time, the command and a manager's page take theirs whole (``[:]``)."""
    today = today or dt.date.today()
    statement = (
        select(Assessment.id, Person.employee_id, Assessment.full_name, Assessment.unit, ReportRelease,
               DevelopmentPlan.confirmed_at, DevelopmentPlan.meeting_on, Calibration)
        .join(Person, Person.id == Assessment.assessee_id)
        .outerjoin(ReportRelease, ReportRelease.assessment_id == Assessment.id)
        .outerjoin(DevelopmentPlan, DevelopmentPlan.assessment_id == Assessment.id)
        .outerjoin(Calibration, Calibration.assessment_id == Assessment.id)
        .where(Assessment.campaign_id == campaign.id)
        .order_by(Assessment.unit_key, Assessment.name_key, Assessment.id))
    if query:
        statement = statement.where(name_or_unit_contains(Assessment, query))
    if assessment_ids is not None:
        statement = statement.where(Assessment.id.in_(list(assessment_ids)))

    def stands(rows) -> list[Familiarisation]:
        out = []
        for aid, eid, name, unit, release, confirmed, meeting, calibration in rows:
            plan = "confirmed" if confirmed else "recorded" if meeting else ""
            state = "" if calibration is None else "closed" if calibration.closed_at else calibration.decision
            out.append(Familiarisation(aid, eid, name, unit, state_of(release, today),
                                       release.published_at if release else None, release.due_on if release else None,
                                       release.acknowledged_at if release else None, plan, state))
        return out

    return Listing(session, statement, finish=stands)
