"""Who rates whom, before a campaign opens: the raters of every assessee (suggested from the
structure, uploaded from Excel, or chosen one by one on an assessee's page with a search over the
whole body by name), each checked against para 36 and the 3–7 rule as it is given."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired

from survey.campaigns import lifecycle as campaigns, people, rater_file, raters, scope
from survey.core import tables
from survey.core.models import RELATIONS, Assessment, Campaign, Rater
from survey.web.common import database as db, paging
from survey.web.common.downloads import CSV
from survey.web.staff import background
from survey.web.staff.auth import log_action, requires
from survey.web.staff.hr import RELATION_LABELS, STAFF, ActionForm, RuleReasonForm, UploadForm, _errors, _limits

bp = Blueprint("raters", __name__, url_prefix="/hr")
FOUND_AT_MOST = 25


class AddRaterForm(FlaskForm):
    employee_id = StringField(_l("Employee id of the rater"), validators=[DataRequired()])
    relation = SelectField(_l("Relation"), choices=[])


@bp.get("/campaigns/<int:campaign_id>/raters")
@requires(*STAFF)
def page(campaign_id, errors=None, status=200):
    campaign = db.get_or_404(Campaign, campaign_id)
    minimum, maximum = _limits()
    found = raters.counts(db.session(), campaign, paging.query())
    return render_template("hr/raters.html", campaign=campaign, assessments=paging.page_of(found), q=paging.query(),
                           minimum=minimum, maximum=maximum, action=ActionForm(), upload=UploadForm(),
                           errors=errors), status


@bp.post("/campaigns/<int:campaign_id>/raters/suggest")
@requires(*STAFF)
def suggest(campaign_id):
    campaign = db.get_or_404(Campaign, campaign_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return _changed(campaign, lambda: raters.apply_suggestion(db.session(), campaign, _limits()[1]), "raters-suggest",
                    lambda n: f"{campaign.name}: {n} raters",
                    lambda n: ngettext("%(num)d rater suggested from the structure.",
                                       "%(num)d raters suggested from the structure.", n))


@bp.post("/campaigns/<int:campaign_id>/raters/import")
@requires(*STAFF)
def upload(campaign_id):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = UploadForm()
    if not form.validate_on_submit():
        return page(campaign_id, errors=[gettext("Choose a file to upload.")], status=422)
    file = form.file.data
    return _changed(campaign, lambda: raters.import_raters(db.session(), campaign, file.filename, name=file.filename,
                                                           data=file.read()), "raters-import",
                    lambda n: f"{campaign.name}: {file.filename}, {n} raters",
                    lambda n: ngettext("%(num)d rater taken from the file.", "%(num)d raters taken from the file.", n))


def _changed(campaign, change, action: str, detail, notice):
    """Raters changed in bulk: the page again with the reasons when refused (nothing stored), or the
    audit entry and a notice of how many when done."""
    try:
        n = change()
    except (campaigns.CampaignError, raters.RaterErrors) as exc:
        return page(campaign.id, errors=_errors(exc), status=422)
    log_action(action, detail(n))
    flash(notice(n))
    return redirect(url_for(".page", campaign_id=campaign.id))


@bp.get("/campaigns/<int:campaign_id>/raters.csv")
@requires(*STAFF)
def as_csv(campaign_id):
    """Who rates whom (or, before anyone is chosen, the suggestion) in the reader's Excel's
    columns; a large body's is prepared by a job for the raters as they are now, while this page
    waits (``campaigns.rater_file``)."""
    campaign = db.get_or_404(Campaign, campaign_id)
    separator = tables.separator(str(get_locale()))
    return background.prepared_file(
        rater_file.RATERS, campaign, rater_file.params(db.session(), campaign, separator),
        small=lambda: scope.made_in_request(db.session(), campaign, current_app.config["RESULTS_IN_REQUEST"]),
        write=lambda out: rater_file.write(out, db.session(), campaign, separator=separator, maximum=_limits()[1]),
        name=f"raters-{campaign.id}.csv", mimetype=CSV, action="raters-export",
        title=gettext("Download raters (CSV) to edit in Excel"), back=url_for(".page", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/assessments/<int:assessment_id>", methods=["GET", "POST"])
@requires(*STAFF)
def assessment(campaign_id, assessment_id):
    campaign = db.get_or_404(Campaign, campaign_id)
    chosen = db.session().get(Assessment, assessment_id)
    if chosen is None or chosen.campaign_id != campaign.id:
        abort(404)
    form = AddRaterForm()
    form.relation.choices = [(r, RELATION_LABELS[r]) for r in RELATIONS]
    errors, status = None, 200
    minimum, maximum = _limits()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                rater = raters.add_by_employee_id(db.session(), campaign, chosen, form.employee_id.data,
                                                  form.relation.data, maximum=maximum)
            except campaigns.CampaignError as exc:
                errors, status = _errors(exc), 422
            else:
                log_action("rater-add", f"{campaign.name}: {chosen.assessee.employee_id} <- {rater.rater.employee_id}")
                flash(gettext("%(name)s is added as a rater.", name=rater.rater.full_name))
                return redirect(request.path)
        else:
            errors, status = [gettext("Give the rater's employee id and relation.")], 422
    who = request.args.get("who", "").strip()
    found = raters.candidates(db.session(), campaign, chosen, who, limit=FOUND_AT_MOST) if who else None
    colleagues = people.in_unit(db.session(), chosen.unit) if campaign.status == "draft" else []
    return render_template("hr/assessment.html", campaign=campaign, assessment=chosen, form=form,
                           action=ActionForm(), errors=errors, minimum=minimum, maximum=maximum, who=who,
                           found=found, found_at_most=FOUND_AT_MOST, colleagues=colleagues,
                           rule_reason=RuleReasonForm(reason=chosen.rater_rule_reason)), status


@bp.post("/campaigns/<int:campaign_id>/raters/<int:rater_id>/remove")
@requires(*STAFF)
def remove(campaign_id, rater_id):
    campaign = db.get_or_404(Campaign, campaign_id)
    rater = db.session().get(Rater, rater_id)
    if rater is None or not ActionForm().validate_on_submit():
        abort(404 if rater is None else 400)
    assessment_id = rater.assessment_id
    detail = f"{campaign.name}: {rater.assessment.assessee.employee_id} <- {rater.rater.employee_id}"
    try:
        raters.remove(db.session(), campaign, rater)
    except campaigns.CampaignError as exc:
        return page(campaign_id, errors=_errors(exc), status=422)
    log_action("rater-remove", detail)
    flash(gettext("The rater is removed."))
    return redirect(url_for(".assessment", campaign_id=campaign_id, assessment_id=assessment_id))
