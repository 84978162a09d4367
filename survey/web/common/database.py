"""The request's database session: the one place a web request commits or rolls back.

Domain services receive a ``Session``, change things and flush; they never commit. A request
commits in ``after_request`` when the response is a success and rolls back otherwise, so a
half-done operation is never stored.
"""
from __future__ import annotations

from typing import Callable

from flask import Flask, abort, current_app, g
from sqlalchemy.orm import Session

from survey.core.database import Database
from survey.core.reading import Reading


def init_app(app: Flask, *, shared: Database | None = None) -> None:
    """The application's database; ``shared`` when a second application of the process uses the same pool."""
    app.extensions["survey.db"] = shared or Database(app.config["DATABASE_URL"],
                                                     busy_timeout=app.config["DATABASE_TIMEOUT"])

    @app.after_request
    def _commit(response):
        # A failed commit raises here, so the client gets an error page, never a success for
        # something that was not stored.
        reading = g.pop("_db_reading", None)
        if reading is not None:  # nothing to commit: it ran no transaction
            reading.close()
        session = g.pop("_db_session", None)
        if session is not None:
            try:
                if response.status_code < 400 or g.pop("_keep_despite_refusal", False):
                    session.commit()
                else:
                    session.rollback()
                    g.pop("_after_commit", None)
            except BaseException:
                session.rollback()
                g.pop("_after_commit", None)
                raise
            finally:
                session.close()
        for callback in g.pop("_after_commit", ()):
            callback()
        return response

    @app.teardown_request
    def _close(_exc):
        reading = g.pop("_db_reading", None)
        if reading is not None:
            reading.close()
        session = g.pop("_db_session", None)
        if session is not None:  # after_request did not run: an unhandled error
            session.rollback()
            session.close()


def keep_despite_refusal() -> None:
    """Commit this request's changes although its answer is an error status: a refused submit
    that keeps the answers given so far as a draft."""
    g._keep_despite_refusal = True


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the request's changes are stored: work that must see them from
    another connection (a job's worker thread) or run outside a transaction (compaction)."""
    g.setdefault("_after_commit", []).append(callback)


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["survey.db"]


def session() -> Session:
    """The request's session, opened on first use."""
    if "_db_session" not in g:
        g._db_session = get_db().sessionmaker()
    return g._db_session


def reading() -> Reading:
    """The request's connection for a page that must write nothing: no transaction to begin or
    commit, and nothing but a SELECT (``core.reading.Reading``). A connection, not a session:
    such a page runs a Core statement, and the ORM's machinery around it cost more than the
    statement."""
    if "_db_reading" not in g:
        g._db_reading = get_db().reading()
    return g._db_reading


def get_or_404(model, key):
    """The row a URL names, or the "not found" page: staff pages name campaigns, people and
    invitations by id, and a wrong id is the visitor's mistake, not a server error."""
    row = session().get(model, key)
    if row is None:
        abort(404)
    return row
