"""The ZIP of every report of a closed campaign, prepared as a job (``reports-zip``) so that a large
campaign never holds a web worker; HR downloads it when it is ready."""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

from sqlalchemy.orm import Session

from survey.core import instruments as questionnaires
from survey.core.models import Campaign
from survey.operations import jobs
from survey.reports import bundle, model

KIND = "reports-zip"


def path(config: Mapping, campaign_id: int) -> Path:
    return Path(config["JOBS_DIR"]) / f"reports-{campaign_id}.zip"


def build(session: Session, campaign: Campaign, config: Mapping, progress) -> str:
    reports = model.build_reports(session, campaign, questionnaires.load_all(config["INSTRUMENTS_DIR"]),
                                  threshold=config["ANONYMITY_THRESHOLD"])
    target = path(config, campaign.id)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with open(partial, "wb") as out:
        count = bundle.write(out, reports, progress=progress, processes=bundle.processes(config, len(reports)))
    partial.chmod(0o600)
    partial.replace(target)  # never half a ZIP under the final name
    return f"{campaign.name}: {count} reports"


jobs.register(KIND, jobs.Kind(build, KIND))
