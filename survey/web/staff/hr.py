"""HR's workspace: roster, campaigns, raters, progress, links. Views are thin: every rule is in
the domain modules, which the command line uses too."""
from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from survey.staff import audit
from survey.campaigns import closing, guidance, link_file
from survey.campaigns import lifecycle as campaigns, exclusions, opening, people, roster, scope
from survey.web.common import database as db
from survey.results import files
from survey.core import clock, tables
from survey.core.messages import DomainError
from survey.core.models import Campaign
from survey.quality.figures import group_label
from survey.web.common import i18n, instruments, paging
from survey.web.staff import background
from survey.web.staff.auth import log_action, requires
from survey.web.common.downloads import CSV, XLSX, download, file_download

bp = Blueprint("hr", __name__, url_prefix="/hr")
STAFF = ("hr", "hr-head")


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class UploadForm(FlaskForm):
    file = FileField(_l("File (.csv or .xlsx)"), validators=[FileRequired()])


class CampaignForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    closes = DateField(_l("Last day of answering"), validators=[DataRequired()])
    period = IntegerField(_l("Reporting year assessed"), validators=[Optional(), NumberRange(2000, 2100)])
    units = SelectMultipleField(_l("Units (none chosen: the whole body)"), choices=[], validate_choice=False)
    repeat_reason = TextAreaField(_l("If people are already assessed for this year in another campaign: why again "
                                     "(order No. 260, para 34)"), validators=[Length(max=1000)])


class ApproveForm(FlaskForm):
    by = StringField(_l("Approved by (the official who appoints and dismisses)"),
                     validators=[DataRequired(), Length(max=200)])
    on = DateField(_l("Date of approval"), validators=[DataRequired()])


class RuleReasonForm(FlaskForm):
    reason = TextAreaField(_l("Why the raters depart from para 36 (e.g. the manager's post is vacant)"),
                           validators=[Length(max=1000)])


class PersonReasonForm(FlaskForm):
    employee_id = StringField(_l("Employee id"), validators=[DataRequired(), Length(max=64)])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])


class ExtendForm(FlaskForm):
    closes = DateField(_l("New last day of answering"), validators=[DataRequired()])


RELATION_LABELS = {"manager": _l("Direct manager"), "subordinate": _l("Subordinate"), "peer": _l("Peer"),
                   "self": _l("Self-assessment")}
STATUS_LABELS = {"draft": _l("Being prepared"), "open": _l("Open for answers"),
                 "closing": _l("Closed; the answers are being tallied"), "closed": _l("Closed")}

STATUS_CLASSES = {"draft": "", "open": "info", "closing": "warn", "closed": "ok"}  # the badge of each status


@bp.app_context_processor
def _labels():
    return {"relation_labels": RELATION_LABELS, "status_labels": STATUS_LABELS, "status_classes": STATUS_CLASSES,
            "view_endpoints": current_app.view_functions}


def _errors(exc: DomainError) -> list[str]:
    errors = getattr(exc, "errors", None)
    if errors:
        return [e.translated(_in_words) for e in errors]
    return [exc.translated(_in_words)] + _translated(getattr(exc, "details", []))


def _translated(items) -> list[str]:
    return [i.translated(_in_words) if isinstance(i, DomainError) else str(i) for i in items]


def _in_words(message: str, **params) -> str:
    """A domain message in the reader's language, a campaign's status named as the pages name it."""
    return i18n.in_words(message, **{k: str(STATUS_LABELS[v]) if k in ("status", "needed") and v in STATUS_LABELS else v
                                     for k, v in params.items()})


@bp.get("/")
@requires(*STAFF)
def home():
    return _home(_campaign_form(), done=request.args.get("done"))


def _campaign_form() -> CampaignForm:
    form = CampaignForm()
    form.units.choices = [(u, u) for u in scope.units(db.session()) if u]
    return form


def _home(form: CampaignForm, *, status: int = 200, **shown):
    """The campaigns and the form for a new one. Before the first campaign the page says the next
    step, which depends on whether the roster is in yet (units: none while nobody is on it)."""
    return render_template("hr/home.html", progress=campaigns.progress(db.session()), today=_today(), form=form,
                           roster_loaded=bool(scope.units(db.session())), **shown), status


@bp.post("/campaigns")
@requires(*STAFF)
def create_campaign():
    form = _campaign_form()
    if not form.validate_on_submit():
        return _home(form, status=422)
    try:
        campaign = campaigns.create(db.session(), form.name.data.strip(), form.closes.data, instruments(),
                                    period=form.period.data, units=form.units.data or None,
                                    repeat_reason=form.repeat_reason.data or "")
    except campaigns.CampaignError as exc:
        return _home(form, status=422, errors=_errors(exc))
    log_action("campaign-create", f"{campaign.name}: {campaign.period}")
    flash(gettext("Campaign “%(name)s” is created for %(period)d. Check who is assessed, then choose who rates whom.",
                  name=campaign.name, period=campaign.period))
    return redirect(url_for(".campaign_page", campaign_id=campaign.id))


@bp.get("/people")
@requires(*STAFF)
def people_page():
    query = request.args.get("q", "").strip()
    return render_template("hr/people.html", people=paging.page_of(people.search(db.session(), query)), q=query,
                           form=UploadForm(),
                           imported=request.args.get("imported"))


@bp.post("/people")
@requires(*STAFF)
def import_people():
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("hr/people.html", people=paging.page_of([]), q="", form=form), 422
    upload = form.file.data
    try:
        summary = people.import_roster(db.session(), upload.filename, name=upload.filename, data=upload.read(),
                                       whole_body=request.form.get("whole_body") == "1")
    except roster.RosterErrors as exc:
        return render_template("hr/people.html", people=paging.page_of([]), q="", form=form, errors=_errors(exc),
                               filename=upload.filename), 422
    log_action("roster-import", f"{upload.filename}: {summary.added} added, {summary.updated} updated, {summary.left} left")
    return redirect(url_for(".people_page", imported=f"{summary.added}/{summary.updated}"))


@bp.get("/campaigns/<int:campaign_id>")
@requires(*STAFF)
def campaign_page(campaign_id):
    return _campaign_view(db.get_or_404(Campaign, campaign_id), only_missing=request.args.get("missing") == "1")


def _campaign_view(campaign, *, only_missing=False, errors=None, status=200):
    """The campaign page: where it stands, the next step, progress, and before opening who breaks
    the 3-7 rule."""
    items = campaigns.assessee_progress(db.session(), campaign)
    q = paging.query().casefold()
    shown = [i for i in items if (i.missing or not only_missing)
             and (not q or q in i.full_name.casefold() or q in i.unit.casefold())]
    draft = _draft_context(campaign) if campaign.status == "draft" else {}
    done, total, today = sum(i.done for i in items), sum(i.total for i in items), _today()
    step = guidance.next_step(campaign.status, today=today, closes_on=campaign.closes_on,
                              approved=campaign.approved_on is not None, short_of_raters=len(draft.get("problems", [])),
                              rule_breaks=len(draft.get("rule_problems", [])), done=done, total=total)
    return render_template(
        "hr/campaign.html", campaign=campaign, items=paging.page_of(shown), q=paging.query(), step=step,
        today=today, units=campaigns.unit_progress(items), done=done, total=total, assessees=len(items),
        only_missing=only_missing, action=ActionForm(), extend=ExtendForm(closes=campaign.closes_on), errors=errors,
        scope_lines=exclusions.listing(db.session(), campaign), **draft,
    ), status


def _draft_context(campaign) -> dict:
    """What the page shows before opening, judged as opening itself will judge it."""
    ready = opening.readiness(db.session(), campaign, *_limits())
    warning = campaigns.late_warning(campaign)
    return dict(withheld=ready.withheld, problems=_linked(ready.counts), rule_problems=_linked(ready.rules),
                approve=ApproveForm(), person_reason=PersonReasonForm(),
                late=warning.translated(gettext) if warning else None)


def _linked(problems) -> list[tuple[int | None, str]]:
    """Each problem in words with the assessment whose page fixes it."""
    return [(p.params.get("assessment"), p.translated(_in_words)) for p in problems]


def _today():
    return clock.today(current_app.config["TIMEZONE"])


def _limits():
    return current_app.config["MIN_RATERS"], current_app.config["MAX_RATERS"]


def _campaign_action(campaign_id, operation, action_name):
    campaign = db.get_or_404(Campaign, campaign_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        operation(campaign)
    except campaigns.CampaignError as exc:
        # A draft's page lists, with links, each assessee that keeps it from opening: said once.
        return _campaign_with_errors(campaign, [exc.translated(_in_words)] if campaign.status == "draft"
                                     else _errors(exc))
    log_action(action_name, campaign.name)
    return None


def _campaign_with_errors(campaign, errors):
    return _campaign_view(campaign, errors=errors, status=422)


@bp.get("/campaigns/<int:campaign_id>/<any(open, close):step>")
@requires(*STAFF)
def confirm_step(campaign_id, step):
    """Opening and closing cannot be undone: a page says what will happen before the button does it."""
    campaign = db.get_or_404(Campaign, campaign_id)
    if campaign.status != {"open": "draft", "close": "open"}[step]:
        return redirect(url_for(".campaign_page", campaign_id=campaign_id))
    items = campaigns.assessee_progress(db.session(), campaign)
    return render_template("hr/confirm.html", campaign=campaign, step=step, action=ActionForm(),
                           assessees=len(items), done=sum(i.done for i in items), total=sum(i.total for i in items))


@bp.post("/campaigns/<int:campaign_id>/open")
@requires(*STAFF)
def open_campaign(campaign_id):
    minimum, maximum = _limits()
    failed = _campaign_action(campaign_id, lambda c: campaigns.open_(db.session(), c, minimum=minimum, maximum=maximum),
                              "campaign-open")
    if not failed:
        flash(gettext("The campaign is open: every rater's link works now."))
    return failed or redirect(url_for(".campaign_page", campaign_id=campaign_id))


@bp.post("/campaigns/<int:campaign_id>/close")
@requires(*STAFF)
def close_campaign(campaign_id):
    failed = _campaign_action(campaign_id, lambda c: campaigns.begin_close(db.session(), c), "campaign-close")
    if failed:
        return failed
    background.start(closing.KIND, db.get_or_404(Campaign, campaign_id))  # the totals, then the compaction
    flash(gettext("Answering is closed: the links no longer work. The results can be read as soon as the answers "
                  "are tallied, which this page shows."))
    return redirect(url_for(".campaign_page", campaign_id=campaign_id))


@bp.post("/campaigns/<int:campaign_id>/extend")
@requires(*STAFF)
def extend_campaign(campaign_id):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = ExtendForm()
    if not form.validate_on_submit():
        return _campaign_with_errors(campaign, [gettext("Give the new last day of answering.")])
    try:
        campaigns.extend(db.session(), campaign, form.closes.data)
    except campaigns.CampaignError as exc:
        return _campaign_with_errors(campaign, _errors(exc))
    log_action("campaign-extend", f"{campaign.name}: {form.closes.data}")
    flash(gettext("The last day of answering is now %(date)s.", date=format_date(form.closes.data, "medium")))
    return redirect(url_for(".campaign_page", campaign_id=campaign_id))


@bp.get("/campaigns/<int:campaign_id>/links.csv")
@requires(*STAFF)
def links_csv(campaign_id):
    """Every rater's link, in a CSV the reader's Excel opens in columns; a large body's is prepared
    by a job while this page waits (``campaigns.link_file``)."""
    campaign = db.get_or_404(Campaign, campaign_id)
    if campaign.status not in ("open", "closed"):
        abort(404)
    separator = tables.separator(str(get_locale()))
    return background.prepared_file(
        link_file.LINKS, campaign, {"separator": separator},
        small=lambda: scope.made_in_request(db.session(), campaign, current_app.config["RESULTS_IN_REQUEST"]),
        write=lambda out: link_file.write(out, db.session(), campaign, current_app.config, separator=separator),
        name=f"links-{campaign.id}.csv", mimetype=CSV, action="links-export", title=gettext("Download links (CSV)"),
        back=url_for(".campaign_page", campaign_id=campaign.id))


@bp.get("/campaigns/<int:campaign_id>/results.<any(xlsx, csv):kind>")
@requires(*STAFF)
def results_file(campaign_id, kind):
    """The workbook for HR to read, in the HR officer's language; the CSV for other systems, with
    English column codes and decimal points whoever downloads it. A large campaign's file is
    prepared by a job while this page waits for it (``results.files``)."""
    campaign = db.get_or_404(Campaign, campaign_id)
    try:
        files.require_closed(campaign)
    except campaigns.CampaignError as exc:
        return _campaign_with_errors(campaign, _errors(exc))
    product = files.CSV if kind == "csv" else files.WORKBOOKS[str(get_locale())]
    name, mimetype = f"results-{campaign.id}.{kind}", XLSX if kind == "xlsx" else CSV
    ready = product.ready(db.session(), current_app.config, campaign)
    if ready is not None:
        log_action("results-export", campaign.name)
        return file_download(ready, name, mimetype)
    if scope.made_in_request(db.session(), campaign, current_app.config["RESULTS_IN_REQUEST"]):
        out = io.BytesIO()
        if kind == "csv":
            files.write_csv(out, db.session(), campaign, current_app.config, instruments())
        else:
            files.write_workbook(out, db.session(), campaign, current_app.config, str(get_locale()), instruments())
        log_action("results-export", campaign.name)
        return download(out.getvalue(), name, mimetype)
    return background.prepare(product.kind, campaign, title=gettext("Results for other systems (CSV)") if kind == "csv"
                              else gettext("Download results (Excel)"),
                              back=url_for(".campaign_page", campaign_id=campaign.id))


@bp.get("/audit")
@requires(*STAFF)
def audit_page():
    language = str(get_locale())
    names = {code: group_label(found, gettext, language) for code, found in instruments().items()}
    return render_template("hr/audit.html", entries=audit.recent(db.session()), action_labels=audit.ACTIONS,
                           described=lambda entry: audit.described(entry.detail, gettext, action=entry.action,
                                                                   day=i18n.local_date, questionnaire=names.get),
                           unknown=audit.UNKNOWN)

