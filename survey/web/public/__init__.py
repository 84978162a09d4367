"""The public application: what respondents and assessees reach without an account.

The questionnaire behind a rater's signed link (``/r/…``), the assessee's own report link
(``/report/…``), the thank-you page, the landing page and ``/healthz``. It imports nothing of the
staff side and runs none of its hooks; it sets no cookie: the signed link is the only credential.
In production it is the one application on the proxy that respondents reach.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, render_template

from survey.web.common import bodies, factory, i18n
from survey.web.public import report_links, respond
from survey.web.public.limits import limiter

TEMPLATES = Path(__file__).resolve().parent / "templates"


def create_app(config: dict | None = None, *, shared: Flask | None = None) -> Flask:
    app = factory.build(__name__, config, templates=TEMPLATES, locale_selector=i18n.public_locale, shared=shared)
    app.request_class = bodies.FormOnlyRequest
    app.add_url_rule("/", "index", lambda: render_template("index.html"))
    app.register_blueprint(respond.bp)
    app.register_blueprint(report_links.bp)
    limiter.init_app(app)

    @app.after_request
    def _no_cookie(response):
        # Nothing here may tie a browser's visits together, whatever an extension tried to set.
        response.headers.remove("Set-Cookie")
        return response

    return app
