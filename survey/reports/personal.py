"""Opening an assessee's personal report link: the one report it names, and nothing else."""
from __future__ import annotations

from sqlalchemy.orm import Session

from survey.campaigns.lifecycle import CampaignError
from survey.core.models import Assessment
from survey.reports import links, model


def open_own(session: Session, secret: str, token: str, *, days: int, instruments, threshold: int) -> model.Report:
    """The report of a valid link to a closed campaign. A forged link, or one whose report is not
    there (yet or any more), raises ``links.LinkInvalid`` ("not found"); an old one ``LinkExpired``."""
    campaign_id, assessment_id = links.verify(secret, token, days=days)
    assessment = session.get(Assessment, assessment_id)
    if assessment is None or assessment.campaign_id != campaign_id or assessment.campaign.status != "closed":
        raise links.LinkInvalid()
    try:
        found = model.build_reports(session, assessment.campaign, instruments, threshold=threshold,
                                    assessment_ids=[assessment_id])
    except CampaignError:
        raise links.LinkInvalid() from None
    if not found:
        raise links.LinkInvalid()
    return found[0]
