"""Printable link sheets with QR codes, and the paper fallback (order No. 260, para 34).

What is handed to a rater (a link sheet, a blank questionnaire) is rendered in the rater's own
language; the rest of the page stays in the language of the HR officer. A completed paper is
entered by HR and stored by ``respond.submit``, exactly as a web answer: the audit entry names the
campaign and the assessee, never the rater, and nothing of the answers.

Which questionnaire a page is about travels in the body of a POST, never in a URL: an address
with an invitation number or a rater's id would put a person and a moment into the access log of
any proxy between HR and the server.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import force_locale
from markupsafe import Markup

from survey.web.common import database as db, paging
from survey.campaigns import lifecycle as campaigns, paper, respond, tokens
from survey.campaigns.lifecycle import CampaignError
from survey.core.models import SELF
from survey.web.common import instruments
from survey.web.staff.lookup import in_campaign
from survey.web.staff.auth import log_action, requires
from survey.web.common.downloads import no_store
from survey.web.staff.hr import ActionForm

bp = Blueprint("paper", __name__, url_prefix="/hr")
STAFF = ("hr", "hr-head")
SHEETS_AT_ONCE = 300  # more raters than this are printed a unit at a time: one page must stay a page


def _not_open(campaign):
    return render_template("paper/not_open.html", campaign=campaign), 409


def _language(person) -> str:
    languages = current_app.config["LANGUAGES"]
    return person.language if person.language in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def _in_language(language: str, template: str, **context) -> Markup:
    """A block of the page rendered in another language (the rater's), as safe HTML."""
    with force_locale(language):
        return Markup(render_template(template, lang=language, **context))


def _chosen(campaign, field: str = "invitation"):
    """The invitation a POST names (by the number printed on its paper), after its CSRF check."""
    if not ActionForm().validate_on_submit():
        abort(400)
    number = request.form.get(field, "").strip()
    invitation = paper.invitation_in(db.session(), campaign, int(number)) if number.isdigit() else None
    if invitation is None:
        abort(404)
    return invitation


@bp.route("/campaigns/<int:campaign_id>/sheets", methods=["GET", "POST"])
@requires(*STAFF)
@in_campaign("open", _not_open)
def sheets(campaign):
    """Every rater's sheet, or a unit's (a large body is printed a unit at a time); one rater's when
    a POST names them."""
    only = None
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        only = request.form.get("rater", "").strip() or None
    unit = request.args.get("unit")
    if only is None and unit is None:
        units = campaigns.rater_units(db.session(), campaign)
        if sum(n for _u, n in units) > SHEETS_AT_ONCE:
            return no_store(render_template("paper/sheet_units.html", campaign=campaign, units=units))
    base, secret = current_app.config["BASE_URL"], current_app.secret_key
    try:
        found = paper.sheets(db.session(), campaign, lambda key: tokens.url(base, secret, key), only, unit=unit)
    except paper.UnknownRater:
        abort(404)
    except CampaignError:  # closed between the check and now
        abort(404)
    blocks = [(sheet, _in_language(_language(sheet.rater), "paper/_sheet.html", campaign=campaign, sheet=sheet))
              for sheet in found]
    log_action("sheets-print", f"{campaign.name}: {len(blocks)} sheet(s)" + (f", {only}" if only else "")
               + (f", {unit}" if unit else ""))
    # The page holds working links: no copy in a browser or proxy cache.
    return no_store(render_template("paper/sheets.html", campaign=campaign, blocks=blocks, only=only))


@bp.get("/campaigns/<int:campaign_id>/paper")
@requires(*STAFF)
@in_campaign("open", _not_open)
def index(campaign):
    query = request.args.get("q", "").strip()
    return render_template("paper/index.html", campaign=campaign, invitations=paging.page_of(paper.invitations(db.session(), campaign, query)),
                           q=query, entered=request.args.get("entered") == "1", action=ActionForm())


def _gone(campaign, invitation):
    return render_template("paper/gone.html", campaign=campaign, invitation=invitation), 410


@bp.post("/campaigns/<int:campaign_id>/paper/blank")
@requires(*STAFF)
@in_campaign("open", _not_open)
def blank(campaign):
    """Printable whether answered or not: refusing an answered one would tell HR it was answered."""
    invitation = _chosen(campaign)
    instrument = instruments()[invitation.assessment.instrument]
    block = _in_language(_language(invitation.rater), "paper/_blank.html", campaign=campaign,
                         invitation=invitation, assessee=invitation.assessment, instrument=instrument,
                         is_self=invitation.relation == SELF)
    return render_template("paper/blank.html", campaign=campaign, invitation=invitation, block=block,
                           action=ActionForm())


@bp.post("/campaigns/<int:campaign_id>/paper/enter")
@requires(*STAFF)
@in_campaign("open", _not_open)
def enter(campaign):
    """The grid for the paper whose number HR typed; with its answers, stored."""
    invitation = _chosen(campaign)
    if invitation.done:
        return _gone(campaign, invitation)
    instrument = instruments()[invitation.assessment.instrument]
    answers, missing, status = {}, (), 200
    if request.form.get("action") == "store":
        given = respond.read_answers(instrument, request.form)
        if not given.complete:
            answers, missing, status = given.given, given.missing, 422
        else:
            try:
                respond.submit(db.session(), invitation, given)
            except respond.Gone:  # another officer entered it a moment ago
                return _gone(campaign, invitation)
            assessee = invitation.assessment
            # The campaign and the assessee only: naming the rater (or the relation, or the
            # invitation) here would tie this moment to a person.
            log_action("paper-entry", f"{campaign.name}: {assessee.assessee.employee_id} {assessee.full_name}")
            return redirect(url_for(".index", campaign_id=campaign.id, entered=1))
    numbers = paper.question_numbers(instrument)
    return render_template(
        "paper/enter.html", campaign=campaign, invitation=invitation, assessee=invitation.assessment,
        instrument=instrument, is_self=invitation.relation == SELF, lang=_language(invitation.rater),
        answers=answers, missing=set(missing), missing_numbers=[(q, numbers[q]) for q in missing],
        form=ActionForm(),
    ), status
