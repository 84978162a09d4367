"""The assessee as a campaign keeps them: copied from the roster when the campaign is created.

Everything a campaign shows or computes about a person (pages, results, reports, training needs,
measurement quality, exports) reads these copies, never ``Person``: the roster moves on, a closed
campaign must not.
"""
from __future__ import annotations

from survey.campaigns.eligibility import Decision
from survey.core.models import Assessment, Person


def assessment_of(person: Person, decision: Decision) -> Assessment:
    return Assessment(assessee=person, instrument=person.role, full_name=person.full_name,
                      position=person.position or "", unit=person.unit or "", category=person.category or "",
                      manager_id=person.manager_id, participation=decision.participation,
                      absence=decision.absence)
