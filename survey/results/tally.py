"""The competency totals of a campaign, written once when it closes.

Results exist only for a closed campaign (see ``results``), so the totals they are read from are
written then, in one pass over the responses, and not on every submit: the submit stays a few
small statements, and an open campaign keeps no running figures that two copies of the database
could be compared on.
"""
from __future__ import annotations

from itertools import groupby
from operator import itemgetter

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from survey.results import scoring
from survey.core.models import Assessment, Campaign, CompetencyTotal, Response

_BATCH = 5000


def write(session: Session, campaign: Campaign) -> int:
    """Replace the campaign's totals with those of its responses; the number of rows written.

    Responses are read in assessee order and written in batches, so memory stays flat however
    large the campaign."""
    assessments = select(Assessment.id).where(Assessment.campaign_id == campaign.id)
    session.execute(delete(CompetencyTotal).where(CompetencyTotal.assessment_id.in_(assessments)))
    rows: list[dict] = []
    written = 0
    responses = session.execute(
        select(Response.assessment_id, Response.is_self, Response.answers)
        .where(Response.assessment_id.in_(assessments)).order_by(Response.assessment_id)
        .execution_options(yield_per=_BATCH))
    for assessment_id, group in groupby(responses, key=itemgetter(0)):
        for t in scoring.totals((scoring.ScoredResponse(is_self, answers) for _a, is_self, answers in group),
                                scoring.competency_of):
            rows.append({"assessment_id": assessment_id, "is_self": t.is_self, "competency_id": t.competency_id,
                         "points": t.points, "answers": t.answers, "responses": t.responses})
        if len(rows) >= _BATCH:
            written += _insert(session, rows)
    return written + _insert(session, rows)


def _insert(session: Session, rows: list[dict]) -> int:
    if rows:
        session.connection().execute(insert(CompetencyTotal.__table__), rows)
    count = len(rows)
    rows.clear()
    return count
