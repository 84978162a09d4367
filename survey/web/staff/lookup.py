"""The campaign a staff URL names, in the state a view needs."""
from __future__ import annotations

import functools
from typing import Callable

from survey.core.models import Campaign
from survey.web.common import database as db


def in_campaign(status: str, refusal: Callable[[Campaign], object]):
    """A view of one campaign (``/campaigns/<campaign_id>/…``) that needs it in ``status``: it is
    called with the campaign instead of its id; a campaign that does not exist is not found, and
    one in another state gets ``refusal(campaign)``, a page that says why."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(campaign_id: int, **kwargs):
            campaign = db.get_or_404(Campaign, campaign_id)
            if campaign.status != status:
                return refusal(campaign)
            return view(campaign, **kwargs)
        return wrapper
    return decorate
