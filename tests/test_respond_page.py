"""The respondent's page is built from parts each process keeps, and its GET only reads: the
shortcuts that make the busiest page fast must give the same page and must not let it write."""
from __future__ import annotations

import random
import tempfile
from contextlib import contextmanager

import pytest
from flask import render_template
from psycopg import pq
from sqlalchemy import event, update

from conftest import first_token
from survey.core.reading import WriteWhileReading
from survey.core.models import Invitation
from survey.web.common import database
from survey.web.public import respond as page


def _drafts(instrument, rng: random.Random) -> list[dict]:
    ids = [question.id for question in instrument.questions]
    points = [option.points for option in instrument.scale]
    return [
        {ids[0]: points[0]},
        {question: rng.choice(points) for question in ids},  # everything, as a refused submit keeps it
        {question: rng.choice(points) for question in rng.sample(ids, len(ids) // 2)},
        {ids[-1]: points[-1], "no.such.question": points[0], ids[1]: 99},  # what the template ignores
    ]


def test_a_drafts_answers_filled_into_the_kept_body_give_what_a_full_render_gives(app):
    public = app.extensions["survey.public"]
    rng = random.Random(21)
    compared = 0
    for lang in public.config["LANGUAGES"]:
        with public.test_request_context(f"/?lang={lang}"):
            for instrument in public.extensions["survey.instruments"].values():
                for is_self in (False, True):
                    for draft in [{}, *_drafts(instrument, rng), {}]:
                        filled = page._questions(instrument, is_self, draft, ())
                        rendered = render_template("respond/_questions.html", instrument=instrument, is_self=is_self,
                                                   answers=draft, missing=set(), lang=lang)
                        assert filled == rendered
                        chosen = {q.id for q in instrument.questions} & {q for q, p in draft.items() if p <= 5}
                        assert filled.count(" checked>") == len(chosen)
                        compared += 1
    assert compared == 3 * 2 * 2 * 6  # languages, questionnaires, self or not, drafts


@contextmanager
def _what_the_database_ran(engine):
    """Every statement the database ran on connections opened from here on, as the database
    itself reports it, with whether a transaction was open when it ended: SQLite through its trace
    callback, PostgreSQL through libpq's trace of the messages on the wire (the server names each
    command it completed and says after each whether a transaction is open). The page's reads do
    not go through SQLAlchemy's execution, so its events would not see them."""
    ran: list[tuple[str, bool]] = []
    traces = []

    def traced(dbapi_connection, _record):
        if engine.dialect.name == "sqlite":
            dbapi_connection.set_trace_callback(
                lambda sql: ran.append((sql.split()[0].upper(), dbapi_connection.in_transaction)))
        else:
            trace = tempfile.TemporaryFile("w+")
            dbapi_connection.pgconn.trace(trace.fileno())
            dbapi_connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
            traces.append((dbapi_connection, trace))

    engine.dispose()  # the connections opened from here on are traced
    event.listen(engine, "connect", traced)
    try:
        yield ran
    finally:
        event.remove(engine, "connect", traced)
        engine.dispose()
        for dbapi_connection, trace in traces:
            with trace:
                trace.seek(0)
                completed = None
                for line in trace:
                    _side, _length, message, *rest = line.rstrip("\n").split("\t") + ["", ""]
                    if message == "CommandComplete":
                        completed = rest[0].strip().strip('"').split()[0]
                    elif message == "ReadyForQuery" and completed is not None:
                        ran.append((completed, rest[0].strip() != "I"))
                        completed = None


def test_a_get_reads_outside_a_transaction_and_only_reads(app, client, store, open_campaign):
    token = first_token(store, relation="other")
    assert client.post(f"/r/{token}", data={"action": "save", "ethics.1": "3"}).status_code == 302
    with _what_the_database_ran(store.engine) as ran:
        for path in (f"/r/{token}", f"/r/{token}?lang=ru&saved=1", "/r/forged"):
            assert client.get(path).status_code in (200, 404)
    # One read a link, and no transaction around it: nothing to begin, nothing to commit.
    assert ran == [("SELECT", False)] * 2


def test_the_trace_sees_a_write_and_its_transaction(app, client, store, open_campaign):
    """The observation above can fail: a save, which writes in a transaction, shows in it."""
    token = first_token(store, relation="other")
    with _what_the_database_ran(store.engine) as ran:
        assert client.post(f"/r/{token}", data={"action": "save", "ethics.1": "3"}).status_code == 302
    assert ("UPDATE", True) in ran
    assert ran[-1][0] == "COMMIT"


def test_a_page_that_only_reads_cannot_write(app, store, open_campaign):
    with app.extensions["survey.public"].test_request_context("/"):
        with pytest.raises(WriteWhileReading):
            database.reading().execute(update(Invitation).values(draft=b"x"))
    with store.transaction() as session:
        assert session.query(Invitation).filter(Invitation.draft.is_not(None)).count() == 0
