"""Closing a campaign as a job: the page that closes it returns at once (answering has ended: the
campaign is "closing"), and a worker writes the totals and the figures the staff pages read
(``campaigns.figures``), then compacts the storage so that the order of the responses tells
nothing of the order of answering (``Database.reorder_responses``)."""
from __future__ import annotations

from typing import Mapping

from sqlalchemy.orm import Session

from survey.campaigns import figures
from survey.core import instruments
from survey.core.models import Campaign
from survey.operations import jobs

KIND = "campaign-close"


def run(session: Session, campaign: Campaign, config: Mapping, progress) -> str:
    figures.close(session, campaign, instruments.load_all(config["INSTRUMENTS_DIR"]),
                  threshold=config["ANONYMITY_THRESHOLD"])
    return campaign.name


jobs.register(KIND, jobs.Kind(run, "campaign-close", after=lambda database: database.reorder_responses()))
