"""The ZIP of every report of a closed campaign, or of one unit's, prepared as a job
(``reports-zip``, the unit and a forced language as its parameters) so that a large one never
holds a web worker; HR downloads it when it is ready (``operations.prepared``). A ZIP of a few
reports is still made in the request: about 40 PDFs a second."""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

from sqlalchemy.orm import Session

from survey.core import instruments as questionnaires
from survey.campaigns import scope
from survey.core.models import Campaign
from survey.operations import jobs, prepared
from survey.reports import bundle, model

KIND = "reports-zip"
ZIP = prepared.register(prepared.Product(KIND, "reports", ".zip"))
IN_REQUEST = 40  # reports: about a second of drawing


def params(unit: str | None = None, language: str | None = None) -> dict:
    """The job's parameters: none for the whole campaign in each assessee's language."""
    return {key: value for key, value in (("language", language), ("unit", unit)) if value}


def ready(session: Session, config: Mapping, campaign: Campaign, unit: str | None = None,
          language: str | None = None) -> Path | None:
    return ZIP.ready(session, config, campaign, params(unit, language))


def in_request(session: Session, campaign: Campaign, unit: str | None) -> bool:
    return scope.assessee_count(session, campaign, unit=unit) <= IN_REQUEST


def build(session: Session, campaign: Campaign, config: Mapping, progress, *, unit: str | None = None,
          language: str | None = None) -> str:
    reports = model.build_reports(session, campaign, questionnaires.load_all(config["INSTRUMENTS_DIR"]),
                                  threshold=config["ANONYMITY_THRESHOLD"], unit=unit)
    with ZIP.writing(session, config, campaign, params(unit, language)) as out:
        count = bundle.write(out, reports, language=language, progress=progress,
                             processes=bundle.processes(config, len(reports)))
    return f"{campaign.name}: {unit}, {count} reports" if unit else f"{campaign.name}: {count} reports"


jobs.register(KIND, jobs.Kind(build, KIND))
