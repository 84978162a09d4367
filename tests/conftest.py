"""Fixtures. The database is SQLite in a temporary folder, or the server named by
``SURVEY_TEST_DATABASE_URL`` (``.ci/run`` runs the whole suite a second time on PostgreSQL)."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from survey import create_app
from survey.web.common import database as database
from survey.campaigns import lifecycle as campaigns, people, raters, roster
from survey.core.tables import Row

ROOT = Path(__file__).resolve().parent.parent


class EnglishClient(FlaskClient):
    """A browser that asks for English, so assertions read in one language. Respondent pages
    still open in the rater's own language, as they should; tests that check Kazakh or Russian
    ask for it with ?lang= or their own Accept-Language header."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.environ_base.setdefault("HTTP_ACCEPT_LANGUAGE", "en")


@pytest.fixture
def database_url(tmp_path):
    return os.environ.get("SURVEY_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite'}"


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "BASE_URL": "http://survey.test",
        "RATELIMIT_ENABLED": False,  # tests/test_limits.py turns them on
        "JOBS_DIR": str(tmp_path / "jobs"),
    })
    app.test_client_class = EnglishClient
    app.instance_path = str(tmp_path / "instance")
    store = database.get_db(app)
    store.drop_all()
    store.create_all()
    yield app
    store.drop_all()
    store.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def store(app):
    return database.get_db(app)


@pytest.fixture
def runner(app):
    """Runs ``survey`` commands against the test app."""
    from survey.cli import cli

    class Runner:
        def invoke(self, *args, **kwargs):
            return CliRunner().invoke(cli, list(args), obj=_script_info(app), catch_exceptions=False, **kwargs)

    return Runner()


def _script_info(app):
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: app)


def person_row(number, eid, name, role, manager="", unit="Unit A", language="kk", email=""):
    return Row(number, {"employee_id": eid, "full_name": name, "position": "Expert", "unit": unit,
                        "role": role, "manager_id": manager, "email": email, "language": language})


def small_body() -> list[Row]:
    """One head (H1) with five servants (S1..S5) under a director (D1): every servant has the
    manager and four peers, the head has the director and five subordinates."""
    rows = [person_row(2, "D1", "Director", "head", language="ru"),
            person_row(3, "H1", "Head One", "head", "D1")]
    rows += [person_row(4 + i, f"S{i}", f"Servant {i}", "servant", "H1", language="ru" if i % 2 else "kk")
             for i in range(1, 6)]
    return rows


@pytest.fixture
def open_campaign(app, store):
    """A campaign over ``small_body`` with suggested raters, opened (the director has only one
    rater from the structure, so two servants are added to reach para 36's minimum)."""
    instruments = app.extensions["survey.instruments"]
    with store.transaction() as session:
        people.apply_rows(session, roster.validate(small_body(), "body", {}))
        campaign = campaigns.create(session, "Test 2026", dt.date.today() + dt.timedelta(days=10), instruments)
        staff_and_open(session, campaign)
    return "Test 2026"


def staff_and_open(session, campaign) -> None:
    """The suggested raters, two peers more for the director (who has only one rater from the
    structure: para 36 asks for three), then open."""
    rows = [Row(i, {"assessee_id": s.assessee_id, "rater_id": s.rater_id, "relation": s.relation})
            for i, s in enumerate(raters.suggest_for(session, campaign), 2)]
    rows += [Row(90, {"assessee_id": "D1", "rater_id": "S1", "relation": "peer"}),
             Row(91, {"assessee_id": "D1", "rater_id": "S2", "relation": "peer"})]
    raters.apply(session, campaign, rows, "raters")
    campaigns.open_(session, campaign)


PASSWORD = "correct horse battery"


def answer_all(app, store, *, step: int = 1) -> None:
    """Submit every invitation through ``respond.submit``, the points varied by invitation and question."""
    from sqlalchemy import select

    from survey.campaigns import respond
    from survey.core.models import Invitation

    instruments = app.extensions["survey.instruments"]
    with store.transaction() as session:
        for n, invitation in enumerate(session.scalars(select(Invitation).order_by(Invitation.id))):
            instrument = instruments[invitation.assessment.instrument]
            form = {q.id: str(1 + (n * step + i) % 5) for i, q in enumerate(instrument.questions)}
            respond.submit(session, invitation, respond.read_answers(instrument, form))


def sign_in(client, email, password=PASSWORD):
    import re as _re

    page = client.get("/hr/login").get_data(as_text=True)
    token = _re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post("/hr/login", data={"csrf_token": token, "email": email, "password": password})


def csrf(client, path):
    """The CSRF token of a staff page (each form carries the session's token)."""
    import re as _re

    page = client.get(path).get_data(as_text=True)
    return _re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)


@pytest.fixture
def staff(app, store):
    """Accounts for each staff role; returns a function giving a signed-in client for a role."""
    from survey.staff import accounts

    with store.transaction() as session:
        for role in ("hr", "hr-head", "trainer"):
            accounts.create(session, f"{role}@body.kz", PASSWORD, role)

    def client_for(role):
        client = app.test_client()
        response = sign_in(client, f"{role}@body.kz")
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return client_for


@pytest.fixture
def hr_client(staff):
    return staff("hr")
