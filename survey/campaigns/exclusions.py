"""HR's hand on who a draft campaign assesses: leaving someone out, or assessing someone a rule of
para 6 left out, each with the reason recorded; and the list of both for the campaign page."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from survey.campaigns import eligibility, snapshot
from survey.campaigns.errors import CampaignError
from survey.campaigns.lifecycle import require_status
from survey.core.collation import collation_key
from survey.core.messages import N_
from survey.core.models import Assessment, Campaign, Exclusion, Person


@dataclass(frozen=True)
class ScopeLine:
    """One line of the campaign's list: ``kind`` is ``without`` (assessed without participation),
    ``short-tenure`` or ``by-hand`` (not assessed) or ``included`` (assessed by HR's decision)."""
    employee_id: str
    full_name: str
    unit: str
    kind: str
    detail: str  # the absence behind "without", or HR's reason

    def __str__(self) -> str:
        labels = {"without": "Assessed without their participation", "short-tenure":
                  "Not assessed: less than three months in post in the period", "by-hand": "Not assessed",
                  "included": "Assessed by HR's decision"}
        return f"{labels[self.kind]}: {self.employee_id} {self.full_name}" + (f" ({self.detail})" if self.detail else "")


def listing(session: Session, campaign: Campaign) -> list[ScopeLine]:
    """Who is assessed otherwise than in full, and who is not assessed, with why. Only those rows
    are read: the campaign page shows this for a body of any size."""
    special = session.execute(
        select(Person.employee_id, Assessment.full_name, Assessment.unit, Assessment.participation,
               Assessment.absence, Assessment.inclusion_reason)
        .join(Person, Person.id == Assessment.assessee_id)
        .where(Assessment.campaign_id == campaign.id,
               or_(Assessment.participation == "without", Assessment.inclusion_reason != "")))
    out = []
    for employee_id, full_name, unit, participation, absence, inclusion_reason in special:
        if participation == "without":
            out.append(ScopeLine(employee_id, full_name, unit, "without", absence))
        if inclusion_reason:
            out.append(ScopeLine(employee_id, full_name, unit, "included", inclusion_reason))
    out += [ScopeLine(e.person.employee_id, e.person.full_name, e.person.unit, e.rule, e.reason)
            for e in campaign.exclusions]
    return sorted(out, key=lambda item: (item.kind, collation_key(item.unit), collation_key(item.full_name),
                                         item.employee_id))


def _change(session: Session, campaign: Campaign, employee_id: str, reason: str) -> tuple[Person, str]:
    """The person a change of scope is about, and HR's reason, which every such change needs."""
    require_status(campaign, "draft")
    if not reason.strip():
        raise CampaignError(N_("give the reason: it is kept with the campaign"))
    person = session.scalar(select(Person).where(Person.employee_id == employee_id.strip()))
    if person is None:
        raise CampaignError(N_("no one with employee id '%(id)s' in the roster"), id=employee_id)
    return person, reason.strip()


def exclude(session: Session, campaign: Campaign, employee_id: str, reason: str) -> None:
    person, reason = _change(session, campaign, employee_id, reason)
    assessment = next((a for a in campaign.assessments if a.assessee_id == person.id), None)
    if assessment is None:
        raise CampaignError(N_("%(name)s is not assessed in this campaign"), name=person.full_name)
    campaign.assessments.remove(assessment)
    session.flush()
    campaign.exclusions.append(Exclusion(person=person, rule="by-hand", reason=reason))
    session.flush()


def include(session: Session, campaign: Campaign, employee_id: str, reason: str,
            today: dt.date | None = None) -> Assessment:
    """Assess someone left out: their snapshot is taken now, their participation by paras 6-7."""
    person, reason = _change(session, campaign, employee_id, reason)
    exclusion = next((e for e in campaign.exclusions if e.person_id == person.id), None)
    if exclusion is None:
        raise CampaignError(N_("%(name)s is not among those this campaign leaves out"), name=person.full_name)
    campaign.exclusions.remove(exclusion)
    assessment = snapshot.assessment_of(person, eligibility.participation(person, today or dt.date.today()))
    assessment.inclusion_reason = reason
    campaign.assessments.append(assessment)
    session.flush()
    return assessment
