"""What every page of either application shares: security headers, error pages, the health check."""
from __future__ import annotations

from flask import Flask, Response, current_app, render_template, request
from sqlalchemy.exc import DBAPIError

from survey.web.common import database, limits
from survey.web.common.serving import redact

# No inline script or style anywhere, nothing from another host: the pages work on a closed
# network and a stray injection has nowhere to send anything.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")


_FILE_HEADERS = (("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
                 ("Referrer-Policy", "no-referrer"), ("X-Frame-Options", "DENY"))
_PAGE_HEADERS = (("Cache-Control", "no-store"), *_FILE_HEADERS)


def healthz():
    """For load balancers: does this instance reach its database? It says nothing else."""
    try:
        with database.get_db().engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except DBAPIError:
        return Response("unavailable\n", status=503, mimetype="text/plain")
    return Response("ok\n", mimetype="text/plain")


def init_app(app: Flask) -> None:
    """Headers on every response, and the application's own ``error.html`` for every error."""
    app.add_url_rule("/healthz", "healthz", healthz)

    @app.after_request
    def _headers(response):
        # Every page of either application shows answers, names, results or a working link; only
        # files that are the same for everyone (style sheets) say otherwise themselves. A header
        # the view set stays; the others are added after one look at what is there (setdefault
        # searched the headers three times for each and raised an exception for each one absent).
        present = {name.lower() for name, _value in response.headers}
        for name, value in (_FILE_HEADERS if request.endpoint == "static" else _PAGE_HEADERS):
            if name.lower() not in present:
                response.headers.add(name, value)
        return response

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(DBAPIError, _database_unavailable)


def _error_page(error):
    original = getattr(error, "original_exception", None)
    if isinstance(original, DBAPIError):  # raised while committing, after the view returned
        return _database_unavailable(original)
    code = getattr(error, "code", 500) or 500
    response = current_app.make_response((render_template("error.html", code=code), code))
    if code == 429:
        response.headers["Retry-After"] = str(limits.retry_after(error))
    return response


def _database_unavailable(_error):
    """Down, locked or unreachable: say so; the transaction was rolled back, nothing half-stored."""
    current_app.logger.warning("database unavailable on %s [%s]: %s", redact(request.path), request.method,
                               _error.__class__.__name__)
    return render_template("error.html", code=503), 503
