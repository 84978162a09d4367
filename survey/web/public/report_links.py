"""The assessee's own report, opened through their personal link (``survey.reports.links``).

Like a respondent's page: no login, nothing written on a GET, no referrer sent, and a forged or
altered link is simply "not found".
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import gettext

from survey.reports import individual, links, personal
from survey.web.common import database as db
from survey.web.common import instruments, limits, report_pages
from survey.web.public.limits import limiter

bp = Blueprint("report_links", __name__)
bp.add_url_rule("/report/assets/report.css", "stylesheet", report_pages.stylesheet)


def _days() -> int:
    return int(current_app.config.get("REPORT_LINK_DAYS") or links.DEFAULT_DAYS)


@bp.errorhandler(links.LinkInvalid)
def _not_found(_error):
    return report_pages.private(render_template("reports/link_not_found.html"), 404)


@bp.errorhandler(links.LinkExpired)
def _gone(_error):
    return report_pages.private(render_template("reports/link_gone.html", days=_days()), 410)


def _own(token: str):
    return personal.open_own(db.session(), current_app.secret_key, token, days=_days(), instruments=instruments(),
                             threshold=current_app.config["ANONYMITY_THRESHOLD"])


@bp.get("/report/<token>")
@limiter.limit(limits.respondent)
def own(token):
    report = _own(token)
    language = report_pages.language(report)
    png = individual.chart_png(report, language)
    actions = [(gettext("Download as PDF"), url_for(".own_pdf", token=token, lang=language))]
    return report_pages.private(render_template(
        "reports/own_report.html",
        **individual.context(report, language, chart_src=individual.data_uri(png), actions=actions)))


@bp.get("/report/<token>/pdf")
@limiter.limit(limits.respondent)
def own_pdf(token):
    report = _own(token)
    return report_pages.pdf_response(report, report_pages.language(report))
