"""How each application is built: configuration, questionnaires, database, languages, templates,
headers. The public and the staff factory each add their own views and hooks on top."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Callable

from flask import Flask, request
from jinja2 import ChoiceLoader, FileSystemLoader

from survey.core import config as configuration
from survey.core import instruments
from survey.reports import html as report_html
from survey.web.common import database, i18n, site
from survey.web.common.serving import redact

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"


class SurveyFlask(Flask):
    def log_exception(self, exc_info) -> None:
        """Flask logs the failing path; a respondent's path is their link, so it is redacted."""
        self.logger.error("Exception on %s [%s]", redact(request.path), request.method, exc_info=exc_info)


@functools.cache
def instance_path() -> str:
    """One instance folder for both applications, wherever the package is installed: the SQLite
    file and the generated development key live there."""
    return Flask("survey").instance_path


def build(import_name: str, config: dict | None, *, templates: Path, locale_selector: Callable[[], str],
          shared: Flask | None = None) -> SurveyFlask:
    """An application with its own templates folder (searched first, then the shared layout and
    the report templates). With ``shared``, it is the second application of one process: the
    same configuration object, questionnaires and database pool as that one."""
    app = SurveyFlask(import_name, instance_path=instance_path(), instance_relative_config=True,
                      root_path=str(templates.parent), template_folder=str(templates),
                      static_folder=str(STATIC), static_url_path="/static")
    if shared is None:
        configuration.load(app, config)
        # A broken questionnaire must stop the server at start, not a respondent halfway through.
        app.extensions["survey.instruments"] = instruments.load_all(app.config["INSTRUMENTS_DIR"])
        database.init_app(app)
    else:
        app.config = shared.config
        app.extensions["survey.instruments"] = shared.extensions["survey.instruments"]
        database.init_app(app, shared=database.get_db(shared))
    if app.config["PROXY_FIX"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)
    app.jinja_loader = ChoiceLoader([FileSystemLoader(str(templates)), FileSystemLoader(str(TEMPLATES)),
                                     FileSystemLoader(str(report_html.TEMPLATES))])
    i18n.init_app(app, locale_selector)
    site.init_app(app)
    return app
