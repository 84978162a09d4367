"""Who a draft campaign assesses and whether it may open: the schedule's approval (para 11), people
left out or taken in by hand (paras 6-7), HR's reasons for raters that depart from para 36, the
deletion of a draft; and each person's time in post and status on the roster."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from survey.campaigns import exclusions, people, raters
from survey.campaigns import lifecycle as campaigns
from survey.core.models import PERSON_STATUSES, Assessment, Campaign, Person
from survey.web.common import database as db
from survey.web.staff.auth import log_action, requires
from survey.web.staff.hr import (STAFF, ActionForm, ApproveForm, PersonReasonForm, RuleReasonForm,
                                 _campaign_with_errors, _errors, _in_words)

bp = Blueprint("scope", __name__, url_prefix="/hr")

PERSON_STATUS_LABELS = {"active": _l("At work"), "leave": _l("On leave"), "sick": _l("On sick leave"),
                        "trip": _l("On a business trip"), "training": _l("In training or an internship"),
                        "dismissed": _l("Has left")}
SCOPE_LABELS = {"without": _l("Assessed without their participation (order No. 260, paras 6-7)"),
                "short-tenure": _l("Not assessed: less than three months in post in the period (para 6)"),
                "by-hand": _l("Not assessed, by HR's decision"), "included": _l("Assessed by HR's decision")}


class StandingForm(FlaskForm):
    category = StringField(_l("Category (e.g. C-4)"), validators=[Optional(), Length(max=16)])
    in_post_since = DateField(_l("In the current post since"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=[])
    status_since = DateField(_l("Since"), validators=[Optional()])
    status_until = DateField(_l("Until (for an absence)"), validators=[Optional()])


@bp.app_context_processor
def _labels():
    return {"person_status_labels": PERSON_STATUS_LABELS, "scope_labels": SCOPE_LABELS}


@bp.post("/campaigns/<int:campaign_id>/approve")
@requires(*STAFF)
def approve(campaign_id):
    campaign, form = db.get_or_404(Campaign, campaign_id), ApproveForm()
    if not form.validate_on_submit():
        return _campaign_with_errors(campaign, [gettext("Say who approved the schedule and on which date.")])
    try:
        campaigns.approve(db.session(), campaign, form.by.data, form.on.data)
    except campaigns.CampaignError as exc:
        return _campaign_with_errors(campaign, _errors(exc))
    log_action("campaign-approve", f"{campaign.name}: {form.by.data.strip()}, {form.on.data}")
    flash(gettext("The schedule is recorded as approved by %(by)s on %(date)s.", by=form.by.data.strip(),
                  date=format_date(form.on.data, "medium")))
    return redirect(url_for("hr.campaign_page", campaign_id=campaign_id))


@bp.post("/campaigns/<int:campaign_id>/<any(exclude, include):change>")
@requires(*STAFF)
def change_scope(campaign_id, change):
    campaign, form = db.get_or_404(Campaign, campaign_id), PersonReasonForm()
    if not form.validate_on_submit():
        return _campaign_with_errors(campaign, [gettext("Give the employee id and the reason.")])
    operation = exclusions.exclude if change == "exclude" else exclusions.include
    try:
        operation(db.session(), campaign, form.employee_id.data, form.reason.data)
    except campaigns.CampaignError as exc:
        return _campaign_with_errors(campaign, _errors(exc))
    log_action("campaign-exclude" if change == "exclude" else "campaign-include",
               f"{campaign.name}: {form.employee_id.data.strip()}: {form.reason.data.strip()}")
    flash(gettext("%(id)s is no longer assessed in this campaign.", id=form.employee_id.data.strip())
          if change == "exclude" else gettext("%(id)s is assessed in this campaign.", id=form.employee_id.data.strip()))
    return redirect(url_for("hr.campaign_page", campaign_id=campaign_id))


@bp.route("/campaigns/<int:campaign_id>/delete", methods=["GET", "POST"])
@requires(*STAFF)
def delete(campaign_id):
    """A draft only; a page first says what goes with it."""
    campaign, form = db.get_or_404(Campaign, campaign_id), ActionForm()
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("hr/delete.html", campaign=campaign, action=form,
                               assessees=len(campaign.assessments))
    name = campaign.name
    try:
        campaigns.delete(db.session(), campaign)
    except campaigns.CampaignError as exc:
        return _campaign_with_errors(campaign, _errors(exc))
    log_action("campaign-delete", name)
    flash(gettext("The draft campaign “%(name)s” is deleted.", name=name))
    return redirect(url_for("hr.home"))


@bp.post("/campaigns/<int:campaign_id>/assessments/<int:assessment_id>/reason")
@requires(*STAFF)
def rule_reason(campaign_id, assessment_id):
    campaign, form = db.get_or_404(Campaign, campaign_id), RuleReasonForm()
    assessment = db.get_or_404(Assessment, assessment_id)
    if not form.validate_on_submit():
        abort(400)
    try:
        raters.record_rule_reason(db.session(), campaign, assessment, form.reason.data or "")
    except campaigns.CampaignError as exc:
        return _campaign_with_errors(campaign, _errors(exc))
    log_action("rater-rule-reason", f"{campaign.name}: {assessment.assessee.employee_id}: {assessment.rater_rule_reason}")
    flash(gettext("The reason is recorded.") if assessment.rater_rule_reason else gettext("The reason is withdrawn."))
    return redirect(url_for("raters.assessment", campaign_id=campaign_id, assessment_id=assessment_id))


@bp.route("/people/<int:person_id>", methods=["GET", "POST"])
@requires(*STAFF)
def person(person_id):
    """Time in post, status and category of one person, audited; campaigns already made keep their copy."""
    found = db.get_or_404(Person, person_id)
    form = StandingForm(obj=found) if request.method == "GET" else StandingForm()
    form.status.choices = [(s, PERSON_STATUS_LABELS[s]) for s in PERSON_STATUSES]
    errors, status = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            values = {name: (form[name].data.isoformat() if form[name].data else "")
                      for name in ("in_post_since", "status_since", "status_until")}
            values.update(category=form.category.data or "", status=form.status.data)
            try:
                people.change_standing(db.session(), found, values)
            except people.StandingErrors as exc:
                errors, status = [e.translated(_in_words) for e in exc.errors], 422
            else:
                log_action("person-standing", f"{found.employee_id}: {found.status}"
                           + (f" {found.status_since}" if found.status_since else "")
                           + (f"..{found.status_until}" if found.status_until else ""))
                flash(gettext("The record of %(name)s is saved.", name=found.full_name))
                return redirect(url_for("hr.people_page", q=found.employee_id))
        else:
            errors, status = [gettext("Check the dates: day, month and year.")], 422
    return render_template("hr/person.html", person=found, form=form, errors=errors), status
