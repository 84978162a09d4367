"""A campaign's life: create (who is assessed, frozen), approve the schedule, choose raters, open
(invitations), close; a draft can be deleted."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from survey.campaigns import eligibility, opening, scope, snapshot
from survey.campaigns.errors import CampaignError
from survey.results import tally
from survey.core.collation import collation_key
from survey.core.messages import N_, DomainError
from survey.core.models import EXCLUSION_RULES, SELF, Assessment, Campaign, Exclusion, Invitation, Person


def get(session: Session, name: str) -> Campaign:
    campaign = session.scalar(select(Campaign).where(Campaign.name == name))
    if campaign is None:
        raise CampaignError(N_("no campaign named '%(name)s'"), name=name)
    return campaign


def default_period(closes_on: dt.date) -> int:
    """The reporting year a campaign closing then assesses: one closing in January, the year before."""
    return closes_on.year - 1 if closes_on.month == 1 else closes_on.year


def deadline(period: int) -> dt.date:
    """Para 5: the 360 assessment of a year ends no later than the 10th of the next month."""
    return dt.date(period + 1, 1, 10)


def late_warning(campaign: Campaign) -> DomainError | None:
    if campaign.closes_on > deadline(campaign.period):
        return DomainError(N_("answering closes on %(date)s, after %(deadline)s: order No. 260, para 5, has the "
                              "assessment of %(period)d done by the 10th of the month after the reporting year"),
                           date=campaign.closes_on.isoformat(), deadline=deadline(campaign.period).isoformat(),
                           period=campaign.period)
    return None


def _require_future(closes_on: dt.date, today: dt.date) -> None:
    if closes_on < today:
        raise CampaignError(N_("the closing date %(date)s has already passed"), date=closes_on)


def create(session: Session, name: str, closes_on: dt.date, instruments, *, period: int | None = None,
           units: list[str] | None = None, repeat_reason: str = "", today: dt.date | None = None) -> Campaign:
    """A campaign for a reporting year over the whole body or chosen units, frozen as of now.

    Who is assessed, and how, follows paras 6-7 (``eligibility``); each assessee's name, post,
    unit, category and manager are copied into the assessment (``snapshot``).
    """
    today = today or dt.date.today()
    name = name.strip()
    if not name:
        raise CampaignError(N_("a campaign needs a name"))
    if session.scalar(select(Campaign.id).where(Campaign.name == name)) is not None:
        raise CampaignError(N_("a campaign named '%(name)s' already exists"), name=name)
    _require_future(closes_on, today)
    period = period or min(default_period(closes_on), today.year)
    if not 2000 <= period <= today.year:
        raise CampaignError(N_("the reporting period %(period)d is not a year that has begun"), period=period)
    people = scope.members(session, units)
    decisions = {p: eligibility.decide(p, period, today) for p in people}
    assessed = [p for p in people if decisions[p].assessed]
    missing = sorted({p.role for p in assessed} - set(instruments))
    if missing:
        raise CampaignError(N_("no questionnaire for role(s): %(roles)s"), roles=", ".join(missing))
    repeats = scope.assessed_in_period(session, period, [p.id for p in assessed])
    if repeats and not repeat_reason.strip():
        raise CampaignError(
            N_("%(count)d people are already assessed for %(period)d in another campaign: order No. 260, para 34, "
               "has the 360 assessment once a year; record why they are assessed again"),
            [DomainError(N_("%(id)s %(name)s: in '%(campaign)s'"), id=p.employee_id, name=p.full_name, campaign=c)
             for p, c in repeats], count=len(repeats), period=period)
    campaign = Campaign(name=name, closes_on=closes_on, status="draft", period=period, units=units or None,
                        repeat_reason=repeat_reason.strip())
    campaign.assessments = [snapshot.assessment_of(p, decisions[p]) for p in assessed]
    campaign.exclusions = [Exclusion(person=p, rule=decisions[p].rule) for p in people
                           if not decisions[p].assessed and decisions[p].rule in EXCLUSION_RULES]
    session.add(campaign)
    session.flush()
    return campaign


def approve(session: Session, campaign: Campaign, by: str, on: dt.date, today: dt.date | None = None) -> None:
    """Para 11: the schedule approved by the official who appoints and dismisses, recorded before opening."""
    require_status(campaign, "draft")
    if not by.strip():
        raise CampaignError(N_("say who approved the schedule (order No. 260, para 11)"))
    if on > (today or dt.date.today()):
        raise CampaignError(N_("the approval date %(date)s is in the future"), date=on)
    campaign.approved_by, campaign.approved_on = by.strip(), on
    session.flush()


def delete(session: Session, campaign: Campaign) -> None:
    """Only a draft: once links went out, the campaign is a record of what was asked."""
    require_status(campaign, "draft")
    session.delete(campaign)
    session.flush()


def require_status(campaign: Campaign, *statuses: str) -> None:
    if campaign.status not in statuses:
        raise CampaignError(N_("campaign '%(name)s' is %(status)s; this needs it to be %(needed)s"),
                            name=campaign.name, status=campaign.status, needed=" or ".join(statuses))


def rater_count_problems(session: Session, campaign: Campaign, minimum: int, maximum: int) -> list[DomainError]:
    """Every assessee whose number of raters breaks order No. 260, para 36 (3 to 7)."""
    return opening.readiness(session, campaign, minimum, maximum).counts


def open_(session: Session, campaign: Campaign, *, minimum: int = 3, maximum: int = 7,
          today: dt.date | None = None) -> int:
    """Open answering: an invitation per rater who can answer, and one for the self-assessment of
    each assessee who takes part (paras 6-7: those away or gone neither answer nor rate)."""
    require_status(campaign, "draft")
    today = today or dt.date.today()
    if campaign.approved_on is None:
        raise CampaignError(N_("cannot open '%(name)s': record who approved the assessment schedule and when "
                               "(order No. 260, para 11)"), name=campaign.name)
    _require_future(campaign.closes_on, today)
    ready = opening.readiness(session, campaign, minimum, maximum, today)
    if ready.counts:
        raise CampaignError(
            N_("cannot open '%(name)s': every assessee needs %(minimum)d to %(maximum)d raters "
               "(order No. 260, para 36); %(count)d do not"), ready.counts,
            name=campaign.name, minimum=minimum, maximum=maximum, count=len(ready.counts))
    if ready.rules:
        raise CampaignError(
            N_("cannot open '%(name)s': %(count)d choice(s) of raters break order No. 260, para 36; change them, "
               "or record on the assessee's page why they must stand"), ready.rules,
            name=campaign.name, count=len(ready.rules))
    created = 0
    for assessment, raters in ready.issued.items():
        person = assessment.assessee
        if assessment.participation == "full" and not eligibility.participation(person, today).participation == "full":
            # Gone or away since the campaign was created: assessed without them after all.
            assessment.participation, assessment.absence = "without", eligibility.participation(person, today).absence
        if assessment.participation == "full":
            session.add(Invitation(assessment=assessment, rater=assessment.assessee, relation=SELF))
            created += 1
        for rater in raters:
            session.add(Invitation(assessment=assessment, rater=rater.rater, relation=rater.relation))
        created += len(raters)
    campaign.status = "open"
    session.flush()
    return created


def begin_close(session: Session, campaign: Campaign) -> None:
    """No more answers from now on; the totals are written by the closing job (``closing``)."""
    require_status(campaign, "open")
    campaign.status = "closing"
    session.flush()


def close(session: Session, campaign: Campaign, each=None) -> None:
    """No more answers; the competency totals that results are read from are written now (``each``:
    see ``tally.write``; the figures kept at closing are ``campaigns.figures.close``)."""
    require_status(campaign, "open", "closing")
    campaign.status = "closed"
    session.flush()
    tally.write(session, campaign, each)


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
    id: int = 0


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
        CampaignProgress(c.name, c.status, c.closes_on, *counts.get(c.id, (0, 0)), id=c.id)
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
    return [link for part in links_in_parts(session, campaign) for link in part]


def _by_code_point(session: Session, column):
    """Ids in code-point order on either database, as Python sorts them (PostgreSQL's collation
    would put "a-1" and "A1" by the language's rules)."""
    return column.collate("C") if session.get_bind().dialect.name == "postgresql" else column


def links_in_parts(session: Session, campaign: Campaign, size: int = 10_000) -> Iterator[list[RaterLink]]:
    """The same links, in their order, ``size`` at a time: plain rows sorted by the database, so
    that a body of 100,000 (1.2 million links) is written without holding them all."""
    require_status(campaign, "open", "closed")
    assessee, rater = aliased(Person), aliased(Person)
    rows = session.execute(
        select(assessee.employee_id, Assessment.full_name, Invitation.relation, rater.employee_id, rater.full_name,
               rater.email, rater.language, Invitation.key)
        .join(Assessment, Assessment.id == Invitation.assessment_id)
        .join(assessee, assessee.id == Assessment.assessee_id)
        .join(rater, rater.id == Invitation.rater_id)
        .where(Assessment.campaign_id == campaign.id)
        .order_by(_by_code_point(session, assessee.employee_id), Invitation.relation != SELF, _by_code_point(session, Invitation.relation),
                  _by_code_point(session, rater.employee_id))
        .execution_options(yield_per=size))
    for part in rows.partitions(size):
        yield [RaterLink(*row) for row in part]


def extend(session: Session, campaign: Campaign, closes_on: dt.date, today: dt.date | None = None) -> None:
    """Move the closing date; a reopened window needs a date not yet passed."""
    require_status(campaign, "draft", "open")
    if closes_on < (today or dt.date.today()):
        raise CampaignError(N_("the new closing date %(date)s has already passed"), date=closes_on)
    campaign.closes_on = closes_on
    session.flush()


@dataclass(frozen=True, slots=True)
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
    per assessee is what HR needs, and it does not point at a rater's answers.

    The invitations are counted per assessment before they meet the names (grouping the joined
    rows by name spilled to disk on PostgreSQL at 100,000 assessees), read through Core as plain
    rows, in Kazakh and Russian alphabetical order by the keys kept beside unit and name
    (``alphabetical.SortedByName``), which the database reads in the order of its index."""
    chosen = select(Assessment.id).where(Assessment.campaign_id == campaign.id)
    counts = (select(Invitation.assessment_id, func.sum(case((Invitation.done, 1), else_=0)).label("done"),
                     func.count().label("total"))
              .where(Invitation.assessment_id.in_(chosen)).group_by(Invitation.assessment_id).subquery())
    rows = session.connection().execute(
        select(Assessment.id, Person.employee_id, Assessment.full_name, Assessment.unit,
               func.coalesce(counts.c.done, 0), func.coalesce(counts.c.total, 0))
        .join(Person, Person.id == Assessment.assessee_id)
        .outerjoin(counts, counts.c.assessment_id == Assessment.id)
        .where(Assessment.campaign_id == campaign.id)
        .order_by(Assessment.unit_key, Assessment.name_key, _by_code_point(session, Person.employee_id)))
    return [AssesseeProgress(*row) for row in rows]


def unit_progress(items: list[AssesseeProgress]) -> list[tuple[str, int, int]]:
    units: dict[str, list[int]] = {}
    for item in items:
        done_total = units.setdefault(item.unit, [0, 0])
        done_total[0] += item.done
        done_total[1] += item.total
    return [(unit, d, t) for unit, (d, t) in sorted(units.items(), key=lambda kv: collation_key(kv[0]))]


def invitations_by_rater(session: Session, campaign: Campaign, *, pending_only: bool = False,
                         rater_unit: str | None = None) -> dict[Person, list[Invitation]]:
    """Each rater's invitations (or only those still to answer, for reminders; or of the raters of
    one unit, for printing) — never what anyone answered."""
    require_status(campaign, "open")
    query = (select(Invitation).join(Assessment).where(Assessment.campaign_id == campaign.id)
             .options(selectinload(Invitation.rater), selectinload(Invitation.assessment).selectinload(Assessment.assessee))
             .order_by(Invitation.id))
    if pending_only:
        query = query.where(Invitation.done.is_(False))
    if rater_unit is not None:
        query = query.where(Invitation.rater_id.in_(select(Person.id).where(Person.unit == rater_unit)))
    out: dict[Person, list[Invitation]] = {}
    for invitation in session.scalars(query):
        out.setdefault(invitation.rater, []).append(invitation)
    return out


def pending_raters(session: Session, campaign: Campaign) -> dict[Person, list[Invitation]]:
    return invitations_by_rater(session, campaign, pending_only=True)


def all_invitations_by_rater(session: Session, campaign: Campaign,
                             rater_unit: str | None = None) -> dict[Person, list[Invitation]]:
    return invitations_by_rater(session, campaign, rater_unit=rater_unit)


def rater_units(session: Session, campaign: Campaign) -> list[tuple[str, int]]:
    """The units of a campaign's raters and how many raters each has, for printing a unit at a
    time, in the alphabet's order."""
    require_status(campaign, "open")
    rows = session.execute(
        select(Person.unit, func.count(func.distinct(Person.id))).join(Invitation, Invitation.rater_id == Person.id)
        .join(Assessment, Assessment.id == Invitation.assessment_id)
        .where(Assessment.campaign_id == campaign.id).group_by(Person.unit)).all()
    return sorted(((unit or "", count) for unit, count in rows), key=lambda pair: collation_key(pair[0]))
