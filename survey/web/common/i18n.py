"""Languages: Kazakh and Russian are first-class, English for everyone else (kk is the default).

The language is chosen, in order, by a ``lang`` query argument (the switch on every page), by what
the staff member chose before (kept in their session), by the page itself (a respondent's link
carries the rater's roster language) and, on a staff page, by the browser. The public application
keeps nothing: its pages set no cookie, so the choice holds for that view only.

A public page that does not know its reader (a forged or mistyped link, an expired report link, the
thank-you page opened without its ``lang``) speaks Kazakh, the state language and the platform's
default, not the browser's: respondents open their links on office computers set up in Russian or
English by someone else, and the switch on the page is one click away.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable
from urllib.parse import urlencode

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Babel, format_date, format_datetime, format_number, format_percent, get_locale, gettext

from survey.core import messages, numbers
from survey.core.instruments import is_translation

LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def _chosen(remember: bool, browser: bool = True) -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI work (reports) sets its language with force_locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if asked in languages:
        if remember:
            session["lang"] = asked
        return asked
    if remember and session.get("lang") in languages:
        return session["lang"]
    preferred = g.get("language")
    if preferred in languages:
        return preferred
    if browser:
        return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def public_locale() -> str:
    """A respondent's or assessee's page: stores nothing and does not follow the browser."""
    return _chosen(remember=False, browser=False)


def staff_locale() -> str:
    """A staff page: the choice is kept from page to page in the staff member's session."""
    return _chosen(remember=True)


def init_app(app: Flask, locale_selector: Callable[[], str]) -> None:
    Babel(app, locale_selector=locale_selector, default_timezone=app.config["TIMEZONE"])
    app.jinja_env.globals.update(get_locale=get_locale, language_names=LANGUAGE_NAMES, language_url=language_url,
                                 translation_note=translation_note)
    app.jinja_env.filters.update(local_date=local_date, local_time=local_time, decimal=decimal,
                               signed=signed, number=number)
    app.jinja_env.globals.update(percent=percent)


def translation_note(language: str) -> str:
    """The unofficial-translation note for a text of the order in ``language``; empty in Kazakh."""
    return gettext(messages.UNOFFICIAL_TRANSLATION) if is_translation(language) else ""


def local_date(value) -> str:
    """A day as the reader writes it: «2026 ж. 20 жел.», «20 дек. 2026 г.»."""
    return format_date(value, "medium")


def in_words(message: str, **params) -> str:
    """A domain message (``core.messages``) in the reader's language, its days written as the
    reader writes them: the domain passes a day as a date, which the command line prints in ISO
    form and a page in the reader's."""
    return gettext(message, **{k: local_date(v) if isinstance(v, dt.date) and not isinstance(v, dt.datetime) else v
                               for k, v in params.items()})


def local_time(value) -> str:
    """A moment stored in UTC, shown in the body's time zone (``SURVEY_TIMEZONE``) and the reader's words."""
    return format_datetime(value, "d MMM y, HH:mm")


def language_url(code: str) -> str:
    """This page in another language, keeping its other query arguments (filters, search)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", code)]
    return "?" + urlencode(args)


def decimal(value: float, digits: int = 2) -> str:
    """A figure with the reader's decimal sign: «3,70» on a Kazakh or Russian page."""
    return numbers.decimal(value, get_locale(), digits)


def number(value: int) -> str:
    """A count grouped as the reader groups thousands: «20 000» in Kazakh and Russian."""
    return format_number(value)


def percent(part: int, whole: int) -> str:
    """A share as the reader writes it («45 %»), rounded down so that 99.6 % never reads as done."""
    return format_percent(part * 100 // whole / 100 if whole else 0)


def signed(value: float, digits: int = 2) -> str:
    """A difference with its sign and the reader's decimal sign: «+0,50»."""
    return numbers.signed(value, get_locale(), digits)
