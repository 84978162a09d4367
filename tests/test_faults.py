"""Faults: with the database down or locked, pages answer 503 and a submission is stored whole or not at all."""
from __future__ import annotations

import os
import subprocess
import threading

from sqlalchemy import select

from conftest import SECRET, count, first_token, full_answers
from survey import create_app
from survey.core.models import Invitation, Response


def test_an_unreachable_database_gives_a_clear_503(database_url, tmp_path):
    unreachable = ("postgresql+psycopg://postgres@127.0.0.1:1/nothing" if database_url.startswith("postgresql")
                   else f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'x.sqlite'}")
    app = create_app({"DATABASE_URL": unreachable, "SECRET_KEY": SECRET, "DATABASE_TIMEOUT": 1})
    client = app.test_client()
    from survey.campaigns import tokens

    response = client.get(f"/r/{tokens.sign(SECRET, '0' * 32)}?lang=en")
    assert response.status_code == 503
    assert "Nothing you sent was stored" in response.get_data(as_text=True)
    page = client.get("/hr/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/hr/login", data={"csrf_token": token, "email": "a@b.kz", "password": "x" * 12}).status_code == 503


def test_a_submit_against_a_locked_database_is_refused_whole_then_works(app, store, open_campaign):
    from survey.core.database import Database

    store.engine.dispose()
    impatient = Database(app.config["DATABASE_URL"], busy_timeout=1)  # wait 1 s, not 15
    # The respondent's pages are the public application's, which holds the pool of its own.
    app.extensions["survey.db"] = app.extensions["survey.public"].extensions["survey.db"] = impatient
    client = app.test_client()
    token = first_token(store, relation="other")
    html = client.get(f"/r/{token}").get_data(as_text=True)
    form = {"action": "submit", **full_answers(html)}

    locked, release = threading.Event(), threading.Event()

    def hold_lock():
        with store.engine.connect() as conn:
            if store.engine.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN EXCLUSIVE")
            else:
                conn.exec_driver_sql("BEGIN")
                conn.exec_driver_sql("LOCK TABLE invitations IN ACCESS EXCLUSIVE MODE")
            locked.set()
            release.wait(30)
            conn.exec_driver_sql("ROLLBACK")

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert locked.wait(10)
        response = client.post(f"/r/{token}?lang=en", data=form)
        assert response.status_code == 503
        assert "Nothing you sent was stored" in response.get_data(as_text=True)
    finally:
        release.set()
        holder.join()
    assert count(store, Response) == 0
    with store.transaction() as session:
        assert session.scalar(select(Invitation.done).where(Invitation.done.is_(True))) is None
    assert client.post(f"/r/{token}", data=form).status_code == 302
    assert count(store, Response) == 1


if os.environ.get("SURVEY_TEST_PG_CTL"):  # set by .ci/run for its throw-away PostgreSQL server

    def test_stopping_the_database_server_mid_run_gives_503_and_loses_nothing(app, store, open_campaign):
        control = os.environ["SURVEY_TEST_PG_CTL"]
        client = app.test_client()
        token = first_token(store, relation="other")
        html = client.get(f"/r/{token}").get_data(as_text=True)
        form = {"action": "submit", **full_answers(html)}
        with store.engine.connect() as one, store.engine.connect() as other:  # the pool keeps two
            one.exec_driver_sql("SELECT 1")
            other.exec_driver_sql("SELECT 1")
        subprocess.run([control, "stop"], check=True, capture_output=True)
        try:
            # The page finds its pooled connection dead: it must drop the pool with the other
            # dead one, as a session's statement does, or the next page would fail once the
            # server is back.
            assert client.get(f"/r/{token}").status_code == 503
        finally:
            subprocess.run([control, "start"], check=True, capture_output=True)
        assert client.get(f"/r/{token}").status_code == 200
        subprocess.run([control, "stop"], check=True, capture_output=True)
        try:
            assert client.post(f"/r/{token}", data=form).status_code == 503
            assert client.get(f"/r/{token}").status_code == 503
        finally:
            subprocess.run([control, "start"], check=True, capture_output=True)
        assert count(store, Response) == 0
        assert client.post(f"/r/{token}", data=form).status_code == 302  # the pool reconnects by itself
        assert count(store, Response) == 1
