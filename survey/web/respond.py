"""The respondent's pages: public, reached only through a signed link, no login, no tracking.

A GET writes nothing. Nothing here logs the token. The language starts as the rater's own (from
the roster) and the switch on the page changes it for that view only.

These pages set no cookie and carry no CSRF token. The signed link is the credential: a form on
another site cannot post to a link it does not know, so a token would protect nothing, and a
session cookie would be one more thing in a rater's browser that ties their questionnaires together.
"""
from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from markupsafe import Markup

from .. import db, respond
from ..models import SELF
from . import instruments, limits
from .limits import limiter

bp = Blueprint("respond", __name__)


@bp.errorhandler(respond.NotFound)
def _not_found(_error):
    return render_template("respond/not_found.html"), 404


@bp.errorhandler(respond.Gone)
def _gone(error):
    g.language = error.language
    return render_template("respond/gone.html", reason=error.reason), 410


def _open(token: str):
    invitation = respond.open_invitation(db.session(), current_app.secret_key, token)
    g.language = invitation.rater_language
    return invitation


def _questions(instrument, is_self: bool, answers, missing) -> Markup:
    context = {"instrument": instrument, "is_self": is_self, "answers": answers, "missing": set(missing),
               "lang": str(get_locale())}
    if answers or missing:
        return Markup(render_template("respond/_questions.html", **context))
    cache = current_app.extensions.setdefault("survey.questions", {})
    key = (instrument.id, context["lang"], is_self)
    if key not in cache:
        cache[key] = Markup(render_template("respond/_questions.html", **context))
    return cache[key]


def _page(invitation, answers, *, status=200, missing=(), message=None, token):
    instrument = instruments()[invitation.instrument]
    is_self = invitation.relation == SELF
    return render_template(
        "respond/form.html",
        invitation=invitation,
        assessee=invitation.assessee,
        instrument=instrument,
        is_self=is_self,
        questions=_questions(instrument, is_self, answers, missing),
        missing=set(missing),
        missing_order=list(missing),
        message=message,
        token=token,
    ), status


@bp.get("/r/<token>")
@limiter.limit(limits.respondent)
def form(token):
    invitation = _open(token)
    saved = request.args.get("saved") == "1"
    return _page(invitation, respond.draft(current_app.secret_key, invitation), token=token,
                 message="saved" if saved else None)


@bp.post("/r/<token>")
@limiter.limit(limits.respondent)
def post(token):
    invitation = _open(token)
    instrument = instruments()[invitation.instrument]
    answers = respond.read_answers(instrument, request.form)
    action = request.form.get("action") or ""
    lang = request.args.get("lang")
    if action.startswith("lang-") and action[5:] in current_app.config["LANGUAGES"]:
        # The language switch: keep what was chosen so far as a draft, then show the new language.
        if answers.given:
            respond.save_draft(db.session(), current_app.secret_key, invitation, answers)
        return redirect(url_for(".form", token=token, lang=action[5:]))
    if action == "save":
        respond.save_draft(db.session(), current_app.secret_key, invitation, answers)
        return redirect(url_for(".form", token=token, saved=1, lang=lang))
    if action != "submit":
        return _page(invitation, answers.given, status=400, message="unknown-action", token=token)
    if not answers.complete:
        return _page(invitation, answers.given, status=422, missing=answers.missing, token=token)
    respond.submit(db.session(), invitation, answers)
    return redirect(url_for(".thanks", lang=lang or invitation.rater_language))


@bp.get("/thanks")
def thanks():
    return render_template("respond/thanks.html")
