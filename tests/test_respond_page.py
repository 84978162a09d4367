"""The respondent's page is built from parts each process keeps, and its GET only reads: the
shortcuts that make the busiest page fast must give the same page and must not let it write."""
from __future__ import annotations

import random

import pytest
from flask import render_template
from sqlalchemy import event, update

from conftest import first_token
from survey.core.database import WriteWhileReading
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


def _in_transaction(dbapi_connection) -> bool:
    """Whether the driver holds a transaction open: sqlite3 says so itself; psycopg through the
    server's status (idle, or inside a transaction)."""
    if hasattr(dbapi_connection, "in_transaction"):
        return dbapi_connection.in_transaction
    return dbapi_connection.info.transaction_status.name != "IDLE"


def test_a_get_reads_outside_a_transaction_and_only_reads(app, client, store, open_campaign):
    token = first_token(store, relation="other")
    assert client.post(f"/r/{token}", data={"action": "save", "ethics.1": "3"}).status_code == 302
    statements = []

    def record(connection, _cursor, statement, _parameters, _context, _executemany):
        statements.append((statement.split()[0].upper(), _in_transaction(connection.connection.dbapi_connection)))

    event.listen(store.engine, "after_cursor_execute", record)
    try:
        for path in (f"/r/{token}", f"/r/{token}?lang=ru&saved=1", "/r/forged"):
            assert client.get(path).status_code in (200, 404)
    finally:
        event.remove(store.engine, "after_cursor_execute", record)
    # One read a link, and no transaction around it: nothing to begin, nothing to commit.
    assert statements == [("SELECT", False)] * 2


def test_a_page_that_only_reads_cannot_write(app, store, open_campaign):
    with app.extensions["survey.public"].test_request_context("/"):
        with pytest.raises(WriteWhileReading):
            database.reading().execute(update(Invitation).values(draft=b"x"))
    with store.transaction() as session:
        assert session.query(Invitation).filter(Invitation.draft.is_not(None)).count() == 0
