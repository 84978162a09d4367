"""The competency totals of a campaign, written once when it closes.

Results exist only for a closed campaign (see ``results``), so the totals they are read from are
written then, in one pass over the responses, and not on every submit: the submit stays a few
small statements, and an open campaign keeps no running figures that two copies of the database
could be compared on.
"""
from __future__ import annotations

from itertools import groupby
from operator import itemgetter
from typing import Callable, Iterator

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from survey.results import scoring
from survey.core.models import Assessment, Campaign, CompetencyTotal, Response

_BATCH = 5000


def by_assessee(session: Session, campaign: Campaign) -> Iterator[tuple[int, list[scoring.ScoredResponse]]]:
    """Each assessment's responses, one assessment at a time: the one pass over a campaign's
    answers that the totals and the figures kept at closing (``campaigns.figures``) share.

    Responses come in assessment order and, within one, in key order (random: it says nothing of
    who or when); the figures are sums of floats, so they are read in the same order every time."""
    assessments = select(Assessment.id).where(Assessment.campaign_id == campaign.id)
    responses = session.execute(
        select(Response.assessment_id, Response.is_self, Response.answers)
        .where(Response.assessment_id.in_(assessments)).order_by(Response.assessment_id, Response.id)
        .execution_options(yield_per=_BATCH))
    for assessment_id, group in groupby(responses, key=itemgetter(0)):
        yield assessment_id, [scoring.ScoredResponse(is_self, answers) for _a, is_self, answers in group]


def write(session: Session, campaign: Campaign,
          each: Callable[[int, list[scoring.ScoredResponse], list[scoring.Total]], None] | None = None) -> int:
    """Replace the campaign's totals with those of its responses; the number of rows written.
    ``each`` is given every assessment's responses and totals on the way, for the figures kept at
    closing.

    Responses are read in assessee order and written in batches, so memory stays flat however
    large the campaign."""
    assessments = select(Assessment.id).where(Assessment.campaign_id == campaign.id)
    # Not synchronised with the session (it holds no totals): the ORM's default fetches every
    # deleted key first, 2.2 million of them for a body of 100,000.
    session.execute(delete(CompetencyTotal).where(CompetencyTotal.assessment_id.in_(assessments))
                    .execution_options(synchronize_session=False))
    rows: list[dict] = []
    written = 0
    for assessment_id, responses in by_assessee(session, campaign):
        totals = scoring.totals(responses, scoring.competency_of)
        for t in totals:
            rows.append({"assessment_id": assessment_id, "is_self": t.is_self, "competency_id": t.competency_id,
                         "points": t.points, "answers": t.answers, "responses": t.responses})
        if each is not None:
            each(assessment_id, responses, totals)
        if len(rows) >= _BATCH:
            written += _insert(session, rows)
    return written + _insert(session, rows)


def _insert(session: Session, rows: list[dict]) -> int:
    if rows:
        session.connection().execute(insert(CompetencyTotal.__table__), rows)
    count = len(rows)
    rows.clear()
    return count
