"""Many reports as one ZIP of PDFs, written one report at a time so that memory stays flat."""
from __future__ import annotations

import zipfile
from typing import BinaryIO, Iterable

from . import individual, pdf
from .model import Report


def _safe(value: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in value).strip("_")


def pdf_name(report: Report) -> str:
    """``S-101_Айгерим_Нурланова.pdf``: the employee id first, unique; the name for people."""
    name = _safe(report.full_name)[:80]
    return f"{_safe(report.employee_id) or report.assessment_id}{'_' + name if name else ''}.pdf"


def write(target: BinaryIO, reports: Iterable[Report], *, language: str | None = None, progress=None) -> int:
    """Each report's PDF, in ``language`` or else the assessee's own. PDFs are compressed inside,
    so the archive stores them as they are. Returns the number of reports written."""
    reports = list(reports)
    count = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        for report in reports:
            archive.writestr(pdf_name(report), pdf.render(report, individual.language_of(report, language)))
            count += 1
            if progress is not None and (count % 10 == 0 or count == len(reports)):
                progress(count, len(reports))
    return count
