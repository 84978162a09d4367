"""Publishing a closed campaign's reports: each assessee's personal link, made for HR to hand out
one by one, and the fact that they were made (not the links) in the audit log."""
from __future__ import annotations

from sqlalchemy.orm import Session

from survey.campaigns.lifecycle import CampaignError
from survey.core.messages import N_
from survey.core.models import Campaign
from survey.reports import links, model
from survey.staff import audit


def publish(session: Session, campaign: Campaign, instruments, *, secret: str, base_url: str, days: int,
            threshold: int, actor: str) -> list[list[str]]:
    """The rows of ``links.LINK_COLUMNS``, one per assessee, valid ``days`` days."""
    if campaign.status != "closed":
        raise CampaignError(N_("reports of '%(name)s' are published once it is closed"), name=campaign.name)
    items = model.summaries(session, campaign, instruments, threshold=threshold)
    rows = links.link_rows(items, secret=secret, base_url=base_url, days=days)
    audit.record(session, actor, "reports-publish", f"{campaign.name}: {len(rows)} personal links, valid {days} days")
    return rows
