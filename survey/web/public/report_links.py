"""The pages a personal link opens after the report (order No. 260, paras 12-13, 19-21, 43): the
assessee's own report, where they confirm they have read it, may disagree and confirm their
development plan; the direct manager's list of their direct reports, each report and its plan;
a calibration member's view of the report the session is about.

No login: the signed link is the key, checked before any form is read. A forged, altered or
revoked link is simply "not found". Opening a report is recorded (para 21); nothing a rater
answered is touched.
"""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from survey.campaigns.errors import CampaignError
from survey.core.followup import Calibration, DevelopmentPlan
from survey.core.models import Campaign
from survey.followup import calibration as calibrations
from survey.followup import plans, readers, release
from survey.reports import individual, links, model
from survey.web.common import database as db
from survey.web.common import followup, instruments, limits, report_pages
from survey.web.public.limits import limiter

bp = Blueprint("report_links", __name__)
bp.add_url_rule("/report/assets/report.css", "stylesheet", report_pages.stylesheet)


@bp.errorhandler(links.LinkInvalid)
def _not_found(_error):
    return report_pages.private(render_template("reports/link_not_found.html"), 404)


@bp.errorhandler(links.LinkExpired)
def _gone(_error):
    return report_pages.private(render_template("reports/link_gone.html", days=followup.link_days()), 410)


def _built(assessment) -> model.Report:
    found = model.build_reports(db.session(), assessment.campaign, instruments(),
                                threshold=current_app.config["ANONYMITY_THRESHOLD"], assessment_ids=[assessment.id])
    if not found:
        raise links.LinkInvalid()
    return found[0]


def _page(template: str, report: model.Report, actions, **extra):
    language = report_pages.language(report)
    png = individual.chart_png(report, language)
    return report_pages.private(render_template(
        template, **individual.context(report, language, chart_src=individual.data_uri(png), actions=actions), **extra))


def _release(token: str):
    return release.released(db.session(), current_app.secret_key, token, days=followup.link_days())


# --- the assessee -------------------------------------------------------------------------------

@bp.get("/report/<token>")
@limiter.limit(limits.respondent)
def own(token):
    found = _release(token)
    release.record_opening(db.session(), found.assessment_id, "assessee", found.assessment.full_name)
    return _own_page(token, found)


def _own_page(token, found, errors=(), status=200):
    report = _built(found.assessment)
    calendar = followup.calendar()
    plan = db.session().get(DevelopmentPlan, found.assessment_id)
    earlier = plans.previous(db.session(), found.assessment)
    response = _page("reports/own_report.html", report,
                     [(gettext("Download as PDF"), url_for(".own_pdf", token=token, lang=report_pages.language(report)))],
                     token=token, release=found, disagree_by=calibrations.disagree_by(found, calendar),
                     calibration=db.session().scalar(select(Calibration).where(
                         Calibration.assessment_id == found.assessment_id)),
                     plan=plan, previous=earlier, lines={line.competency_id: line for line in report.lines},
                     errors=list(errors), today=dt.date.today(), topic_titles=_topic_titles())
    response.status_code = status
    return response


@bp.get("/report/<token>/pdf")
@limiter.limit(limits.respondent)
def own_pdf(token):
    found = _release(token)
    report = _built(found.assessment)
    return report_pages.pdf_response(report, report_pages.language(report))


@bp.post("/report/<token>/<any(read, disagree, confirm):step>")
@limiter.limit(limits.respondent)
def own_step(token, step):
    found = _release(token)  # the link first, then the form
    try:
        if step == "read":
            release.acknowledge(db.session(), found)
        elif step == "disagree":
            calibrations.request(db.session(), found, request.form.get("text", ""), followup.calendar())
        else:
            plan = db.session().get(DevelopmentPlan, found.assessment_id)
            if plan is None:
                abort(404)
            plans.confirm(db.session(), plan)
    except CampaignError as exc:
        return _own_page(token, found, [exc.translated(gettext)], 422)
    return redirect(url_for(".own", token=token, lang=request.args.get("lang"), done=step))


# --- the assessor -------------------------------------------------------------------------------

def _assessor(token: str):
    return readers.assessor(db.session(), current_app.secret_key, token, days=followup.link_days())


@bp.get("/assessor/<token>")
@limiter.limit(limits.respondent)
def assessor_home(token):
    link = _assessor(token)
    reports = readers.direct_reports(db.session(), link)
    states = {f.assessment_id: f for f in release.familiarisation(db.session(), _campaign(link),
                                                                  assessment_ids=[a.id for a in reports])[:]}
    return report_pages.private(render_template("reports/assessor_home.html", link=link, token=token, reports=reports,
                                                states=states))


def _campaign(link) -> Campaign:
    return db.session().get(Campaign, link.campaign_id)


@bp.get("/assessor/<token>/<int:assessment_id>")
@limiter.limit(limits.respondent)
def assessor_report(token, assessment_id):
    link = _assessor(token)
    assessment = readers.report_of(db.session(), link, assessment_id)
    release.record_opening(db.session(), assessment.id, "manager", f"{link.person.employee_id} {link.person.full_name}")
    return _assessor_page(token, link, assessment)


def _assessor_page(token, link, assessment, errors=(), status=200, form=None):
    report = _built(assessment)
    response = _page("reports/assessor_report.html", report,
                     [(gettext("All my direct reports"), url_for(".assessor_home", token=token))],
                     token=token, errors=list(errors), **followup.plan_context(db.session(), report, assessment, form))
    response.status_code = status
    return response


@bp.post("/assessor/<token>/<int:assessment_id>/plan")
@limiter.limit(limits.respondent)
def assessor_plan(token, assessment_id):
    link = _assessor(token)  # the link first, then the form
    assessment = readers.report_of(db.session(), link, assessment_id)
    try:
        followup.record_plan(db.session(), assessment, request.form, f"manager {link.person.employee_id}")
    except CampaignError as exc:
        return _assessor_page(token, link, assessment, [exc.translated(gettext)], 422, form=request.form)
    return redirect(url_for(".assessor_report", token=token, assessment_id=assessment_id, done="plan"))


def _topic_titles() -> dict:
    catalogue = followup.topic_catalogue()
    return {t.id: t.title for t in catalogue.topics} if catalogue else {}


# --- a calibration member -------------------------------------------------------------------------

@bp.get("/calibration/<token>")
@limiter.limit(limits.respondent)
def member(token):
    found = readers.member(db.session(), current_app.secret_key, token, days=followup.link_days())
    calibration = db.session().get(Calibration, found.calibration_id)
    release.record_opening(db.session(), calibration.assessment_id, "calibration", found.name)
    return _page("reports/member_report.html", _built(calibration.assessment), [], calibration=calibration)
