"""The feedback meeting and the individual development plan (order No. 260, paras 19(3), 37, 43):
the assessor or HR records the meeting and one to three competencies to develop, pre-filled from
the least-developed ones, each with actions, a training topic from the catalogue and a due date;
the assessee confirms the plan. Confirmed plans are the trainers' demand (para 37), counted
without names.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.campaigns.errors import CampaignError
from survey.core.collation import collation_key
from survey.core.followup import DevelopmentPlan, PlanItem
from survey.core.messages import N_
from survey.core.models import Assessment, Campaign
from survey.core.clock import now

MAX_ITEMS = 3


@dataclass(frozen=True)
class PlanLine:
    competency_id: str
    actions: str
    topic_id: str
    due_on: dt.date | None


def least_developed(lines, count: int = MAX_ITEMS) -> list[str]:
    """The competencies of a report's lines with the lowest colleagues' averages, lowest first."""
    return [line.competency_id for line in sorted(lines, key=lambda line: (line.average, line.number))[:count]]


def record(session: Session, assessment: Assessment, meeting_on: dt.date, items: list[PlanLine], *, recorded_by: str,
           competencies: set[str], topics: dict[str, str]) -> DevelopmentPlan:
    """Store the plan whole or not at all. ``competencies``: those of the assessee's questionnaire;
    ``topics``: topic id -> its competency id, from the catalogue. Recording again asks the
    assessee to confirm again."""
    # A row left without actions or a date is not part of the plan: the form proposes three
    # competencies, and the assessor may keep one.
    chosen = [i for i in items if i.competency_id and (i.actions.strip() or i.due_on is not None)]
    if not 1 <= len(chosen) <= MAX_ITEMS:
        raise CampaignError(N_("a development plan names one to three competencies"))
    if len({i.competency_id for i in chosen}) != len(chosen):
        raise CampaignError(N_("each competency appears once in a plan"))
    for item in chosen:
        if item.competency_id not in competencies:
            raise CampaignError(N_("'%(id)s' is not a competency of this questionnaire"), id=item.competency_id)
        if not item.actions.strip():
            raise CampaignError(N_("say what will be done for each competency"))
        if item.topic_id and topics.get(item.topic_id) != item.competency_id:
            raise CampaignError(N_("the training topic '%(id)s' is not in the catalogue for that competency"),
                                id=item.topic_id)
        if item.due_on is None or item.due_on < meeting_on:
            raise CampaignError(N_("each action needs a due date on or after the meeting"))
    plan = session.get(DevelopmentPlan, assessment.id)
    if plan is None:
        plan = DevelopmentPlan(assessment_id=assessment.id)
        session.add(plan)
    plan.meeting_on, plan.recorded_by, plan.confirmed_at = meeting_on, recorded_by[:254], None
    plan.items = [PlanItem(competency_id=i.competency_id, actions=i.actions.strip()[:2000], topic_id=i.topic_id,
                           due_on=i.due_on) for i in chosen]
    session.flush()
    return plan


def confirm(session: Session, plan: DevelopmentPlan, *, at: dt.datetime | None = None) -> None:
    if plan.confirmed_at is None:
        plan.confirmed_at = at or now()
    session.flush()


@dataclass(frozen=True)
class Demand:
    """Confirmed plans' topics: per topic in the whole body, and per unit where enough plans hide
    whose they are; smaller units are counted together."""

    topics: list[tuple[str, int]]
    units: list[tuple[str, list[tuple[str, int]]]]
    others: list[tuple[str, int]]
    plans: int


def demand(session: Session, campaign: Campaign, threshold: int) -> Demand:
    rows = session.execute(
        select(Assessment.unit, PlanItem.topic_id, PlanItem.assessment_id)
        .join(DevelopmentPlan, DevelopmentPlan.assessment_id == Assessment.id)
        .join(PlanItem, PlanItem.assessment_id == DevelopmentPlan.assessment_id)
        .where(Assessment.campaign_id == campaign.id, DevelopmentPlan.confirmed_at.is_not(None),
               PlanItem.topic_id != "")).all()
    whole, by_unit, plans_in = Counter(), {}, {}
    for unit, topic, assessment_id in rows:
        whole[topic] += 1
        by_unit.setdefault(unit, Counter())[topic] += 1
        plans_in.setdefault(unit, set()).add(assessment_id)
    shown, others = [], Counter()
    for unit in sorted(by_unit, key=collation_key):
        if len(plans_in[unit]) >= threshold:
            shown.append((unit, by_unit[unit].most_common()))
        else:
            others.update(by_unit[unit])
    return Demand(whole.most_common(), shown, others.most_common(), len({a for _u, _t, a in rows}))


def previous(session: Session, assessment: Assessment) -> tuple[Campaign, DevelopmentPlan] | None:
    """The plan of the same person in their latest earlier closed campaign, if there is one."""
    row = session.execute(
        select(Campaign, DevelopmentPlan).join(Assessment, Assessment.campaign_id == Campaign.id)
        .join(DevelopmentPlan, DevelopmentPlan.assessment_id == Assessment.id)
        .where(Assessment.assessee_id == assessment.assessee_id, Campaign.status == "closed",
               Campaign.closes_on < assessment.campaign.closes_on)
        .order_by(Campaign.closes_on.desc())).first()
    return (row[0], row[1]) if row else None
