"""After the report, on the staff side (order No. 260, paras 12-13, 21, 37-43): the managers'
links, who opened which report, the disagreements and calibration sessions (the HR head's), and
the development plans as a workbook."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from survey.campaigns.errors import CampaignError
from survey.core.followup import Calibration
from survey.followup import calibration as sessions
from survey.campaigns import paper
from survey.followup import notify, readers, release, workbook
from survey.reports import publishing
from survey.web.common import database as db
from survey.web.common import followup, instruments, report_pages
from survey.web.common.downloads import XLSX, csv_download, download
from survey.web.staff import background
from survey.web.staff.auth import log_action, requires
from survey.web.staff.hr import ActionForm
from survey.web.staff.lookup import in_campaign

bp = Blueprint("followup", __name__)
STAFF = ("hr", "hr-head")
HEAD = ("hr-head",)

FAMILIAR_LABELS = {"unpublished": _l("Not published"), "published": _l("Published, not opened"),
                   "opened": _l("Opened, not confirmed"), "acknowledged": _l("Read"),
                   "overdue": _l("Overdue: not confirmed within two working days")}
PLAN_LABELS = {"": _l("None yet"), "recorded": _l("Recorded, not confirmed"), "confirmed": _l("Confirmed")}
CALIBRATION_LABELS = {"": "—", "pending": _l("Disagreement: decision pending"), "granted": _l("Session granted"),
                      "refused": _l("Session not granted"), "closed": _l("Session concluded")}
READER_LABELS = {"assessee": _l("The assessee"), "manager": _l("The direct manager"), "hr-head": _l("The HR head"),
                 "calibration": _l("A calibration session's member")}
ASSESSOR_COLUMNS = ["employee_id", "full_name", "email", "language", "reports", "url"]


@bp.app_context_processor
def _labels():
    return {"familiar_labels": FAMILIAR_LABELS, "plan_labels": PLAN_LABELS, "calibration_labels": CALIBRATION_LABELS,
            "reader_labels": READER_LABELS}


def _not_closed(campaign):
    return report_pages.private(render_template("reports/not_closed.html", campaign=campaign), 409)


@bp.post("/hr/campaigns/<int:campaign_id>/reports/assessors.csv")
@requires(*STAFF)
@in_campaign("closed", _not_closed)
def assessor_links(campaign):
    if not ActionForm().validate_on_submit():
        abort(400)
    rows = readers.assessor_rows(db.session(), campaign, secret=current_app.secret_key,
                                 base_url=current_app.config["BASE_URL"])
    log_action("assessor-links", f"{campaign.name}: {len(rows)}")
    return csv_download(ASSESSOR_COLUMNS, [[r.employee_id, r.full_name, r.email, r.language, r.reports, r.url]
                                           for r in rows], f"manager-links-{campaign.id}.csv")


@bp.get("/hr/campaigns/<int:campaign_id>/reports/openings")
@requires(*HEAD)
@in_campaign("closed", _not_closed)
def openings(campaign):
    return report_pages.private(render_template("reports/openings.html", campaign=campaign,
                                                openings=readers.openings(db.session(), campaign)))


@bp.get("/hr/campaigns/<int:campaign_id>/calibrations")
@requires(*HEAD)
@in_campaign("closed", _not_closed)
def calibrations(campaign):
    return _calibrations_view(campaign)


def _calibrations_view(campaign, errors=None, status=200):
    """The requests with their deadlines (paras 13, 38) and, while a session runs, its members' links."""
    found = sessions.requests(db.session(), campaign)
    member_links = {r.calibration.id: sessions.member_links(r.calibration, secret=current_app.secret_key,
                                                            base_url=current_app.config["BASE_URL"])
                    for r in found if r.calibration.members and not r.calibration.closed_at}
    return report_pages.private(render_template("reports/calibrations.html", campaign=campaign, requests=found,
                                                member_links=member_links, action=ActionForm(), errors=errors,
                                                today=dt.date.today()), status)


@bp.post("/hr/calibrations/<int:calibration_id>/<any(decide, convene, conclude):step>")
@requires(*HEAD)
def calibration_step(calibration_id, step):
    found = db.get_or_404(Calibration, calibration_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    form = request.form
    try:
        if step == "decide":
            action = "calibration-decide"
            sessions.decide(db.session(), found, form.get("decision") == "granted", form.get("by", ""),
                                followup.day(form, "on", required=True), followup.calendar())
        elif step == "convene":
            action = "calibration-convene"
            sessions.convene(db.session(), found, form.get("members", "").splitlines(),
                             followup.day(form, "session_on", required=True),
                                 form.get("justification", ""))
        else:
            action = "calibration-conclude"
            sessions.conclude(db.session(), found, form.get("outcome", ""), form.get("text", ""),
                                  followup.day(form, "followup_on"))
    except CampaignError as exc:
        return _calibrations_view(found.assessment.campaign, [exc.translated(gettext)], 422)
    log_action(action, f"{found.assessment.campaign.name}: {found.assessment.assessee.employee_id}")
    flash(gettext("Recorded."))
    return redirect(url_for(".calibrations", campaign_id=found.assessment.campaign_id))


@bp.get("/hr/campaigns/<int:campaign_id>/plans.xlsx")
@requires(*HEAD)
@in_campaign("closed", _not_closed)
def plans_xlsx(campaign):
    language = str(get_locale())
    data = workbook.write(db.session(), campaign, instruments(), followup.topic_catalogue(), language, gettext)
    log_action("plans-export", campaign.name)
    return download(data, f"plans-{campaign.id}.xlsx", XLSX)


@bp.post("/hr/campaigns/<int:campaign_id>/reports/<any(mail, remind):step>")
@requires(*STAFF)
@in_campaign("closed", _not_closed)
def mail_assessees(campaign, step):
    """Publish and e-mail each assessee their link, or remind those who have not confirmed; the
    sending runs as a job."""
    if not ActionForm().validate_on_submit():
        abort(400)
    if step == "mail":
        publishing.publish(db.session(), campaign, followup.calendar(), secret=current_app.secret_key,
                           base_url=current_app.config["BASE_URL"], days=followup.link_days(), actor=g.user.email)
    background.start(notify.KINDS["report-published" if step == "mail" else "report-reminder"], campaign)
    flash(gettext("The e-mails are being sent in the background; this page shows how it went."))
    return redirect(url_for("reports.index", campaign_id=campaign.id))


@bp.get("/hr/campaigns/<int:campaign_id>/reports/sheets")
@requires(*STAFF)
@in_campaign("closed", _not_closed)
def sheets(campaign):
    """One printable page per published assessee without an e-mail address: their link and its QR code."""
    rows = [r for r in release.link_rows(db.session(), campaign, secret=current_app.secret_key,
                                         base_url=current_app.config["BASE_URL"], days=followup.link_days())
            if not r.email.strip() or request.args.get("all") == "1"]
    log_action("report-sheets", f"{campaign.name}: {len(rows)}")
    return report_pages.private(render_template("reports/link_sheets.html", campaign=campaign, rows=rows,
                                                qr=paper.qr_svg))


@bp.post("/hr/campaigns/<int:campaign_id>/reports/<int:assessment_id>/plan")
@requires(*HEAD)
@in_campaign("closed", _not_closed)
def record_plan(campaign, assessment_id):
    """The HR head records the meeting and the plan where the manager cannot (para 37: HR organises
    the feedback)."""
    from survey.core.models import Assessment

    assessment = db.get_or_404(Assessment, assessment_id)
    if assessment.campaign_id != campaign.id or not ActionForm().validate_on_submit():
        abort(404 if assessment.campaign_id != campaign.id else 400)
    try:
        followup.record_plan(db.session(), assessment, request.form, f"hr-head {g.user.email}")
    except CampaignError as exc:
        flash(exc.translated(gettext), "error")
        return redirect(url_for("reports.page", campaign_id=campaign.id, assessment_id=assessment_id))
    log_action("plan-record", f"{campaign.name}: {assessment.assessee.employee_id}")
    flash(gettext("The development plan is recorded; the assessee confirms it on their page."))
    return redirect(url_for("reports.page", campaign_id=campaign.id, assessment_id=assessment_id))
