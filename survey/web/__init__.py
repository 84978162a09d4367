"""The two web applications over one domain: ``public`` (respondents and assessees) and ``staff``.

For the embedded default (``survey serve``, ``survey demo``, ``wsgi:app``) one process serves both,
each request going to the application that owns its path; in production each runs as a service
of its own (docs/deployment.md).
"""
from __future__ import annotations

from flask import Flask

PUBLIC_PATHS = ("/r/", "/report/", "/assessor/", "/calibration/", "/thanks", "/healthz", "/static/")


class ByPath:
    """WSGI: the public application's paths go to it, everything else to the staff application.
    The environ is passed on unchanged, so each application builds its own URLs as it would alone."""

    def __init__(self, public, staff):
        self.public, self.staff = public, staff

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO") or "/"
        app = self.public if path == "/" or path.startswith(PUBLIC_PATHS) else self.staff
        return app(environ, start_response)


def create_app(config: dict | None = None) -> Flask:
    """Both applications in one: the staff application, whose requests for public paths are
    served by the public one (sharing its configuration, questionnaires and database pool).
    The public application is ``app.extensions["survey.public"]``."""
    from survey.web import public, staff

    site = staff.create_app(config)
    public_app = public.create_app(shared=site)
    site.extensions["survey.public"] = public_app
    site.wsgi_app = ByPath(public_app, site.wsgi_app)
    return site
