"""Individual reports in the browser and as PDF: HR's pages, and the assessee's own personal link.

HR (``hr``, ``hr-head``) sees the reports of a closed campaign: the list, each report as a page
and as a PDF, and all of a campaign or of one unit as a ZIP; every download and every opened
report goes to the audit log (order No. 260, para 21: who may know the results). Publishing is HR
downloading the assessees' personal links: each opens that assessee's report of that campaign and
nothing else, without signing in, until it expires (``survey.reports.links``).

The assessee's page is like a respondent's: no login, nothing written on a GET, no referrer sent,
and a forged or altered link is simply "not found".
"""
from __future__ import annotations

import io
import tempfile
from pathlib import Path

from flask import (Blueprint, Response, abort, current_app, g, make_response, render_template, request, send_file,
                   redirect, url_for)
from flask_babel import gettext

from survey.staff import audit
from survey.web.common import database as db
from survey.operations import jobs
from survey.core import tables
from survey.campaigns.lifecycle import CampaignError
from survey.core.models import Assessment, Campaign
from survey.reports import bundle, individual, links, model, pdf
from survey.web.common import in_campaign, instruments, limits
from survey.web.staff.auth import requires
from survey.web.common.downloads import download, no_store
from survey.web.staff.hr import ActionForm
from survey.web.common.limits import limiter

bp = Blueprint("reports", __name__)
STAFF = ("hr", "hr-head")
SPOOL_BYTES = 32 * 1024 * 1024  # a ZIP larger than this goes to a temporary file, not memory


class _LinkNotFound(Exception):
    pass


class _LinkGone(Exception):
    pass


@bp.errorhandler(_LinkNotFound)
def _not_found(_error):
    return _private(render_template("reports/link_not_found.html"), 404)


@bp.errorhandler(_LinkGone)
def _gone(_error):
    return _private(render_template("reports/link_gone.html", days=_link_days()), 410)


def _private(body, status: int = 200) -> Response:
    response = no_store(body, status)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _threshold() -> int:
    return current_app.config["ANONYMITY_THRESHOLD"]


def _link_days() -> int:
    return int(current_app.config.get("REPORT_LINK_DAYS") or links.DEFAULT_DAYS)


def _log(action: str, detail: str) -> None:
    audit.record(db.session(), g.user.email, action, detail)


def _not_closed(campaign):
    """Reports wait for the campaign to close."""
    return _private(render_template("reports/not_closed.html", campaign=campaign), 409)


def _report(campaign: Campaign, assessment_id: int) -> model.Report:
    found = model.build_reports(db.session(), campaign, instruments(), threshold=_threshold(),
                                assessment_ids=[assessment_id])
    if not found:
        abort(404)
    return found[0]


def _language(report: model.Report) -> str:
    """?lang= when given, else the assessee's roster language; the page speaks it throughout."""
    language = individual.language_of(report, request.args.get("lang"))
    g.language = language
    return language


def _pdf_response(report: model.Report, language: str) -> Response:
    return no_store(send_file(io.BytesIO(pdf.render(report, language)), mimetype="application/pdf",
                              as_attachment=True, download_name=bundle.pdf_name(report), max_age=0))


@bp.get("/report/assets/report.css")
def stylesheet():
    """The report's style as a file of the site: the pages allow no inline style (CSP)."""
    response = make_response(render_template("reports/report.css"))
    response.mimetype = "text/css"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


# --- HR -------------------------------------------------------------------------------------

@bp.get("/hr/campaigns/<int:campaign_id>/reports")
@requires(*STAFF)
@in_campaign("closed", _not_closed)
def index(campaign):
    items = model.summaries(db.session(), campaign, instruments(), threshold=_threshold())
    archive_job = next((j for j in jobs.recent(db.session(), campaign, limit=20) if j.kind == "reports-zip"), None)
    return _private(render_template("reports/campaign.html", campaign=campaign, items=items,
                                    units=sorted({i.unit for i in items}), action=ActionForm(), days=_link_days(),
                                    archive_job=archive_job,
                                    archive_ready=archive_path(current_app.config, campaign.id).exists()))


@bp.get("/hr/campaigns/<int:campaign_id>/reports/<int:assessment_id>")
@requires(*STAFF)
@in_campaign("closed", _not_closed)
def page(campaign, assessment_id):
    report = _report(campaign, assessment_id)
    language = _language(report)
    png = individual.chart_png(report, language)
    actions = [(gettext("Download as PDF"), url_for(".pdf_file", campaign_id=campaign.id, assessment_id=assessment_id,
                                                    lang=language)),
               (gettext("All reports of the campaign"), url_for(".index", campaign_id=campaign.id))]
    _log("report-view", f"{campaign.name}: {report.employee_id}")
    return _private(render_template("reports/hr_report.html", campaign=campaign,
                                    **individual.context(report, language, chart_src=individual.data_uri(png),
                                                         actions=actions)))


@bp.get("/hr/campaigns/<int:campaign_id>/reports/<int:assessment_id>.pdf")
@requires(*STAFF)
@in_campaign("closed", _not_closed)
def pdf_file(campaign, assessment_id):
    report = _report(campaign, assessment_id)
    language = _language(report)
    _log("report-download", f"{campaign.name}: {report.employee_id} ({language})")
    return _pdf_response(report, language)


def archive_path(config, campaign_id: int) -> Path:
    return Path(config["JOBS_DIR"]) / f"reports-{campaign_id}.zip"


def _build_archive(session, campaign, config, progress) -> str:
    """The ``reports-zip`` job: every report of a closed campaign, written beside the instance."""
    reports = model.build_reports(session, campaign, current_app.extensions["survey.instruments"],
                                  threshold=config["ANONYMITY_THRESHOLD"])
    target = archive_path(config, campaign.id)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with open(partial, "wb") as out:
        count = bundle.write(out, reports, progress=progress, processes=bundle.processes(config, len(reports)))
    partial.chmod(0o600)
    partial.replace(target)  # never half a ZIP under the final name
    return f"{campaign.name}: {count} reports"


jobs.register("reports-zip", jobs.Kind(_build_archive, "reports-zip"))


@bp.post("/hr/campaigns/<int:campaign_id>/reports/prepare")
@requires(*STAFF)
@in_campaign("closed", _not_closed)
def prepare_archive(campaign):
    """Queue the ZIP of every report (or join the one being made) and come back to the list."""
    if not ActionForm().validate_on_submit():
        abort(400)
    jobs.start(db.session(), "reports-zip", campaign, g.user.email)
    db.session().commit()
    jobs.kick(current_app._get_current_object())
    return redirect(url_for(".index", campaign_id=campaign.id))


@bp.get("/hr/campaigns/<int:campaign_id>/reports-all.zip")
@requires(*STAFF)
@in_campaign("closed", _not_closed)
def prepared_archive(campaign):
    path = archive_path(current_app.config, campaign.id)
    if not path.exists():
        abort(404)
    _log("reports-zip-download", campaign.name)
    return no_store(send_file(path, mimetype="application/zip", as_attachment=True,
                              download_name=f"reports-{campaign.id}.zip", max_age=0))


@bp.get("/hr/campaigns/<int:campaign_id>/reports.zip")
@requires(*STAFF)
@in_campaign("closed", _not_closed)
def archive(campaign):
    """Every report of the campaign, or of one unit (?unit=), as PDFs in one ZIP.

    Built during the request into a file that spills to disk past ``SPOOL_BYTES``, the PDFs of a
    large one drawn by worker processes (``bundle``); the whole campaign is better prepared as a
    job (``prepare_archive``), which shows its progress.
    """
    unit = request.args.get("unit") or None
    reports = model.build_reports(db.session(), campaign, instruments(), threshold=_threshold(), unit=unit)
    if not reports:
        abort(404)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    count = bundle.write(spool, reports, language=request.args.get("lang"),
                         processes=bundle.processes(current_app.config, len(reports)))
    spool.seek(0)
    _log("reports-zip", f"{campaign.name}: {unit or gettext('all units')}, {count} reports")
    name = f"reports-{campaign.id}" + (f"-{_ascii(unit)}" if unit else "") + ".zip"
    return no_store(send_file(spool, mimetype="application/zip", as_attachment=True, download_name=name, max_age=0))


def _ascii(value: str) -> str:
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in value)[:40] or "unit"


@bp.post("/hr/campaigns/<int:campaign_id>/reports/links.csv")
@requires(*STAFF)
@in_campaign("closed", _not_closed)
def publish(campaign):
    """Publish: the personal links of every assessee, as CSV for HR to hand out one by one."""
    if not ActionForm().validate_on_submit():
        abort(400)
    items = model.summaries(db.session(), campaign, instruments(), threshold=_threshold())
    days = _link_days()
    rows = links.link_rows(items, secret=current_app.secret_key, base_url=current_app.config["BASE_URL"], days=days)
    _log("reports-publish", f"{campaign.name}: {len(rows)} personal links, valid {days} days")
    return download(tables.csv_bytes(links.LINK_COLUMNS, rows), f"report-links-{campaign.id}.csv",
                    "text/csv; charset=utf-8")


# --- the assessee ---------------------------------------------------------------------------

def _own(token: str) -> model.Report:
    """The one report a personal link opens; anything else is 'not found', an old link 'gone'."""
    try:
        campaign_id, assessment_id = links.verify(current_app.secret_key, token, days=_link_days())
    except links.LinkExpired:
        raise _LinkGone() from None
    except links.LinkInvalid:
        raise _LinkNotFound() from None
    assessment = db.session().get(Assessment, assessment_id)
    if assessment is None or assessment.campaign_id != campaign_id or assessment.campaign.status != "closed":
        raise _LinkNotFound()
    try:
        found = model.build_reports(db.session(), assessment.campaign, instruments(), threshold=_threshold(),
                                    assessment_ids=[assessment_id])
    except CampaignError:
        raise _LinkNotFound() from None
    if not found:
        raise _LinkNotFound()
    return found[0]


@bp.get("/report/<token>")
@limiter.limit(limits.respondent)
def own(token):
    report = _own(token)
    language = _language(report)
    png = individual.chart_png(report, language)
    actions = [(gettext("Download as PDF"), url_for(".own_pdf", token=token, lang=language))]
    return _private(render_template("reports/own_report.html",
                                    **individual.context(report, language, chart_src=individual.data_uri(png),
                                                         actions=actions)))


@bp.get("/report/<token>/pdf")
@limiter.limit(limits.respondent)
def own_pdf(token):
    report = _own(token)
    return _pdf_response(report, _language(report))
