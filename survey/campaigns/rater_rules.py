"""Para 36 against a campaign's structure: who may rate an assessee, in which relation, and whom
the raters of each assessee must include.

The structure is the campaign's own: its assessees' managers as they were when it was created
(``snapshot``), and the roster for raters the campaign does not assess. ``manager`` is the
assessee's direct manager, ``subordinate`` reports to the assessee, ``peer`` is neither. The
direct manager, where there is one who can answer, is among the raters; so is a subordinate of a
head who has any. HR may depart from the last two for an assessee by recording why.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.campaigns import eligibility
from survey.core.messages import N_, DomainError
from survey.core.models import Assessment, Campaign, Person


@dataclass(frozen=True)
class Member:
    id: int
    employee_id: str
    full_name: str
    manager_id: int | None
    can_answer: bool


class Structure:
    def __init__(self, campaign: Campaign, people: Iterable[Person], today: dt.date,
                 assessments: Iterable[Assessment] | None = None):
        snapshot = {a.assessee_id: a for a in (campaign.assessments if assessments is None else assessments)}
        self.members: dict[int, Member] = {}
        for p in people:
            # Away or gone now, or so when the campaign was created: they neither answer nor rate.
            answers = not eligibility.has_left(p) and not eligibility.is_away(p, today)
            a = snapshot.get(p.id)
            if a is not None:
                self.members[p.id] = Member(p.id, p.employee_id, a.full_name, a.manager_id,
                                            answers and a.participation == "full")
            else:
                self.members[p.id] = Member(p.id, p.employee_id, p.full_name, p.manager_id, answers)
        self.reports: dict[int, list[Member]] = defaultdict(list)
        for member in self.members.values():
            if member.manager_id is not None:
                self.reports[member.manager_id].append(member)

    def member(self, person_id: int) -> Member:
        return self.members[person_id]

    def relation_of(self, assessment: Assessment, rater_id: int) -> str:
        """The one relation the structure allows: what the picker proposes and the checks expect."""
        if rater_id == assessment.manager_id:
            return "manager"
        if self.members[rater_id].manager_id == assessment.assessee_id:
            return "subordinate"
        return "peer"

    def relation_error(self, assessment: Assessment, rater_id: int, relation: str) -> DomainError | None:
        """Why ``rater_id`` cannot rate ``assessment``'s assessee in ``relation``; ``None`` when they can."""
        rater = self.members[rater_id]
        names = dict(rater=rater.full_name, assessee=assessment.full_name)
        if not rater.can_answer:
            return DomainError(N_("%(rater)s is away or has left and rates no one in this campaign "
                                  "(order No. 260, paras 6-7)"), **names)
        expected = self.relation_of(assessment, rater_id)
        is_manager, is_subordinate = expected == "manager", expected == "subordinate"
        if relation == "manager" and not is_manager:
            return DomainError(N_("%(rater)s is not the direct manager of %(assessee)s"), **names)
        if relation == "subordinate" and not is_subordinate:
            return DomainError(N_("%(rater)s does not report to %(assessee)s"), **names)
        if relation == "peer" and is_manager:
            return DomainError(N_("%(rater)s is the direct manager of %(assessee)s: the relation is manager"), **names)
        if relation == "peer" and is_subordinate:
            return DomainError(N_("%(rater)s reports to %(assessee)s: the relation is subordinate"), **names)
        return None

    def missing(self, assessment: Assessment, rater_ids: set[int]) -> list[DomainError]:
        """The raters para 36 asks for that are not there, unless HR recorded why."""
        if assessment.rater_rule_reason:
            return []
        who = dict(id=self.members[assessment.assessee_id].employee_id, name=assessment.full_name)
        out = []
        manager = self.members.get(assessment.manager_id) if assessment.manager_id else None
        if manager is not None and manager.can_answer and manager.id not in rater_ids:
            out.append(DomainError(N_("%(id)s %(name)s: the direct manager %(manager)s is not among the raters"),
                                   manager=manager.full_name, **who))
        subordinates = [m for m in self.reports.get(assessment.assessee_id, []) if m.can_answer]
        if assessment.instrument == "head" and subordinates and not rater_ids & {m.id for m in subordinates}:
            out.append(DomainError(N_("%(id)s %(name)s: a unit head with %(count)d subordinate(s), none among the "
                                      "raters"), count=len(subordinates), **who))
        return out


def structure(session: Session, campaign: Campaign, today: dt.date | None = None) -> Structure:
    return Structure(campaign, session.scalars(select(Person)), today or dt.date.today())


def around(session: Session, campaign: Campaign, people: Iterable[Person], today: dt.date | None = None) -> Structure:
    """The structure as far as ``people`` go, with their own snapshots: enough to judge them as raters
    (``relation_of``, ``relation_error``), not an assessee's whole set (``missing``). One rater added
    by hand reads one person and one assessment, not a body of twenty thousand."""
    people = list(people)
    ids = [p.id for p in people]
    assessments = session.scalars(select(Assessment).where(Assessment.campaign_id == campaign.id,
                                                           Assessment.assessee_id.in_(ids))) if ids else []
    return Structure(campaign, people, today or dt.date.today(), assessments)
