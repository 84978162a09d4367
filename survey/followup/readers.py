"""Who may read a report (order No. 260, para 21): the assessee, the assessor (the direct manager in
the campaign's snapshot), the head of the HR service, and the members of a calibration session
about that person while it runs. Each way in is here; every opening is recorded (``release``).
The ``hr`` role runs the campaign and sees counts and statuses, never a report's contents.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.campaigns.errors import CampaignError
from survey.core.followup import AssessorLink, Calibration, CalibrationMember, ReportOpening
from survey.core.messages import N_
from survey.core.models import Assessment, Campaign, Person
from survey.reports import links


def assessors(session: Session, campaign: Campaign) -> list[AssessorLink]:
    """A link for every direct manager of the campaign's assessees (made once, kept)."""
    if campaign.status != "closed":
        raise CampaignError(N_("reports of '%(name)s' are published once it is closed"), name=campaign.name)
    managers = sorted({a.manager_id for a in campaign.assessments if a.manager_id is not None})
    existing = {link.person_id: link for link in session.scalars(
        select(AssessorLink).where(AssessorLink.campaign_id == campaign.id))}
    for person_id in managers:
        if person_id not in existing:
            existing[person_id] = AssessorLink(campaign_id=campaign.id, person_id=person_id)
            session.add(existing[person_id])
    session.flush()
    return [existing[p] for p in managers if existing[p].revoked_at is None]


@dataclass(frozen=True)
class AssessorRow:
    employee_id: str
    full_name: str
    email: str
    language: str
    reports: int
    url: str


def assessor_rows(session: Session, campaign: Campaign, *, secret: str, base_url: str) -> list[AssessorRow]:
    counts: dict[int, int] = {}
    for a in campaign.assessments:
        if a.manager_id is not None:
            counts[a.manager_id] = counts.get(a.manager_id, 0) + 1
    return [AssessorRow(link.person.employee_id, link.person.full_name, link.person.email, link.person.language,
                        counts[link.person_id],
                        links.ASSESSOR.url(base_url, links.ASSESSOR.sign(secret, campaign.id, link.id, link.key)))
            for link in assessors(session, campaign)]


def assessor(session: Session, secret: str, token: str, *, days: int) -> AssessorLink:
    campaign_id, link_id, key = links.ASSESSOR.verify(secret, token, days=days)
    link = session.get(AssessorLink, link_id)
    if link is None or link.campaign_id != campaign_id or link.key != key or link.revoked_at is not None:
        raise links.LinkInvalid()
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.status != "closed":
        raise links.LinkInvalid()
    return link


def direct_reports(session: Session, link: AssessorLink) -> list[Assessment]:
    """The assessees whose direct manager, as the campaign keeps it, is the link's holder: no one else."""
    return list(session.scalars(select(Assessment).where(Assessment.campaign_id == link.campaign_id,
                                                         Assessment.manager_id == link.person_id)
                                .order_by(Assessment.name_key, Assessment.id)))


def report_of(session: Session, link: AssessorLink, assessment_id: int) -> Assessment:
    assessment = session.get(Assessment, assessment_id)
    if assessment is None or assessment.campaign_id != link.campaign_id or assessment.manager_id != link.person_id:
        raise links.LinkInvalid()
    return assessment


def member(session: Session, secret: str, token: str, *, days: int) -> CalibrationMember:
    """A session member's way in: only while the session is granted and not closed."""
    calibration_id, member_id, key = links.CALIBRATION.verify(secret, token, days=days)
    found = session.get(CalibrationMember, member_id)
    if found is None or found.calibration_id != calibration_id or found.key != key:
        raise links.LinkInvalid()
    calibration = session.get(Calibration, calibration_id)
    if calibration.decision != "granted" or calibration.closed_at is not None:
        raise links.LinkInvalid()
    return found


@dataclass(frozen=True)
class Opening:
    at: dt.datetime
    employee_id: str
    full_name: str
    reader_kind: str
    reader: str


def openings(session: Session, campaign: Campaign, limit: int = 500) -> list[Opening]:
    rows = session.execute(
        select(ReportOpening.at, Person.employee_id, Assessment.full_name, ReportOpening.reader_kind,
               ReportOpening.reader)
        .join(Assessment, Assessment.id == ReportOpening.assessment_id)
        .join(Person, Person.id == Assessment.assessee_id)
        .where(Assessment.campaign_id == campaign.id)
        .order_by(ReportOpening.at.desc(), ReportOpening.id.desc()).limit(limit)).all()
    return [Opening(*row) for row in rows]
