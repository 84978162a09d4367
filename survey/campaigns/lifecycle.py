"""A campaign's life: create (everyone assessed), choose raters, open (invitations), close."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from survey.results import tally
from survey.core.messages import N_, DomainError
from survey.core.models import SELF, Assessment, Campaign, Invitation, Person, Rater


class CampaignError(DomainError):
    """A campaign operation that cannot be done; the message says why and what to do."""

    def __init__(self, message: str, details: list[str] | None = None, **params):
        self.details = details or []
        super().__init__(message, **params)


def get(session: Session, name: str) -> Campaign:
    campaign = session.scalar(select(Campaign).where(Campaign.name == name))
    if campaign is None:
        raise CampaignError(N_("no campaign named '%(name)s'"), name=name)
    return campaign


def create(session: Session, name: str, closes_on: dt.date, instruments) -> Campaign:
    """A campaign in which every person of the roster is assessed with their role's questionnaire."""
    if not name.strip():
        raise CampaignError(N_("a campaign needs a name"))
    if session.scalar(select(Campaign.id).where(Campaign.name == name)) is not None:
        raise CampaignError(N_("a campaign named '%(name)s' already exists"), name=name)
    people = session.scalars(select(Person).order_by(Person.id)).all()
    if not people:
        raise CampaignError(N_("the roster is empty: import it first"))
    missing = sorted({p.role for p in people} - set(instruments))
    if missing:
        raise CampaignError(N_("no questionnaire for role(s): %(roles)s"), roles=", ".join(missing))
    campaign = Campaign(name=name, closes_on=closes_on, status="draft")
    campaign.assessments = [Assessment(assessee=p, instrument=p.role) for p in people]
    session.add(campaign)
    session.flush()
    return campaign


def require_status(campaign: Campaign, *statuses: str) -> None:
    if campaign.status not in statuses:
        raise CampaignError(N_("campaign '%(name)s' is %(status)s; this needs it to be %(needed)s"),
                            name=campaign.name, status=campaign.status, needed=" or ".join(statuses))


def rater_count_problems(session: Session, campaign: Campaign, minimum: int, maximum: int) -> list[DomainError]:
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
            problems.append(DomainError(N_("%(id)s %(name)s: %(count)d rater(s)"), id=assessment.assessee.employee_id,
                                        name=assessment.assessee.full_name, count=n))
    return problems


def open_(session: Session, campaign: Campaign, *, minimum: int = 3, maximum: int = 7) -> int:
    """Open answering: one invitation per rater and one for the self-assessment."""
    require_status(campaign, "draft")
    problems = rater_count_problems(session, campaign, minimum, maximum)
    if problems:
        raise CampaignError(
            N_("cannot open '%(name)s': every assessee needs %(minimum)d to %(maximum)d raters "
               "(order No. 260, para 36); %(count)d do not"), problems,
            name=campaign.name, minimum=minimum, maximum=maximum, count=len(problems))
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
    """No more answers; the competency totals that results are read from are written now."""
    require_status(campaign, "open")
    campaign.status = "closed"
    session.flush()
    tally.write(session, campaign)


def is_answerable(status: str, closes_on: dt.date, today: dt.date | None = None) -> bool:
    """Open, and the closing date (inclusive) not passed."""
    return status == "open" and (today or dt.date.today()) <= closes_on


@dataclass(frozen=True)
class CampaignProgress:
    name: str
    status: str
    closes_on: dt.date
    done: int
    total: int


def progress(session: Session) -> list[CampaignProgress]:
    counts = {
        cid: (done or 0, total)
        for cid, done, total in session.execute(
            select(Assessment.campaign_id, func.sum(case((Invitation.done, 1), else_=0)), func.count(Invitation.id))
            .join(Invitation, Invitation.assessment_id == Assessment.id)
            .group_by(Assessment.campaign_id)
        ).all()
    }
    return [
        CampaignProgress(c.name, c.status, c.closes_on, *counts.get(c.id, (0, 0)))
        for c in session.scalars(select(Campaign).order_by(Campaign.closes_on, Campaign.name))
    ]


@dataclass(frozen=True)
class RaterLink:
    assessee_id: str
    assessee_name: str
    relation: str
    rater_id: str
    rater_name: str
    rater_email: str
    language: str
    key: str


LINK_COLUMNS = ["assessee_id", "assessee_name", "relation", "rater_id", "rater_name", "rater_email", "language", "url"]


def link_rows(links_: list[RaterLink], url_of) -> list[list[str]]:
    return [[r.assessee_id, r.assessee_name, r.relation, r.rater_id, r.rater_name, r.rater_email, r.language,
             url_of(r.key)] for r in links_]


def links(session: Session, campaign: Campaign) -> list[RaterLink]:
    """Every invitation of an open campaign, for HR to hand out (never shows what was answered)."""
    require_status(campaign, "open", "closed")
    invitations = session.scalars(
        select(Invitation)
        .join(Assessment)
        .where(Assessment.campaign_id == campaign.id)
        .options(selectinload(Invitation.rater), selectinload(Invitation.assessment).selectinload(Assessment.assessee))
    ).all()
    rows = [
        RaterLink(i.assessment.assessee.employee_id, i.assessment.assessee.full_name, i.relation,
             i.rater.employee_id, i.rater.full_name, i.rater.email, i.rater.language, i.key)
        for i in invitations
    ]
    return sorted(rows, key=lambda r: (r.assessee_id, r.relation != SELF, r.relation, r.rater_id))


def extend(session: Session, campaign: Campaign, closes_on: dt.date, today: dt.date | None = None) -> None:
    """Move the closing date; a reopened window needs a date not yet passed."""
    require_status(campaign, "draft", "open")
    if closes_on < (today or dt.date.today()):
        raise CampaignError(N_("the new closing date %(date)s has already passed"), date=str(closes_on))
    campaign.closes_on = closes_on
    session.flush()


@dataclass(frozen=True)
class AssesseeProgress:
    assessment_id: int
    employee_id: str
    full_name: str
    unit: str
    done: int
    total: int

    @property
    def missing(self) -> int:
        return self.total - self.done


def assessee_progress(session: Session, campaign: Campaign) -> list[AssesseeProgress]:
    """Per assessee, how many of their invitations are done. Which ones is not shown: a count
    per assessee is what HR needs, and it does not point at a rater's answers."""
    rows = session.execute(
        select(Assessment.id, Person.employee_id, Person.full_name, Person.unit,
               func.sum(case((Invitation.done, 1), else_=0)), func.count(Invitation.id))
        .join(Person, Person.id == Assessment.assessee_id)
        .outerjoin(Invitation, Invitation.assessment_id == Assessment.id)
        .where(Assessment.campaign_id == campaign.id)
        .group_by(Assessment.id, Person.employee_id, Person.full_name, Person.unit)
        .order_by(Person.unit, Person.full_name)
    ).all()
    return [AssesseeProgress(a, e, n, u, int(d or 0), int(t or 0)) for a, e, n, u, d, t in rows]


def unit_progress(items: list[AssesseeProgress]) -> list[tuple[str, int, int]]:
    units: dict[str, list[int]] = {}
    for item in items:
        done_total = units.setdefault(item.unit, [0, 0])
        done_total[0] += item.done
        done_total[1] += item.total
    return [(unit, d, t) for unit, (d, t) in sorted(units.items())]


def invitations_by_rater(session: Session, campaign: Campaign, *, pending_only: bool = False) -> dict[Person, list[Invitation]]:
    """Each rater's invitations (or only those still to answer, for reminders) — never what anyone answered."""
    require_status(campaign, "open")
    query = (select(Invitation).join(Assessment).where(Assessment.campaign_id == campaign.id)
             .options(selectinload(Invitation.rater), selectinload(Invitation.assessment).selectinload(Assessment.assessee))
             .order_by(Invitation.id))
    if pending_only:
        query = query.where(Invitation.done.is_(False))
    out: dict[Person, list[Invitation]] = {}
    for invitation in session.scalars(query):
        out.setdefault(invitation.rater, []).append(invitation)
    return out


def pending_raters(session: Session, campaign: Campaign) -> dict[Person, list[Invitation]]:
    return invitations_by_rater(session, campaign, pending_only=True)


def all_invitations_by_rater(session: Session, campaign: Campaign) -> dict[Person, list[Invitation]]:
    return invitations_by_rater(session, campaign)
