"""Bagalau 360: anonymous 360-degree assessment of corps-B civil servants."""
from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect


class SurveyFlask(Flask):
    def log_exception(self, exc_info) -> None:
        """Flask logs the failing path; a respondent's path is their link, so it is redacted."""
        from flask import request

        from survey.web.common.serving import redact

        self.logger.error("Exception on %s [%s]", redact(request.path), request.method, exc_info=exc_info)


def create_app(config: dict | None = None) -> Flask:
    app = SurveyFlask(__name__, instance_relative_config=True)
    from survey.core import config as configuration
    from survey.web.common import database as db, i18n
    from survey.core import instruments
    from survey.web.staff import auth, hr, mail, paper, quality, reports, trainer
    from survey.web.public import respond
    from survey.web.common import site

    configuration.load(app, config)
    # A broken questionnaire must stop the server at start, not a respondent halfway through.
    app.extensions["survey.instruments"] = instruments.load_all(app.config["INSTRUMENTS_DIR"])
    if app.config["PROXY_FIX"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)
    db.init_app(app)
    i18n.init_app(app)
    site.init_app(app)
    app.register_blueprint(respond.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(hr.bp)
    app.register_blueprint(trainer.bp)
    app.register_blueprint(mail.bp)
    app.register_blueprint(paper.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(quality.bp)
    app.before_request(auth.load_user)
    # Every staff form is checked for its CSRF token before the view runs. The respondent's pages
    # have none: their signed link is the credential (see web/respond.py).
    from survey.web.common.limits import limiter

    limiter.init_app(app)
    csrf = CSRFProtect(app)
    csrf.exempt(respond.bp)
    return app
