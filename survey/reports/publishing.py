"""Publishing a closed campaign's reports (order No. 260, para 12): every assessee's report is
released with a fresh personal link (links made before stop working), and the rows of those links
are returned for HR to hand out; the fact that they were made, not the links, goes to the audit log.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from survey.core.models import Campaign
from survey.followup import release
from survey.followup.workdays import Calendar
from survey.staff import audit


def publish(session: Session, campaign: Campaign, calendar: Calendar, *, secret: str, base_url: str, days: int,
            actor: str) -> list[list[str]]:
    """The rows of ``links.LINK_COLUMNS``, one per assessee, valid ``days`` days."""
    count = release.publish(session, campaign, calendar)
    rows = [[r.employee_id, r.full_name, r.unit, r.email, r.language, r.url, r.valid_until.isoformat()]
            for r in release.link_rows(session, campaign, secret=secret, base_url=base_url, days=days)]
    audit.record(session, actor, "reports-publish", f"{campaign.name}: {count} personal links, valid {days} days")
    return rows
