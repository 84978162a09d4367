"""Languages: Kazakh and Russian are first-class, English for everyone else (kk is the default).

The language is chosen, in order, by a ``lang`` query argument (the switch on every page), by the
page itself (a respondent's link carries the rater's roster language) and by the browser.
"""
from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Babel, get_locale

STAFF_PREFIXES = ("/hr/", "/trainer/")
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI work (reports) sets its language with force_locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    staff_page = request.path.startswith(STAFF_PREFIXES)
    asked = request.args.get("lang")
    if asked in languages:
        if staff_page:  # staff keep their choice from page to page; respondents' pages store nothing
            session["lang"] = asked
        return asked
    if staff_page and session.get("lang") in languages:
        return session["lang"]
    preferred = g.get("language")
    if preferred in languages:
        return preferred
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)

    app.jinja_env.globals.update(get_locale=get_locale, language_names=LANGUAGE_NAMES, language_url=language_url)


def language_url(code: str) -> str:
    """This page in another language, keeping its other query arguments (filters, search)."""
    from urllib.parse import urlencode

    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", code)]
    return "?" + urlencode(args)
