"""Disagreement and calibration (order No. 260, para 13 and chapter 5): an assessee who disagrees
with the results says so within five working days of reading them; the appointing official decides
on a calibration session within three working days and it is held within ten; the assessor
justifies the assessment; the outcome is recorded and the assessor meets the assessee afterwards.

The stored answers never change: what the session concludes is kept beside them. A session has an
odd number of members, at least three (as the Mangystau methodology of 2025 puts it), who read the
report through their own links only while the session runs.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.campaigns.errors import CampaignError
from survey.core.followup import Calibration, CalibrationMember, ReportRelease
from survey.core.messages import N_
from survey.core.models import Assessment, Campaign
from survey.core.clock import now
from survey.followup.workdays import Calendar
from survey.reports import links

DISAGREE_DAYS = 5  # para 13
DECIDE_DAYS = 3  # para 38
HOLD_DAYS = 10  # para 38
MIN_MEMBERS = 3


def disagree_by(release: ReportRelease, calendar: Calendar) -> dt.date | None:
    """The last day to disagree: five working days after reading; none before reading."""
    if release.acknowledged_at is None:
        return None
    return calendar.add(release.acknowledged_at.date(), DISAGREE_DAYS)


def request(session: Session, release: ReportRelease, text: str, calendar: Calendar, *,
            at: dt.datetime | None = None) -> Calibration:
    at = at or now()
    text = text.strip()
    if not text:
        raise CampaignError(N_("say what you disagree with"))
    last = disagree_by(release, calendar)
    if last is None:
        raise CampaignError(N_("first confirm that you have read the results"))
    if at.date() > last:
        raise CampaignError(N_("the five working days to disagree ended on %(date)s (order No. 260, para 13)"),
                            date=last.isoformat())
    if session.scalar(select(Calibration.id).where(Calibration.assessment_id == release.assessment_id)):
        raise CampaignError(N_("your disagreement is already recorded"))
    calibration = Calibration(assessment_id=release.assessment_id, disagreement=text[:4000], requested_at=at,
                              decide_by=calendar.add(at.date(), DECIDE_DAYS), decision="pending")
    session.add(calibration)
    session.flush()
    return calibration


def decide(session: Session, calibration: Calibration, granted: bool, by: str, on: dt.date, calendar: Calendar) -> None:
    """The appointing official's decision on holding a session (para 38)."""
    if calibration.decision != "pending":
        raise CampaignError(N_("the decision is already recorded"))
    if not by.strip():
        raise CampaignError(N_("say who decided"))
    calibration.decision = "granted" if granted else "refused"
    calibration.decided_by, calibration.decided_on = by.strip()[:200], on
    calibration.hold_by = calendar.add(on, HOLD_DAYS) if granted else None
    if not granted:
        calibration.closed_at = now()
    session.flush()


def convene(session: Session, calibration: Calibration, members: list[str], session_on: dt.date,
            justification: str) -> list[CalibrationMember]:
    """The members, the date and the assessor's justification (para 41)."""
    if calibration.decision != "granted" or calibration.closed_at is not None:
        raise CampaignError(N_("a session is convened once it is decided and before it is closed"))
    names = [m.strip() for m in members if m.strip()]
    if len(names) < MIN_MEMBERS or len(names) % 2 == 0:
        raise CampaignError(N_("a calibration session has an odd number of members, at least three; %(count)d given"),
                            count=len(names))
    if calibration.hold_by is not None and session_on > calibration.hold_by:
        raise CampaignError(N_("the session must be held by %(date)s (ten working days, order No. 260, para 38)"),
                            date=calibration.hold_by.isoformat())
    calibration.members = [CalibrationMember(name=name[:200]) for name in names]
    calibration.session_on, calibration.justification = session_on, justification.strip()[:4000]
    session.flush()
    return calibration.members


def conclude(session: Session, calibration: Calibration, outcome: str, text: str, followup_on: dt.date | None) -> None:
    """The outcome beside the answers, and the assessor's meeting with the assessee (para 43); the
    members' links stop working."""
    if calibration.decision != "granted" or calibration.closed_at is not None:
        raise CampaignError(N_("only a running session can be concluded"))
    if outcome not in ("upheld", "changed"):
        raise CampaignError(N_("say whether the results are upheld or what changes"))
    if outcome == "changed" and not text.strip():
        raise CampaignError(N_("say what changes"))
    calibration.outcome, calibration.outcome_text = outcome, text.strip()[:4000]
    calibration.followup_on, calibration.closed_at = followup_on, now()
    session.flush()


def member_links(calibration: Calibration, *, secret: str, base_url: str) -> list[tuple[str, str]]:
    return [(m.name, links.CALIBRATION.url(base_url, links.CALIBRATION.sign(secret, calibration.id, m.id, m.key)))
            for m in calibration.members]


@dataclass(frozen=True)
class CalibrationRequest:
    calibration: Calibration
    employee_id: str
    full_name: str
    overdue: bool  # a decision or a session later than the order allows


def requests(session: Session, campaign: Campaign, today: dt.date | None = None) -> list[CalibrationRequest]:
    today = today or dt.date.today()
    out = []
    for calibration in session.scalars(select(Calibration).join(Assessment)
                                       .where(Assessment.campaign_id == campaign.id).order_by(Calibration.requested_at)):
        late = (calibration.decision == "pending" and today > calibration.decide_by) or (
            calibration.decision == "granted" and calibration.closed_at is None and calibration.hold_by is not None
            and today > calibration.hold_by)
        out.append(CalibrationRequest(calibration, calibration.assessment.assessee.employee_id,
                           calibration.assessment.full_name, late))
    return out
