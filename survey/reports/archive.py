"""The ZIP of every report of a closed campaign, prepared as a job (``reports-zip``) so that a large
campaign never holds a web worker; HR downloads it when it is ready (``operations.prepared``)."""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

from sqlalchemy.orm import Session

from survey.core import instruments as questionnaires
from survey.core.models import Campaign
from survey.operations import jobs, prepared
from survey.reports import bundle, model

KIND = "reports-zip"
ZIP = prepared.register(prepared.Product(KIND, "reports", ".zip"))


def ready(session: Session, config: Mapping, campaign: Campaign) -> Path | None:
    return ZIP.ready(session, config, campaign)


def build(session: Session, campaign: Campaign, config: Mapping, progress) -> str:
    reports = model.build_reports(session, campaign, questionnaires.load_all(config["INSTRUMENTS_DIR"]),
                                  threshold=config["ANONYMITY_THRESHOLD"])
    with ZIP.writing(session, config, campaign) as out:
        count = bundle.write(out, reports, progress=progress, processes=bundle.processes(config, len(reports)))
    return f"{campaign.name}: {count} reports"


jobs.register(KIND, jobs.Kind(build, KIND))
