"""What every page shares: headers, error pages, the landing page."""
from __future__ import annotations

from flask import Blueprint, Flask, Response, render_template
from sqlalchemy.exc import DBAPIError

bp = Blueprint("site", __name__)

# No inline script or style anywhere, nothing from another host: the pages work on a closed
# network and a stray injection has nowhere to send anything.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")


@bp.get("/")
def index():
    return render_template("index.html")


@bp.get("/healthz")
def healthz():
    """For load balancers: does this instance reach its database? It says nothing else."""
    from survey.web.common import database as db

    try:
        with db.get_db().engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except DBAPIError:
        return Response("unavailable\n", status=503, mimetype="text/plain")
    return Response("ok\n", mimetype="text/plain")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(DBAPIError, _database_unavailable)


def _error_page(error):
    original = getattr(error, "original_exception", None)
    if isinstance(original, DBAPIError):  # raised while committing, after the view returned
        return _database_unavailable(original)
    code = getattr(error, "code", 500) or 500
    return render_template("error.html", code=code), code


def _database_unavailable(_error):
    """Down, locked or unreachable: say so; the transaction was rolled back, nothing half-stored."""
    from flask import current_app, request

    from survey.web.common.serving import redact

    current_app.logger.warning("database unavailable on %s [%s]: %s", redact(request.path), request.method,
                               _error.__class__.__name__)
    return render_template("error.html", code=503), 503
