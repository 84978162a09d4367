"""The individual report of appendices 7-8, as a folder of HTML pages with PNG radar charts.

Each report is written in the assessee's own language (roster), with the competency names of
their questionnaire. A withheld result shows no averages at all, only why.
"""
from __future__ import annotations

from pathlib import Path

from flask import render_template
from flask_babel import force_locale, gettext
from sqlalchemy.orm import Session

from .. import results, scoring
from ..models import Campaign
from . import radar


def chart(item: results.AssesseeResult, language: str) -> bytes:
    instrument, result = item.instrument, item.result
    with force_locale(language):
        return radar.render(
            [c.name(language) for c in instrument.competencies],
            [c.average for c in result.competencies],
            [c.self_average for c in result.competencies],
            others_label=gettext("Colleagues (average)"),
            self_label=gettext("Self-assessment"),
        )


def render(item: results.AssesseeResult, campaign: Campaign, *, language: str, chart_src: str | None,
           threshold: int) -> str:
    with force_locale(language):
        return render_template("reports/individual.html", item=item, campaign=campaign, lang=language,
                               chart_src=chart_src, threshold=threshold, rounded=scoring.rounded)


def build_all(session: Session, campaign: Campaign, instruments, out: Path, *, threshold: int) -> list[Path]:
    items = results.campaign_results(session, campaign, instruments, threshold=threshold)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for item in items:
        language = item.person.language
        stem = _safe(item.person.employee_id)
        chart_name = None
        if not item.result.withheld:
            chart_name = f"{stem}.png"
            (out / chart_name).write_bytes(chart(item, language))
        page = out / f"{stem}.html"
        page.write_text(render(item, campaign, language=language, chart_src=chart_name, threshold=threshold),
                        encoding="utf-8")
        paths.append(page)
    (out / "index.html").write_text(
        render_template("reports/index.html", items=items, campaign=campaign, names={i.person.employee_id: _safe(i.person.employee_id) for i in items}),
        encoding="utf-8")
    return paths


def _safe(employee_id: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in employee_id)
