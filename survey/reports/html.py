"""The report's HTML templates, rendered without a web request: the command line writes report
files with them, and both applications include the report body (``reports/_report.html``) in
their pages from the same folder."""
from __future__ import annotations

from pathlib import Path

from flask_babel import get_locale, get_translations
from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).resolve().parent / "templates"

_env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "htm", "xml"]),
                   extensions=["jinja2.ext.i18n"])
# The words come from the one catalogue of the platform, in the locale the caller has set
# (force_locale): the same as flask-babel installs in the applications' own environments.
_env.install_gettext_callables(lambda s: get_translations().ugettext(s),
                               lambda s, p, n: get_translations().ungettext(s, p, n), newstyle=True)

_env.globals["get_locale"] = get_locale


def render(name: str, **context) -> str:
    return _env.get_template(name).render(**context)
