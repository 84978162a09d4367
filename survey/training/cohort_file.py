"""HR's cohorts workbook (who should attend each topic), made in the request for a small campaign
and as a job (``training-cohorts``, with the reader's language and filters as its parameters) for
a large one: at 20,000 assessees it has 200,000 rows and takes tens of seconds.

It names people, so nothing of it is kept beyond the prepared file, which the job owns
(``operations.prepared``), and every download is recorded by the page."""
from __future__ import annotations

from typing import BinaryIO, Mapping

from flask_babel import force_locale, gettext
from sqlalchemy.orm import Session

from survey.core import instruments as questionnaires
from survey.core.models import Campaign
from survey.operations import jobs, prepared
from survey.training import needs, topics, workbook

COHORTS = prepared.register(prepared.Product("training-cohorts", "cohorts", ".xlsx"))


def params(language: str, instrument: str | None, unit: str | None) -> dict:
    """The job's parameters: what the page was showing when HR asked."""
    return {key: value for key, value in (("language", language), ("instrument", instrument), ("unit", unit))
            if value is not None}


def write(out: BinaryIO, session: Session, campaign: Campaign, config: Mapping, catalogue: topics.Catalogue, *,
          language: str, instrument: str | None = None, unit: str | None = None,
          instruments: Mapping | None = None) -> None:
    threshold = int(config["ANONYMITY_THRESHOLD"])
    instruments = instruments or questionnaires.load_all(config["INSTRUMENTS_DIR"])
    population = needs.population(session, campaign, instruments, threshold=threshold)
    with force_locale(language):
        workbook.write_cohorts(out, population, catalogue, language=language, gettext=gettext, threshold=threshold,
                               instrument=instrument, unit=unit)


def _run(session: Session, campaign: Campaign, config: Mapping, progress, *, language: str,
         instrument: str | None = None, unit: str | None = None) -> str:
    instruments = questionnaires.load_all(config["INSTRUMENTS_DIR"])
    catalogue = topics.load(config.get("TOPICS_FILE") or topics.DEFAULT_FILE, topics.competencies_of(instruments))
    wanted = params(language, instrument, unit)
    progress(0, 1)
    with COHORTS.writing(session, config, campaign, wanted) as out:
        write(out, session, campaign, config, catalogue, language=language, instrument=instrument, unit=unit,
              instruments=instruments)
    progress(1, 1)
    return detail(campaign.name, instrument, unit)


def detail(campaign_name: str, instrument: str | None, unit: str | None) -> str:
    """What the audit log keeps of a cohorts download: the questionnaire by its code, which reads
    the same in every language; the log's page names it in its reader's."""
    return campaign_name + "".join(f", {v}" for v in (instrument, unit) if v)


jobs.register(COHORTS.kind, jobs.Kind(_run, "training-cohorts-export"))
