"""The staff application: sign-in, HR, the HR head and trainers.

Every page needs an account (``auth.requires``) and every form its CSRF token. In production it is
served on the body's internal network only, apart from the public application.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from survey.core.config import ConfigurationError
from survey.staff import directory
from survey.web.common import bodies, factory, i18n
from survey.web.staff import (accounts, after_report, auth, choosing, hr, mail, paper, quality, reports, scope,
                               second_factor, trainer)
from survey.web.staff.limits import limiter

TEMPLATES = Path(__file__).resolve().parent / "templates"


def create_app(config: dict | None = None) -> Flask:
    app = factory.build(__name__, config, templates=TEMPLATES, locale_selector=i18n.staff_locale)
    app.request_class = bodies.Request
    app.add_url_rule("/", "index", auth.home)
    for blueprint in (auth.bp, hr.bp, choosing.bp, scope.bp, after_report.bp, trainer.bp, mail.bp, paper.bp, reports.bp, quality.bp, accounts.bp,
                      second_factor.bp):
        app.register_blueprint(blueprint)
    try:  # a wrong directory setting stops the start, not a colleague's sign-in
        directory.DirectorySettings.from_config(app.config)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None
    app.before_request(auth.load_user)
    limiter.init_app(app)
    CSRFProtect(app)
    return app
