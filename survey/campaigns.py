"""A campaign's life: create (everyone assessed), choose raters, open (invitations), close."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from .models import SELF, Assessment, Campaign, Invitation, Person, Rater


class CampaignError(Exception):
    """A campaign operation that cannot be done; the message says why and what to do."""

    def __init__(self, message: str, details: list[str] | None = None):
        self.details = details or []
        super().__init__(message)


def get(session: Session, name: str) -> Campaign:
    campaign = session.scalar(select(Campaign).where(Campaign.name == name))
    if campaign is None:
        raise CampaignError(f"no campaign named '{name}'")
    return campaign


def create(session: Session, name: str, closes_on: dt.date, instruments) -> Campaign:
    """A campaign in which every person of the roster is assessed with their role's questionnaire."""
    if not name.strip():
        raise CampaignError("a campaign needs a name")
    if session.scalar(select(Campaign.id).where(Campaign.name == name)) is not None:
        raise CampaignError(f"a campaign named '{name}' already exists")
    people = session.scalars(select(Person).order_by(Person.id)).all()
    if not people:
        raise CampaignError("the roster is empty: import it first")
    missing = sorted({p.role for p in people} - set(instruments))
    if missing:
        raise CampaignError(f"no questionnaire for role(s): {', '.join(missing)}")
    campaign = Campaign(name=name, closes_on=closes_on, status="draft")
    campaign.assessments = [Assessment(assessee=p, instrument=p.role) for p in people]
    session.add(campaign)
    session.flush()
    return campaign


def require_status(campaign: Campaign, *statuses: str) -> None:
    if campaign.status not in statuses:
        raise CampaignError(f"campaign '{campaign.name}' is {campaign.status}; this needs it to be {' or '.join(statuses)}")


def rater_count_problems(session: Session, campaign: Campaign, minimum: int, maximum: int) -> list[str]:
    """Every assessee whose number of raters breaks order No. 260, para 36 (3 to 7)."""
    counts = dict(session.execute(
        select(Assessment.id, func.count(Rater.id))
        .outerjoin(Rater, Rater.assessment_id == Assessment.id)
        .where(Assessment.campaign_id == campaign.id)
        .group_by(Assessment.id)
    ).all())
    problems = []
    for assessment in sorted(campaign.assessments, key=lambda a: a.assessee.employee_id):
        n = counts.get(assessment.id, 0)
        if not minimum <= n <= maximum:
            problems.append(f"{assessment.assessee.employee_id} {assessment.assessee.full_name}: {n} rater(s)")
    return problems


def open_(session: Session, campaign: Campaign, *, minimum: int = 3, maximum: int = 7) -> int:
    """Open answering: one invitation per rater and one for the self-assessment."""
    require_status(campaign, "draft")
    problems = rater_count_problems(session, campaign, minimum, maximum)
    if problems:
        raise CampaignError(
            f"cannot open '{campaign.name}': every assessee needs {minimum} to {maximum} raters "
            f"(order No. 260, para 36); {len(problems)} do not", problems)
    created = 0
    for assessment in campaign.assessments:
        session.add(Invitation(assessment=assessment, rater=assessment.assessee, relation=SELF))
        for rater in assessment.raters:
            session.add(Invitation(assessment=assessment, rater=rater.rater, relation=rater.relation))
        created += 1 + len(assessment.raters)
    campaign.status = "open"
    session.flush()
    return created


def close(session: Session, campaign: Campaign) -> None:
    require_status(campaign, "open")
    campaign.status = "closed"
    session.flush()


def is_answerable(campaign: Campaign, today: dt.date | None = None) -> bool:
    """Open, and the closing date (inclusive) not passed."""
    return campaign.status == "open" and (today or dt.date.today()) <= campaign.closes_on


@dataclass(frozen=True)
class Progress:
    name: str
    status: str
    closes_on: dt.date
    done: int
    total: int


def progress(session: Session) -> list[Progress]:
    counts = {
        cid: (done or 0, total)
        for cid, done, total in session.execute(
            select(Assessment.campaign_id, func.sum(case((Invitation.done, 1), else_=0)), func.count(Invitation.id))
            .join(Invitation, Invitation.assessment_id == Assessment.id)
            .group_by(Assessment.campaign_id)
        ).all()
    }
    return [
        Progress(c.name, c.status, c.closes_on, *counts.get(c.id, (0, 0)))
        for c in session.scalars(select(Campaign).order_by(Campaign.closes_on, Campaign.name))
    ]


@dataclass(frozen=True)
class Link:
    assessee_id: str
    assessee_name: str
    relation: str
    rater_id: str
    rater_name: str
    rater_email: str
    language: str
    key: str


def links(session: Session, campaign: Campaign) -> list[Link]:
    """Every invitation of an open campaign, for HR to hand out (never shows what was answered)."""
    require_status(campaign, "open", "closed")
    invitations = session.scalars(
        select(Invitation)
        .join(Assessment)
        .where(Assessment.campaign_id == campaign.id)
        .options(selectinload(Invitation.rater), selectinload(Invitation.assessment).selectinload(Assessment.assessee))
    ).all()
    rows = [
        Link(i.assessment.assessee.employee_id, i.assessment.assessee.full_name, i.relation,
             i.rater.employee_id, i.rater.full_name, i.rater.email, i.rater.language, i.key)
        for i in invitations
    ]
    return sorted(rows, key=lambda r: (r.assessee_id, r.relation != SELF, r.relation, r.rater_id))
