"""The individual report of appendices 7-8 as HTML (a page for HR and the assessee, or a file),
and the bulk build of a campaign's reports for ``survey reports build``.

Each report is written by default in the assessee's own language (roster), with the competency
names of their questionnaire. A withheld result shows no averages, charts or advice, only why.
"""
from __future__ import annotations

import base64
import zipfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Iterable, Sequence

from flask_babel import force_locale
from sqlalchemy.orm import Session

from survey.core.instruments import LANGUAGES
from survey.core.models import Campaign
from survey.reports import bars, html, model, radar, text
from survey.reports.model import Report


DEFAULT_LANGUAGE = "kk"  # order No. 260 is in Kazakh; the platform's default language too


def language_of(report: Report, asked: str | None = None) -> str:
    """The asked language if it is one of ours, else the assessee's own, else the default."""
    for candidate in (asked, report.language):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def chart_png(report: Report, language: str, t=None) -> bytes | None:
    """The radar chart; none for a withheld report. Call in the report's locale (legend wording),
    or give its ``text.texts`` as ``t``."""
    if report.withheld:
        return None
    t = t if t is not None else text.texts(report.threshold)
    return radar.render([line.name(language) for line in report.lines], [line.average for line in report.lines],
                        [line.self_average for line in report.lines], others_label=t.others_label,
                        self_label=t.self_label)


def data_uri(png: bytes | None) -> str | None:
    return None if png is None else "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def context(report: Report, language: str, *, chart_src: str | None, actions: Sequence[tuple[str, str]] = ()) -> dict:
    """What the templates need; call inside ``force_locale(language)`` or a request in that language."""
    words = text.wording(report, language)
    return dict(report=report, lang=language, t=words.t, number=partial(text.number, language=language),
                signed=partial(text.signed, language=language),
                chart_src=chart_src, bars=None if report.withheld else bars.layout(report, language),
                sources=words.sources, actions=list(actions), previous_heading=words.previous_heading)


def render_file(report: Report, language: str, *, chart_src: str | None) -> str:
    """A stand-alone HTML file: its style inside, the radar chart at ``chart_src`` (a file or data: URI)."""
    with force_locale(language):
        return html.render("reports/individual.html", **context(report, language, chart_src=chart_src))


def file_stem(report: Report) -> str:
    """The employee id as a file name, one to one: letters, digits and ``-`` as they are, any other
    character as ``_hex_``, so that ids differing only in ``.`` and ``_`` never share a file."""
    return "".join(ch if ch.isalnum() or ch == "-" else f"_{ord(ch):x}_" for ch in report.employee_id)


@dataclass(frozen=True)
class Built:
    html: list[Path]
    pdf: list[Path]
    archive: Path | None


def build_all(session: Session, campaign: Campaign, instruments, out: Path, *, threshold: int, pdf: bool = True,
              archive: Path | None = None, processes: int | None = None) -> list[Path]:
    """Per assessee an HTML page, a PNG radar chart and a PDF, in the assessee's language, and an
    index page; returns the HTML pages (the command line and the demo print their count)."""
    return build(session, campaign, instruments, out, threshold=threshold, pdf=pdf, archive=archive,
                 processes=processes).html


def build(session: Session, campaign: Campaign, instruments, out: Path, *, threshold: int, pdf: bool = True,
          archive: Path | None = None, processes: int | None = None) -> Built:
    """``processes``: the REPORT_PROCESSES setting (None: one a core)."""
    from survey.reports import bundle

    reports = model.build_reports(session, campaign, instruments, threshold=threshold)
    out.mkdir(parents=True, exist_ok=True)
    pages, documents = [], []
    for report in reports:
        language = language_of(report)
        stem = file_stem(report)
        with force_locale(language):
            png = chart_png(report, language)
            if png is not None:
                (out / f"{stem}.png").write_bytes(png)
            page = out / f"{stem}.html"
            page.write_text(render_file(report, language, chart_src=f"{stem}.png" if png else None), encoding="utf-8")
            pages.append(page)
    if pdf:  # the same PDFs as HR's ZIP, drawn the same way: by worker processes for a large campaign
        with bundle.drawn(reports, processes=bundle.processes({"REPORT_PROCESSES": processes}, len(reports))) as drawn:
            for report, document in drawn:
                path = out / f"{file_stem(report)}.pdf"
                path.write_bytes(document)
                documents.append(path)
    (out / "index.html").write_text(
        html.render("reports/index.html", items=reports, campaign=campaign,
                    names={r.employee_id: file_stem(r) for r in reports}, pdf=pdf,
                    number=partial(text.number, language=text.current_language())),
        encoding="utf-8")
    if archive is not None:
        write_archive(archive, documents)
    return Built(pages, documents, archive)


def write_archive(path: Path, files: Iterable[Path]) -> None:
    """The PDFs in one ZIP. PDFs are compressed already: stored, not deflated again."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as bundle:
        for file in files:
            bundle.write(file, arcname=file.name)
