"""Whether a draft campaign may open, and what opening it would issue (order No. 260, paras 6-7,
11 and 36).

Shown on the campaign page before HR opens, and checked again by opening itself, so that what the
page lists and what opening refuses are one and the same.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from survey.campaigns import rater_rules
from survey.core.messages import N_, DomainError
from survey.core.models import Assessment, Campaign, Rater


@dataclass
class Readiness:
    issued: dict[Assessment, list[Rater]] = field(default_factory=dict)  # raters who will be invited
    withheld: list[Rater] = field(default_factory=list)  # away or gone: not invited (paras 6-7)
    counts: list[DomainError] = field(default_factory=list)  # outside 3-7
    rules: list[DomainError] = field(default_factory=list)  # wrong relation, manager or subordinates missing

    @property
    def ready(self) -> bool:
        return not self.counts and not self.rules


def readiness(session: Session, campaign: Campaign, minimum: int, maximum: int,
              today: dt.date | None = None) -> Readiness:
    structure = rater_rules.structure(session, campaign, today)
    out = Readiness()
    for assessment in sorted(campaign.assessments, key=lambda a: (a.assessee.employee_id)):
        able = [r for r in assessment.raters if structure.member(r.rater_id).can_answer]
        out.withheld += [r for r in assessment.raters if r not in able]
        out.issued[assessment] = able
        if not minimum <= len(able) <= maximum:
            out.counts.append(DomainError(N_("%(id)s %(name)s: %(count)d rater(s)"), id=assessment.assessee.employee_id,
                                          name=assessment.full_name, count=len(able), assessment=assessment.id))
        for rater in able:
            problem = structure.relation_error(assessment, rater.rater_id, rater.relation)
            if problem is not None:
                out.rules.append(_about(problem, assessment))
        out.rules += [_about(p, assessment) for p in structure.missing(assessment, {r.rater_id for r in able})]
    return out


def _about(problem: DomainError, assessment: Assessment) -> DomainError:
    """The problem with the assessment it is about, so that the page can link to where it is fixed."""
    return DomainError(problem.message, **problem.params, assessment=assessment.id)
