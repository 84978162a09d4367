"""The respondent's pages: public, reached only through a signed link, no login, no tracking.

A GET writes nothing. Nothing here logs the token. The language starts as the rater's own (from
the roster) and the switch on the page changes it for that view only.

These pages set no cookie and carry no CSRF token. The signed link is the credential: a form on
another site cannot post to a link it does not know, so a token would protect nothing, and a
session cookie would be one more thing in a rater's browser that ties their questionnaires together.
"""
from __future__ import annotations

import functools
import re

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from markupsafe import Markup

from survey.web.common import database as db
from survey.campaigns import respond, tokens
from survey.core.models import SELF
from survey.web.common import instruments, limits
from survey.web.public.limits import limiter

bp = Blueprint("respond", __name__)


@bp.errorhandler(respond.NotFound)
def _not_found(_error):
    return render_template("respond/not_found.html"), 404


@bp.errorhandler(respond.Gone)
def _gone(error):
    g.language = error.language
    return render_template("respond/gone.html", reason=error.reason), 410


def _signed(view):
    """A forged or mistyped link is refused before the request's body is read: checking the
    signature costs microseconds, parsing a form of a million fields takes seconds. It goes under
    the rate limit, which must count the refused guesses too. The view gets the key the signature
    vouches for, so the signature is checked once a request."""
    @functools.wraps(view)
    def checked(token):
        try:
            key = tokens.verify(current_app.secret_key, token)
        except tokens.InvalidToken:
            raise respond.NotFound() from None
        return view(token, key)

    return checked


def _open(connection, key: str, *, lock: bool = False):
    invitation = respond.open_invitation(connection, key, lock=lock)
    g.language = invitation.rater_language
    return invitation


_PLACE = "\x00"  # where a radio button's " checked" goes, in the body rendered to be filled in


def _render_questions(instrument, is_self: bool, answers, missing, lang: str, slot: str = "") -> str:
    return render_template("respond/_questions.html", instrument=instrument, is_self=is_self, answers=answers,
                           missing=set(missing), lang=lang, slot=slot)


def _questions(instrument, is_self: bool, answers, missing) -> Markup:
    """The questionnaire's body. It is the same for every rater of one questionnaire, language and
    kind but for the answers a draft marks, so it is rendered once with a mark at every radio
    button, and a draft's answers are filled in at their marks: rendering the 120-180 buttons
    again took half of the draft's page. Only the page that lists unanswered questions is rendered
    in full."""
    lang = str(get_locale())
    if missing:
        return Markup(_render_questions(instrument, is_self, answers, missing, lang))
    plain, pieces, places = _cached(("questions", instrument.id, lang, is_self),
                                    lambda: _split_questions(instrument, is_self, lang))
    if not answers:
        return plain
    parts = pieces.copy()
    for choice in answers.items():
        place = places.get(choice)
        if place is not None:
            parts[place] = " checked"
    return Markup("".join(parts))


def _split_questions(instrument, is_self: bool, lang: str) -> tuple[Markup, list[str], dict[tuple[str, int], int]]:
    """The body without answers; the same split at each button (text, place, text, ..., text, a
    place empty until an answer fills it); and the place of each (question, points)."""
    texts = _render_questions(instrument, is_self, {}, (), lang, slot=Markup(_PLACE)).split(_PLACE)
    choices = [(question.id, option.points) for competency in instrument.competencies
               for question in competency.questions for option in instrument.scale]
    if len(texts) != len(choices) + 1:
        raise RuntimeError("respond/_questions.html must mark each radio button once with {{ slot }}")
    pieces = [""] * (2 * len(texts) - 1)
    pieces[0::2] = texts
    return Markup("".join(texts)), pieces, {choice: 2 * n + 1 for n, choice in enumerate(choices)}


def _cached(key, make):
    """Parts of the respondent's page that are the same for every rater of one questionnaire in one
    language: the busiest page renders them once per process."""
    cache = current_app.extensions.setdefault("survey.respond", {})
    if key not in cache:
        cache[key] = make()
    return cache[key]


_SLOTS = ("assessee", "errors", "questions")


def _shell(instrument, is_self: bool, message) -> list[str]:
    """The page around its slots, split at them."""
    def make():
        html = render_template("respond/form.html", instrument=instrument, is_self=is_self, message=message,
                               **{slot: Markup(f"\x00{slot}\x00") for slot in _SLOTS})
        pieces = re.split("\x00(" + "|".join(_SLOTS) + ")\x00", html)  # text, slot, text, slot, ..., text
        if pieces[1::2] != list(_SLOTS):
            raise RuntimeError(f"respond/form.html must hold the slots {_SLOTS} once each, in that order")
        return pieces[0::2]
    return _cached(("page", instrument.id, str(get_locale()), is_self, message), make)


def _page(invitation, answers, *, status=200, missing=(), message=None):
    instrument = instruments()[invitation.instrument]
    is_self = invitation.relation == SELF
    before_assessee, before_errors, before_questions, rest = _shell(instrument, is_self, message)
    assessee = current_app.jinja_env.get_template("respond/_assessee.html").render(assessee=invitation.assessee)
    errors = render_template("respond/_errors.html", instrument=instrument, missing=missing,
                             missing_order=list(missing)) if missing else ""
    return "".join((before_assessee, assessee, before_errors, errors, before_questions,
                    _questions(instrument, is_self, answers, missing), rest)), status


@bp.get("/r/<token>")
@limiter.limit(limits.respondent)
@_signed
def form(_token, key):
    invitation = _open(db.reading(), key)  # a GET writes nothing (docs/anonymity.md)
    saved = request.args.get("saved") == "1"
    return _page(invitation, respond.draft(current_app.secret_key, invitation),
                 message="saved" if saved else None)


@bp.post("/r/<token>")
@limiter.limit(limits.respondent)
@_signed
def post(token, key):
    invitation = _open(db.session().connection(), key, lock=request.form.get("action") == "submit")
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
        return _page(invitation, answers.given, status=400, message="unknown-action")
    if not answers.complete:
        # The page refuses the submit (422) and keeps what was given as the draft, so that it is
        # there when the link is opened again, as the page says.
        if answers.given:
            respond.save_draft(db.session(), current_app.secret_key, invitation, answers)
            db.keep_despite_refusal()
        return _page(invitation, answers.given, status=422, missing=answers.missing)
    respond.submit(db.session(), invitation, answers)
    return redirect(url_for(".thanks", lang=lang or invitation.rater_language))


@bp.get("/thanks")
def thanks():
    return render_template("respond/thanks.html")
