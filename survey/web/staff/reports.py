"""Individual reports in the browser and as PDF: HR's pages (the assessee's own link is in
``survey.web.public.report_links``).

Order No. 260, para 21: the results may be known only to the assessee, the assessor, the head of
the HR service and a calibration session's members. So the HR head (``hr-head``) reads the reports
of a closed campaign: each as a page and a PDF, all of a campaign or of one unit as a ZIP; every
opening is recorded. HR (``hr``) runs the campaign: it publishes the reports and sees where each
assessee stands (published, read, overdue, plan, calibration), never what a report says.
Publishing releases each report with a personal link that opens that report only, without
signing in (``survey.followup.release``).
"""
from __future__ import annotations

import tempfile

from flask import (Blueprint, abort, current_app, g, render_template, request,
                   redirect, url_for)
from flask_babel import gettext

from survey.staff import audit
from survey.web.common import database as db
from survey.operations import jobs
from survey.core.models import Assessment, Campaign
from survey.campaigns import scope
from survey.followup import notify, release
from survey.reports import archive, bundle, individual, links, model, publishing
from survey.web.common import followup, instruments, paging, report_pages
from survey.web.staff import background
from survey.web.staff.lookup import in_campaign
from survey.web.staff.auth import log_action, requires
from survey.web.common.downloads import csv_download, file_download
from survey.web.staff.hr import ActionForm

bp = Blueprint("reports", __name__)
STAFF = ("hr", "hr-head")
READERS = ("hr-head",)  # para 21
SPOOL_BYTES = 32 * 1024 * 1024  # a ZIP larger than this goes to a temporary file, not memory


def _threshold() -> int:
    return current_app.config["ANONYMITY_THRESHOLD"]


def _link_days() -> int:
    return int(current_app.config.get("REPORT_LINK_DAYS") or links.DEFAULT_DAYS)


def _not_closed(campaign):
    """Reports wait for the campaign to close."""
    return report_pages.private(render_template("reports/not_closed.html", campaign=campaign), 409)


def _report(campaign: Campaign, assessment_id: int) -> model.Report:
    found = model.build_reports(db.session(), campaign, instruments(), threshold=_threshold(),
                                assessment_ids=[assessment_id])
    if not found:
        abort(404)
    return found[0]


bp.add_url_rule("/hr/assets/report.css", "stylesheet", report_pages.stylesheet)


# --- HR -------------------------------------------------------------------------------------

@bp.get("/hr/campaigns/<int:campaign_id>/reports")
@requires(*STAFF)
@in_campaign("closed", _not_closed)
def index(campaign):
    can_read = g.user.role in READERS
    states = paging.page_of(release.familiarisation(db.session(), campaign, query=paging.query()))
    items = model.summaries(db.session(), campaign, instruments(), threshold=_threshold(),
                            assessment_ids=[f.assessment_id for f in states.items]) if can_read else []
    recent = jobs.recent(db.session(), campaign, limit=20)
    archive_job = next((j for j in recent if j.kind == archive.KIND), None)
    mail_jobs = [next(j for j in recent if j.kind == kind) for kind in notify.KINDS.values()
                 if any(j.kind == kind for j in recent)]
    return report_pages.private(render_template(
        "reports/campaign.html", campaign=campaign, items=items, can_read=can_read,
        states=states, q=paging.query(), units=scope.campaign_units(db.session(), campaign) if can_read else [],
        action=ActionForm(), days=_link_days(), archive_job=archive_job, mail_jobs=mail_jobs,
        job_labels={notify.KINDS["report-published"]: gettext("E-mail with the report links"),
                    notify.KINDS["report-reminder"]: gettext("Reminders to read the results")},
        archive_ready=can_read and archive.ready(db.session(), current_app.config, campaign) is not None))


@bp.get("/hr/campaigns/<int:campaign_id>/reports/<int:assessment_id>")
@requires(*READERS)
@in_campaign("closed", _not_closed)
def page(campaign, assessment_id):
    report = _report(campaign, assessment_id)
    language = report_pages.language(report)
    png = individual.chart_png(report, language)
    actions = [(gettext("Download as PDF"), url_for(".pdf_file", campaign_id=campaign.id, assessment_id=assessment_id,
                                                    lang=language)),
               (gettext("All reports of the campaign"), url_for(".index", campaign_id=campaign.id))]
    log_action("report-view", f"{campaign.name}: {report.employee_id}")
    release.record_opening(db.session(), assessment_id, "hr-head", g.user.email)
    assessment = db.session().get(Assessment, assessment_id)
    return report_pages.private(render_template(
        "reports/hr_report.html", campaign=campaign, action=ActionForm(),
        plan_action=url_for("followup.record_plan", campaign_id=campaign.id, assessment_id=assessment_id),
        **followup.plan_context(db.session(), report, assessment),
        **individual.context(report, language, chart_src=individual.data_uri(png), actions=actions)))


@bp.get("/hr/campaigns/<int:campaign_id>/reports/<int:assessment_id>.pdf")
@requires(*READERS)
@in_campaign("closed", _not_closed)
def pdf_file(campaign, assessment_id):
    report = _report(campaign, assessment_id)
    language = report_pages.language(report)
    log_action("report-download", f"{campaign.name}: {report.employee_id} ({language})")
    release.record_opening(db.session(), assessment_id, "hr-head", g.user.email)
    return report_pages.pdf_response(report, language)


@bp.post("/hr/campaigns/<int:campaign_id>/reports/prepare")
@requires(*READERS)
@in_campaign("closed", _not_closed)
def prepare_archive(campaign):
    """Queue the ZIP of every report (or join the one being made) and come back to the list."""
    if not ActionForm().validate_on_submit():
        abort(400)
    background.start(archive.KIND, campaign)
    return redirect(url_for(".index", campaign_id=campaign.id))


@bp.get("/hr/campaigns/<int:campaign_id>/reports-all.zip")
@requires(*READERS)
@in_campaign("closed", _not_closed)
def prepared_archive(campaign):
    path = archive.ready(db.session(), current_app.config, campaign)
    if path is None:
        abort(404)
    log_action("reports-zip-download", campaign.name)
    return file_download(path, f"reports-{campaign.id}.zip", "application/zip")


@bp.get("/hr/campaigns/<int:campaign_id>/reports.zip")
@requires(*READERS)
@in_campaign("closed", _not_closed)
def unit_archive(campaign):
    """Every report of the campaign, or of one unit (?unit=), as PDFs in one ZIP.

    Built during the request into a file that spills to disk past ``SPOOL_BYTES``, the PDFs of a
    large one drawn by worker processes (``bundle``); the whole campaign is better prepared as a
    job (``prepare_archive``), which shows its progress.
    """
    unit, language = request.args.get("unit") or None, request.args.get("lang") or None
    name = f"reports-{campaign.id}" + (f"-{_file_part(unit)}" if unit else "") + ".zip"
    if not archive.in_request(db.session(), campaign, unit):
        ready = archive.ready(db.session(), current_app.config, campaign, unit, language)
        if ready is None:
            title = gettext("Reports of one unit (ZIP)") if unit else gettext("Download all reports (ZIP)")
            return background.prepare(archive.KIND, campaign, archive.params(unit, language), title=title,
                                      back=url_for(".index", campaign_id=campaign.id))
        log_action("reports-zip-download", f"{campaign.name}: {unit}" if unit else campaign.name)
        return file_download(ready, name, "application/zip")
    reports = model.build_reports(db.session(), campaign, instruments(), threshold=_threshold(), unit=unit)
    if not reports:
        abort(404)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    count = bundle.write(spool, reports, language=language,
                         processes=bundle.processes(current_app.config, len(reports)))
    spool.seek(0)
    log_action("reports-zip", f"{campaign.name}: {unit or audit.ALL_UNITS}, {count} reports")
    return file_download(spool, name, "application/zip")


def _file_part(value: str) -> str:
    """A unit's name as it reads (Kazakh, Russian) in the file name, without what a file system refuses."""
    return "".join(ch if ch.isalnum() or ch in "-_ " else "_" for ch in value).strip()[:60] or "unit"


@bp.post("/hr/campaigns/<int:campaign_id>/reports/links.csv")
@requires(*STAFF)
@in_campaign("closed", _not_closed)
def publish(campaign):
    """Publish: the personal links of every assessee, as CSV for HR to hand out one by one."""
    if not ActionForm().validate_on_submit():
        abort(400)
    rows = publishing.publish(db.session(), campaign, followup.calendar(), secret=current_app.secret_key,
                              base_url=current_app.config["BASE_URL"], days=_link_days(), actor=g.user.email)
    return csv_download(links.LINK_COLUMNS, rows, f"report-links-{campaign.id}.csv")
