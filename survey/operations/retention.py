"""Keeping and deleting (order No. 260, para 15): assessment documents are kept for three years
from the end of the assessment, then removed.

A campaign whose last day of answering is older than the period is deleted whole: its answers,
invitations, drafts, raters, sent-message records and the campaign itself. Running it again finds
nothing more to remove.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from survey.core.messages import N_, DomainError
from survey.core.models import (
    Assessment,
    Campaign,
    CampaignFigures,
    CompetencyTotal,
    Invitation,
    Job,
    Rater,
    Response,
    SentMessage,
)

_PERIOD = re.compile(r"^\s*(\d+)\s*([ymd])\s*$")


class RetentionError(DomainError):
    pass


def cutoff(period: str, today: dt.date | None = None) -> dt.date:
    """The day before which campaigns are past ``period`` ("3y", "36m" or "1095d")."""
    match = _PERIOD.match(period.lower())
    if not match:
        raise RetentionError(N_("'%(period)s' is not a period: write e.g. 3y, 36m or 1095d"), period=period)
    n, unit = int(match.group(1)), match.group(2)
    today = today or dt.date.today()
    if unit == "d":
        return today - dt.timedelta(days=n)
    months = n * 12 if unit == "y" else n
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = min(today.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30,
                          31, 31, 30, 31, 30, 31][month])
    return dt.date(year, month + 1, day)


@dataclass(frozen=True)
class Purged:
    campaign: str
    closes_on: dt.date
    assessees: int
    responses: int
    invitations: int


def expired(session: Session, before: dt.date) -> list[Campaign]:
    return list(session.scalars(select(Campaign).where(Campaign.closes_on < before).order_by(Campaign.closes_on)))


def purge(session: Session, before: dt.date, *, dry_run: bool = False) -> list[Purged]:
    out = []
    for campaign in expired(session, before):
        assessments = select(Assessment.id).where(Assessment.campaign_id == campaign.id)
        counts = Purged(
            campaign.name, campaign.closes_on,
            session.scalar(select(func.count()).select_from(Assessment).where(Assessment.campaign_id == campaign.id)),
            session.scalar(select(func.count()).select_from(Response).where(Response.assessment_id.in_(assessments))),
            session.scalar(select(func.count()).select_from(Invitation).where(Invitation.assessment_id.in_(assessments))),
        )
        out.append(counts)
        if dry_run:
            continue
        # Explicit deletes rather than relying on ON DELETE CASCADE, which SQLite only honours
        # with foreign keys switched on for the connection; not synchronised with the session,
        # whose default would first fetch every deleted key (millions for a large body).
        for rows in (Response, CompetencyTotal, Invitation, Rater):
            session.execute(delete(rows).where(rows.assessment_id.in_(assessments))
                            .execution_options(synchronize_session=False))
        session.execute(delete(SentMessage).where(SentMessage.campaign_id == campaign.id))
        session.execute(delete(Job).where(Job.campaign_id == campaign.id))
        session.execute(delete(CampaignFigures).where(CampaignFigures.campaign_id == campaign.id))
        session.execute(delete(Assessment).where(Assessment.campaign_id == campaign.id))
        session.execute(delete(Campaign).where(Campaign.id == campaign.id))
    session.flush()
    return out
