"""Who is in a campaign's reach: the whole body or chosen units, and who a year already covers."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.campaigns.errors import CampaignError
from survey.core.collation import collation_key
from survey.core.messages import N_
from survey.core.models import Assessment, Campaign, Person


def units(session: Session) -> list[str]:
    """The roster's units in the alphabet's order (a few hundred at most: sorted here)."""
    return sorted(session.scalars(select(Person.unit).distinct()), key=collation_key)


def members(session: Session, chosen: list[str] | None) -> list[Person]:
    """Everyone on the roster in ``chosen`` units (all units for ``None``), leavers included: the
    rules of eligibility decide about them, not the query."""
    query = select(Person).order_by(Person.unit, Person.employee_id)
    if chosen:
        unknown = sorted(set(chosen) - set(units(session)))
        if unknown:
            raise CampaignError(N_("no one on the roster works in: %(units)s"), units="; ".join(unknown))
        query = query.where(Person.unit.in_(chosen))
    people = list(session.scalars(query))
    if not people:
        raise CampaignError(N_("the roster is empty: import it first"))
    return people


def assessed_in_period(session: Session, period: int, person_ids: list[int]) -> list[tuple[Person, str]]:
    """Of ``person_ids``, those another campaign of the same reporting year assesses (para 34)."""
    if not person_ids:
        return []
    rows = session.execute(
        select(Person, Campaign.name).join(Assessment, Assessment.assessee_id == Person.id)
        .join(Campaign, Campaign.id == Assessment.campaign_id)
        .where(Campaign.period == period)
        .order_by(Person.employee_id, Campaign.name)).all()
    wanted = set(person_ids)
    return [(person, name) for person, name in rows if person.id in wanted]


def campaign_units(session: Session, campaign: Campaign) -> list[str]:
    """The units a campaign's assessees were in when it was created (its snapshot, not the roster)."""
    return sorted(session.scalars(select(Assessment.unit).where(Assessment.campaign_id == campaign.id).distinct()),
                  key=collation_key)


def assessee_count(session: Session, campaign: Campaign, *, instrument: str | None = None,
                   unit: str | None = None) -> int:
    """How many the campaign assesses (with one questionnaire, in one unit): the size by which a
    download is made in the request or prepared by a job."""
    chosen = [Assessment.campaign_id == campaign.id]
    if instrument is not None:
        chosen.append(Assessment.instrument == instrument)
    if unit is not None:
        chosen.append(Assessment.unit == unit)
    return session.scalar(select(func.count(Assessment.id)).where(*chosen))


def made_in_request(session: Session, campaign: Campaign, limit: int, *, instrument: str | None = None,
                    unit: str | None = None) -> bool:
    """Whether a file of the campaign is quick enough to make while HR waits: the results files
    are made at about 400 assessees a second (``bench/staff.py``), so ``limit`` assessees
    (``RESULTS_IN_REQUEST``) keep any of them under a second; a larger one is prepared by a job."""
    return assessee_count(session, campaign, instrument=instrument, unit=unit) <= limit
