"""The results workbook (in each staff language) and the CSV for other systems, made in the
request for a small campaign and as a job (``results-xlsx-<language>``, ``results-csv``) for a
large one, so that no download holds a web worker for more than about a second.

A closed campaign's results never change (answers are final, the figures come from the totals
written at close), so a prepared file stays valid: it is made once and downloaded as often as
needed, and made again only when it is gone (``operations.prepared`` sweeps earlier ones)."""
from __future__ import annotations

from typing import BinaryIO, Callable, Mapping

from flask_babel import force_locale, gettext
from sqlalchemy.orm import Session

from survey.core import instruments as questionnaires, tables
from survey.core.instruments import LANGUAGES
from survey.core.models import Campaign
from survey.operations import jobs, prepared
from survey.results import export, workbook

CSV = prepared.register(prepared.Product("results-csv", "results", ".csv"))
WORKBOOKS = {language: prepared.register(prepared.Product(f"results-xlsx-{language}", f"results-{language}", ".xlsx"))
             for language in LANGUAGES}


require_closed = export.require_closed


def write_workbook(out: BinaryIO, session: Session, campaign: Campaign, config: Mapping, language: str,
                   instruments: Mapping | None = None) -> int:
    """The workbook HR reads, in ``language``, written a part of the campaign at a time; the
    number of assessees in it."""
    threshold = config["ANONYMITY_THRESHOLD"]
    instruments = instruments or questionnaires.load_all(config["INSTRUMENTS_DIR"])
    counted = tables.Counted(export.in_parts(session, campaign, instruments, threshold=threshold))
    with force_locale(language):
        workbook.write_xlsx(out, campaign, (item for part in counted for item in part), threshold=threshold,
                            gettext=gettext, language=language,
                            instruments=export.instruments_in(session, campaign, instruments))
    return counted.count


def write_csv(out: BinaryIO, session: Session, campaign: Campaign, config: Mapping,
              instruments: Mapping | None = None) -> int:
    """The CSV for other systems: English codes and decimal points, whoever asks for it."""
    instruments = instruments or questionnaires.load_all(config["INSTRUMENTS_DIR"])
    counted = tables.Counted(export.in_parts(session, campaign, instruments, threshold=config["ANONYMITY_THRESHOLD"]))
    tables.write_csv_stream(out, export.EXPORT_COLUMNS, (export.csv_rows(part) for part in counted))
    return counted.count


def _job(product: prepared.Product, write: Callable[..., int]):
    def run(session: Session, campaign: Campaign, config: Mapping, progress) -> str:
        progress(0, 1)
        with product.writing(session, config, campaign) as out:
            count = write(out, session, campaign, config)
        progress(1, 1)
        return f"{campaign.name}: {count} assessees"
    return run


jobs.register(CSV.kind, jobs.Kind(_job(CSV, write_csv), "results-export"))
for _language, _product in WORKBOOKS.items():
    jobs.register(_product.kind, jobs.Kind(
        _job(_product, lambda out, session, campaign, config, language=_language:
             write_workbook(out, session, campaign, config, language)), "results-export"))
