"""Who rates whom: suggested from the structure, edited by HR, imported back (para 36).

The suggestion follows para 36's list: the direct manager, the assessee's direct subordinates and
the peers under the same manager, at most seven, so HR starts from a lawful draft and edits it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterator, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, aliased

from survey.campaigns import rater_rules
from survey.campaigns.lifecycle import CampaignError, require_status
from survey.core.models import RELATIONS, Assessment, Campaign, Person, Rater
from survey.core.alphabetical import name_or_unit_contains
from survey.core.collation import collation_key
from survey.core.listing import Listing
from survey.core.messages import N_
from survey.core.tables import Row, TableError, read

COLUMNS = ("assessee_id", "rater_id", "relation")
INFORMATIVE = ("assessee_name", "rater_name")  # written by `suggest`, ignored on import


class RaterErrors(Exception):
    def __init__(self, errors: list[TableError]):
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))


@dataclass(frozen=True)
class Suggestion:
    assessee_id: str
    assessee_name: str
    rater_id: str
    rater_name: str
    relation: str


@dataclass(frozen=True)
class Candidate:
    """A person as a suggestion sees them: the campaign's snapshot for its assessees."""
    id: int
    employee_id: str
    full_name: str
    unit: str
    role: str
    manager_id: int | None
    can_answer: bool


def suggest(assessees: list[Candidate], everyone: list[Candidate], maximum: int = 7) -> list[Suggestion]:
    """Manager first, then subordinates and peers taken in turn, so a big team does not crowd
    out the other perspective. Peers in the assessee's own unit and at their level come first;
    nobody away or gone is suggested."""
    by_id = {c.id: c for c in everyone}
    by_manager: dict[int | None, list[Candidate]] = defaultdict(list)
    for candidate in everyone:
        if candidate.can_answer:
            by_manager[candidate.manager_id].append(candidate)
    out: list[Suggestion] = []
    for person in assessees:
        chosen: list[tuple[Candidate, str]] = []
        manager = by_id.get(person.manager_id)
        if manager is not None and manager.can_answer:
            chosen.append((manager, "manager"))
        subordinates = [(p, "subordinate") for p in by_manager.get(person.id, [])]
        colleagues = [p for p in by_manager.get(person.manager_id, []) if p.id != person.id] if person.manager_id else []
        colleagues.sort(key=lambda p: (p.unit != person.unit, p.role != person.role))
        peers = [(p, "peer") for p in colleagues]
        while len(chosen) < maximum and (subordinates or peers):
            for pool in (subordinates, peers):
                if pool and len(chosen) < maximum:
                    chosen.append(pool.pop(0))
        out.extend(Suggestion(person.employee_id, person.full_name, r.employee_id, r.full_name, rel) for r, rel in chosen)
    return out


def suggest_for(session: Session, campaign: Campaign, maximum: int = 7) -> list[Suggestion]:
    structure = rater_rules.structure(session, campaign)
    snapshot = {a.assessee_id: a for a in campaign.assessments}
    everyone = []
    for person in session.scalars(select(Person).order_by(Person.unit, Person.employee_id)):
        member, a = structure.member(person.id), snapshot.get(person.id)
        everyone.append(Candidate(person.id, person.employee_id, member.full_name, a.unit if a else person.unit,
                                  a.instrument if a else person.role, member.manager_id, member.can_answer))
    assessees = sorted((c for c in everyone if c.id in snapshot),
                       key=lambda c: (collation_key(c.unit), collation_key(c.full_name), c.employee_id))
    return suggest(assessees, everyone, maximum)


def import_raters(session: Session, campaign: Campaign, path, *, name: str | None = None, data: bytes | None = None) -> int:
    """Replace the raters of every assessee the file names; nothing changes on any problem."""
    require_status(campaign, "draft")
    try:
        rows = read(path, COLUMNS, INFORMATIVE, name=name, data=data)
    except TableError as exc:
        raise RaterErrors([exc]) from None
    return apply(session, campaign, rows, name or str(path))


def apply(session: Session, campaign: Campaign, rows: list[Row], shown: str) -> int:
    """Validate rater rows against the roster and the campaign, then store them, or nothing."""
    require_status(campaign, "draft")
    people = {p.employee_id: p for p in session.scalars(select(Person))}
    assessments = {a.assessee.employee_id: a for a in campaign.assessments}
    errors: list[TableError] = []
    structure = rater_rules.structure(session, campaign)
    seen: dict[tuple[str, str], int] = {}
    planned: dict[Assessment, list[tuple[Person, str]]] = defaultdict(list)
    for row in rows:
        v = row.values
        assessee, rater, relation = v.get("assessee_id", ""), v.get("rater_id", ""), v.get("relation", "").lower()
        def fail(message, **params):
            errors.append(TableError(shown, row.number, message, **params))
        if assessee not in assessments:
            if assessee in people:
                fail(N_("assessee_id '%(id)s' is not assessed in campaign '%(campaign)s'"), id=assessee, campaign=campaign.name)
            else:
                fail(N_("assessee_id '%(id)s' is not in the roster"), id=assessee)
            continue
        if rater not in people:
            fail(N_("rater_id '%(id)s' is not in the roster"), id=rater)
            continue
        if rater == assessee:
            fail(N_("'%(id)s' cannot rate themself here: the self-assessment is added when the campaign opens"), id=rater)
            continue
        if relation not in RELATIONS:
            fail(N_("relation '%(value)s' is not one of: %(allowed)s"), value=v.get("relation", ""), allowed=", ".join(RELATIONS))
            continue
        if (assessee, rater) in seen:
            fail(N_("'%(rater)s' already rates '%(assessee)s' (row %(other)d)"), rater=rater, assessee=assessee,
                 other=seen[assessee, rater])
            continue
        seen[assessee, rater] = row.number
        problem = structure.relation_error(assessments[assessee], people[rater].id, relation)
        if problem is not None:
            fail(problem.message, **problem.params)
            continue
        planned[assessments[assessee]].append((people[rater], relation))
    if errors:
        raise RaterErrors(errors)
    if planned:
        session.execute(delete(Rater).where(Rater.assessment_id.in_([a.id for a in planned])))
        session.flush()
        for assessment, chosen in planned.items():
            session.expire(assessment, ["raters"])
            for person, relation in chosen:
                session.add(Rater(assessment=assessment, rater=person, relation=relation))
    session.flush()
    return sum(len(c) for c in planned.values())


def add(session: Session, campaign: Campaign, assessment: Assessment, person: Person, relation: str,
        *, maximum: int | None = None) -> Rater:
    """One rater added by hand on the page; the same rules as the file import. One more than the
    most para 36 allows is refused at once: the page adds one rater at a time, so the 3–7 rule can
    be held as they are given rather than discovered at opening (a file is judged whole, there)."""
    require_status(campaign, "draft")
    if assessment.campaign_id != campaign.id:
        raise CampaignError(N_("this assessee is not in the campaign"))
    if maximum is not None and len(assessment.raters) >= maximum:
        raise CampaignError(N_("%(name)s already has %(count)d raters, the most order No. 260, para 36 allows: "
                               "remove one before adding another"), name=assessment.full_name, count=maximum)
    if person.id == assessment.assessee_id:
        raise CampaignError(N_("nobody rates themself here: the self-assessment is added when the campaign opens"))
    if relation not in RELATIONS:
        raise CampaignError(N_("unknown relation"))
    if any(r.rater_id == person.id for r in assessment.raters):
        raise CampaignError(N_("%(name)s already rates this assessee"), name=person.full_name)
    problem = rater_rules.around(session, campaign, [person]).relation_error(assessment, person.id, relation)
    if problem is not None:
        raise CampaignError(problem.message, **problem.params)
    rater = Rater(assessment=assessment, rater=person, relation=relation)
    session.add(rater)
    session.flush()
    return rater


def add_by_employee_id(session: Session, campaign: Campaign, assessment: Assessment, employee_id: str,
                       relation: str, *, maximum: int | None = None) -> Rater:
    """HR names the rater by employee id on the assessee's page, typed or picked from a search."""
    employee_id = employee_id.strip()
    person = session.scalar(select(Person).where(Person.employee_id == employee_id))
    if person is None:
        raise CampaignError(N_("no one with employee id '%(id)s' in the roster"), id=employee_id)
    return add(session, campaign, assessment, person, relation, maximum=maximum)


@dataclass(frozen=True)
class Colleague:
    """A colleague the search found, with the relation the structure gives them to the assessee."""
    employee_id: str
    full_name: str
    position: str
    unit: str
    relation: str
    rates_already: bool


def candidates(session: Session, campaign: Campaign, assessment: Assessment, query: str, *,
               limit: int = 25) -> list[Colleague]:
    """Whoever in the whole body can rate, whose name, employee id or unit contains ``query`` in any
    letter case (Kazakh and Russian included, which the databases' LIKE does not fold), in the
    reader's alphabetical order. Nobody away or gone is offered (paras 6-7), nor the assessee."""
    needle = query.casefold()
    chosen = {r.rater_id for r in assessment.raters}
    ids = [person_id for person_id, *values in session.execute(select(Person.id, Person.full_name, Person.employee_id,
                                                                      Person.unit))
           if person_id != assessment.assessee_id and any(needle in (v or "").casefold() for v in values)]
    matching = list(session.scalars(select(Person).where(Person.id.in_(ids[:limit * 20])))) if ids else []
    structure = rater_rules.around(session, campaign, matching)
    found = [p for p in matching if structure.member(p.id).can_answer]
    found.sort(key=lambda p: (collation_key(p.full_name), p.employee_id))
    return [Colleague(p.employee_id, p.full_name, p.position or "", p.unit or "", structure.relation_of(assessment, p.id),
                      p.id in chosen) for p in found[:limit]]


@dataclass(frozen=True)
class RaterCount:
    assessment_id: int
    full_name: str
    unit: str
    raters: int


def counts(session: Session, campaign: Campaign, query: str = "") -> Listing:
    """The campaign's assessees whose name or unit contains ``query`` in any letter case (all
    without one), by unit and name in the alphabet's order, with how many raters each has: the
    page HR edits them from, a hundred of a whole body at a time, so only a page's raters are counted."""
    statement = (select(Assessment.id, Assessment.full_name, Assessment.unit)
                 .where(Assessment.campaign_id == campaign.id)
                 .order_by(Assessment.unit_key, Assessment.name_key, Assessment.id))
    if query:
        statement = statement.where(name_or_unit_contains(Assessment, query))

    def counted(rows) -> list[RaterCount]:
        chosen = dict(session.execute(select(Rater.assessment_id, func.count(Rater.id))
                                      .where(Rater.assessment_id.in_([row.id for row in rows]))
                                      .group_by(Rater.assessment_id)).all()) if rows else {}
        return [RaterCount(aid, name, unit, chosen.get(aid, 0)) for aid, name, unit in rows]

    return Listing(session, statement, finish=counted)


def listing(session: Session, campaign: Campaign, size: int = 10_000) -> Iterator[Sequence[Sequence[str]]]:
    """Every (assessee, rater, relation) of the campaign for the CSV HR edits in Excel, in one
    query (read through each assessment's raters it took half a minute at 20,000 assessees),
    ``size`` rows at a time: 600,000 rows of a body of 100,000 are never held at once."""
    assessee, rater = aliased(Person), aliased(Person)
    # Core, not the session's ORM loading: plain rows, three times as fast for 120,000 of them.
    rows = session.connection().execute(
        select(assessee.employee_id, Assessment.full_name, rater.employee_id, rater.full_name, Rater.relation)
        .join(Assessment, Assessment.id == Rater.assessment_id)
        .join(assessee, assessee.id == Assessment.assessee_id)
        .join(rater, rater.id == Rater.rater_id)
        .where(Assessment.campaign_id == campaign.id)
        .order_by(Assessment.unit_key, Assessment.name_key, Assessment.id, Rater.id)
        .execution_options(yield_per=size))
    yield from rows.partitions(size)


def remove(session: Session, campaign: Campaign, rater: Rater) -> None:
    require_status(campaign, "draft")
    if rater.assessment.campaign_id != campaign.id:
        raise CampaignError(N_("this rater is not in the campaign"))
    session.delete(rater)
    session.flush()


def apply_suggestion(session: Session, campaign: Campaign, maximum: int = 7) -> int:
    """Suggested raters for every assessee who has none yet; HR's own choices are left alone."""
    require_status(campaign, "draft")
    empty = {a.assessee.employee_id for a in campaign.assessments if not a.raters}
    rows = [Row(i, {"assessee_id": s.assessee_id, "rater_id": s.rater_id, "relation": s.relation})
            for i, s in enumerate(suggest_for(session, campaign, maximum), 2) if s.assessee_id in empty]
    return apply(session, campaign, rows, "suggestion") if rows else 0


def record_rule_reason(session: Session, campaign: Campaign, assessment: Assessment, reason: str) -> None:
    """Why this assessee's raters may leave out the direct manager or the subordinates (para 36),
    e.g. the manager's post is vacant; an empty reason withdraws it."""
    require_status(campaign, "draft")
    if assessment.campaign_id != campaign.id:
        raise CampaignError(N_("this assessee is not in the campaign"))
    assessment.rater_rule_reason = reason.strip()[:1000]
    session.flush()
