"""The quality workbook of a campaign as a prepared file (``quality-xlsx``, with the reader's
language as its parameter): drawing its six charts takes longer than a request may (about a second
on two cores, whatever the size of the body), so a job draws them and the file is kept for every
later download in that language. It holds no name and no person: only the figures kept at closing."""
from __future__ import annotations

from typing import Mapping

from flask_babel import force_locale, gettext
from sqlalchemy.orm import Session

from survey.campaigns import figures
from survey.core import instruments as questionnaires
from survey.core.models import Campaign
from survey.operations import jobs, prepared
from survey.quality import workbook

QUALITY = prepared.register(prepared.Product("quality-xlsx", "quality", ".xlsx"))


def params(language: str) -> dict:
    return {"language": language}


def _run(session: Session, campaign: Campaign, config: Mapping, progress, *, language: str) -> str:
    instruments = questionnaires.load_all(config["INSTRUMENTS_DIR"])
    found = figures.campaign_quality(session, campaign, instruments, threshold=int(config["ANONYMITY_THRESHOLD"]))
    progress(0, 1)
    with QUALITY.writing(session, config, campaign, params(language)) as out, force_locale(language):
        workbook.write_xlsx(out, found, gettext=gettext, language=language)
    progress(1, 1)
    return campaign.name


jobs.register(QUALITY.kind, jobs.Kind(_run, "quality-export"))
