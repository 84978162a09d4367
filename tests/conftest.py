"""Fixtures, and the helpers more than one test module uses (imported from here, never from
another test module).

The database is SQLite in a temporary folder, or the PostgreSQL database named by
``SURVEY_TEST_DATABASE_URL`` (``.ci/run`` runs the whole suite a second time on PostgreSQL). The
migrations run once a session, not once a test: they cost more than most tests.
"""
from __future__ import annotations

import csv
import datetime as dt
import email
import email.policy
import os
import re
import shutil
import socket
import threading
import time
import http.cookiejar
import io
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, select
from sqlalchemy.exc import OperationalError
from werkzeug.security import generate_password_hash

from survey import create_app
from survey.core.database import Database
from survey.web.common import database as database
from survey.campaigns import lifecycle as campaigns, people, raters, respond, roster, tokens
from survey.core.models import Assessment, Base, Campaign, Invitation, Person, User
from survey.core.tables import Row

ROOT = Path(__file__).resolve().parent.parent
SECRET = "test-secret-key-not-for-production"


class EnglishClient(FlaskClient):
    """A browser that asks for English, so assertions read in one language. Respondent pages
    still open in the rater's own language, as they should; tests that check Kazakh or Russian
    ask for it with ?lang= or their own Accept-Language header."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.environ_base.setdefault("HTTP_ACCEPT_LANGUAGE", "en")


# --- databases -------------------------------------------------------------------------------------

class SQLiteDatabases:
    """A file migrated once; each test works on its own copy, so no test sees another's rows."""

    def __init__(self, folder: Path):
        self.template = folder / "migrated.sqlite"
        store = Database(f"sqlite:///{self.template}")
        store.upgrade()
        store.engine.dispose()  # the last connection folds the write-ahead log into the file

    def fresh(self, folder: Path) -> str:
        path = folder / "test.sqlite"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def empty(self, url: str) -> None:
        """Every row deleted in place, for a database that servers keep open between tests."""
        store = Database(url)
        with store.engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())
        store.engine.dispose()

    def bare(self, folder: Path) -> str:
        return f"sqlite:///{folder / 'bare.sqlite'}"

    def close(self) -> None:
        pass


# Everything a migration decides: columns, types, defaults, indexes, constraints.
_PG_SCHEMA = """
SELECT md5(coalesce(string_agg(item, E'\\n' ORDER BY item), '')) FROM (
    SELECT format('%s.%s %s %s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                  pg_get_expr(d.adbin, d.adrelid)) AS item
      FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
     WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
    UNION ALL SELECT pg_get_indexdef(indexrelid) FROM pg_index
     WHERE indrelid IN (SELECT oid FROM pg_class WHERE relnamespace = current_schema()::regnamespace)
    UNION ALL SELECT format('%s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
      FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
) AS schema
"""
# Connections left by an earlier test (an application a test made for itself, a server it
# started) could hold a lock that emptying the tables would wait for.
_PG_OTHERS = ("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
              "WHERE datname = current_database() AND pid <> pg_backend_pid()")


class PostgresDatabases:
    """The one database of the URL, migrated once and emptied before each test with TRUNCATE: a
    fifth of the time of a copy made with CREATE DATABASE … TEMPLATE and dropped after the test
    (0.02 s against 0.1 s, measured here). A test that changed the schema (the migration tests,
    ``survey init``, the demo) leaves another fingerprint, and the next test migrates it again."""

    def __init__(self, url: str):
        self.url = url
        # One connection kept for the session (checked before each use: tests/test_faults.py stops
        # the server): connecting costs more than the rest of the emptying.
        self.admin = create_engine(url, pool_size=1, pool_pre_ping=True, isolation_level="AUTOCOMMIT")
        self.schema, self.tables = self._migrate()

    def _migrate(self) -> tuple[str, str]:
        self._drop_all()
        store = Database(self.url)
        store.upgrade()
        store.engine.dispose()
        with self.admin.connect() as connection:
            names = connection.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'alembic_version'"
            ).scalars().all()
            return connection.exec_driver_sql(_PG_SCHEMA).scalar(), ", ".join(f'"{n}"' for n in sorted(names))

    def _drop_all(self) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(_PG_OTHERS)
        store = Database(self.url)
        store.drop_all()
        store.engine.dispose()

    def fresh(self, folder: Path) -> str:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(_PG_OTHERS)
            changed = connection.exec_driver_sql(_PG_SCHEMA).scalar() != self.schema
        if changed:
            self._migrate()
        for attempt in range(3):
            try:
                self.empty(self.url)
                break
            except OperationalError:
                # A server an earlier test left up (an instance, gunicorn) reconnected between the
                # termination of the others and the TRUNCATE and took a lock: PostgreSQL breaks
                # the deadlock by refusing one of the two. End its connection and empty again.
                if attempt == 2:
                    raise
                with self.admin.connect() as connection:
                    connection.exec_driver_sql(_PG_OTHERS)
        return self.url

    def empty(self, url: str) -> None:
        """Every row deleted, the connections of servers that stay up between tests left open."""
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f"TRUNCATE {self.tables} RESTART IDENTITY CASCADE")

    def bare(self, folder: Path) -> str:
        self._drop_all()
        return self.url

    def close(self) -> None:
        self._drop_all()
        self.admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    url = os.environ.get("SURVEY_TEST_DATABASE_URL")
    found = PostgresDatabases(url) if url else SQLiteDatabases(tmp_path_factory.mktemp("template"))
    yield found
    found.close()


def _wait_for_earlier_jobs(limit: float = 60.0) -> None:
    """A job thread an earlier test's request started may still be running: emptying the tables
    under it deadlocks on PostgreSQL (its new connection takes a lock between the termination of
    the others and the TRUNCATE) and would hand its rows to the next test."""
    deadline = time.monotonic() + limit
    for thread in threading.enumerate():
        if thread.name == "survey-jobs" and thread is not threading.current_thread():
            thread.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture
def database_url(databases, tmp_path):
    """A migrated database with no rows, the test's alone."""
    _wait_for_earlier_jobs()
    return databases.fresh(tmp_path)


@pytest.fixture
def bare_database_url(databases, tmp_path):
    """A database without a single table, as a new installation finds it (on PostgreSQL the same
    database as ``database_url``: a test takes one or the other)."""
    _wait_for_earlier_jobs()
    return databases.bare(tmp_path)


class CompiledTemplates(BytecodeCache):
    """Templates compiled once a session for every test's applications, as a server compiles them
    once for all its requests; Jinja compares each template with its checksum before using it."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


@pytest.fixture(scope="session", autouse=True)
def catalogue_parsed_once():
    """The training-topics catalogue, which every application reads at start, parsed once a
    session as the questionnaires are (``instruments.load_all`` keeps them by file signature): its
    YAML takes longer to parse than most tests take to run. A changed or broken file is read again."""
    from survey.training import topics

    parse = topics.load
    parsed = {}

    def load(path, competencies):
        try:
            stat = Path(path).stat()
        except OSError:
            return parse(path, competencies)
        key = (str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size, tuple(sorted(competencies.items())))
        if key not in parsed:
            parsed[key] = parse(path, competencies)
        return parsed[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(topics, "load", load)
        yield


def make_app(database_url: str, folder: Path, **config):
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "BASE_URL": "http://survey.test",
        "RATELIMIT_ENABLED": False,  # tests/test_limits.py turns them on
        "JOBS_DIR": str(folder / "jobs"),
        **config,
    })
    app.test_client_class = EnglishClient
    app.instance_path = str(folder / "instance")
    for each in (app, app.extensions["survey.public"]):
        each.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


@pytest.fixture
def app(database_url, tmp_path):
    app = make_app(database_url, tmp_path)
    yield app
    database.get_db(app).engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def store(app):
    return database.get_db(app)


class Runner:
    """Runs ``survey`` commands against an application."""

    def __init__(self, app):
        self.app = app

    def invoke(self, *args, **kwargs):
        from flask.cli import ScriptInfo

        from survey.cli import cli

        return CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: self.app),
                                  catch_exceptions=False, **kwargs)


@pytest.fixture
def runner(app):
    return Runner(app)


# --- a body and a campaign -------------------------------------------------------------------------

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
    """``staffed``, then open."""
    staffed(session, campaign)
    approve_and_open(session, campaign)


def staffed(session, campaign) -> None:
    """The suggested raters, two peers more for the director (who has only one rater from the
    structure: para 36 asks for three)."""
    rows = [Row(i, {"assessee_id": s.assessee_id, "rater_id": s.rater_id, "relation": s.relation})
            for i, s in enumerate(raters.suggest_for(session, campaign), 2)]
    rows += [Row(90, {"assessee_id": "D1", "rater_id": "S1", "relation": "peer"}),
             Row(91, {"assessee_id": "D1", "rater_id": "S2", "relation": "peer"})]
    raters.apply(session, campaign, rows, "raters")


def approve_and_open(session, campaign, **limits) -> int:
    """Open after recording the schedule's approval, which opening asks for (para 11)."""
    campaigns.approve(session, campaign, "Аппарат басшысы", dt.date.today())
    return campaigns.open_(session, campaign, **limits)


def followed_up(session, campaign):
    """``campaign`` (closed, answered) published; its first assessee has read the report, has a plan
    and a disagreement in session with three members. Returns (that release, the calibration)."""
    from survey.core.followup import ReportRelease
    from survey.followup import calibration, plans, release, workdays

    calendar = workdays.load()
    release.publish(session, campaign, calendar)
    first = sorted(campaign.assessments, key=lambda a: a.id)[0]
    own = session.get(ReportRelease, first.id)
    release.acknowledge(session, own)
    plans.record(session, first, dt.date.today(), [plans.PlanLine("communication", "Бөлім жиналыстарын өткізу", "",
                                                                 dt.date.today() + dt.timedelta(days=60))],
                 recorded_by="test", competencies={"communication"}, topics={})
    disagreement = calibration.request(session, own, "Келіспеймін", calendar)
    calibration.decide(session, disagreement, True, "Аппарат басшысы", dt.date.today(), calendar)
    calibration.convene(session, disagreement, ["Бір", "Екі", "Үш"], dt.date.today(), "Негіздеме")
    return own, disagreement


# --- answers ---------------------------------------------------------------------------------------

def answer_all(app, store, *, step: int = 1) -> None:
    """Submit every invitation through ``respond.submit``, the points varied by invitation and question."""
    instruments = app.extensions["survey.instruments"]
    with store.transaction() as session:
        for n, invitation in enumerate(session.scalars(select(Invitation).order_by(Invitation.id))):
            instrument = instruments[invitation.assessment.instrument]
            form = {q.id: str(1 + (n * step + i) % 5) for i, q in enumerate(instrument.questions)}
            respond.submit(session, invitation, respond.read_answers(instrument, form))


def answer_about(app, store, assessee, rater_points, self_points=None) -> int:
    """Submit every invitation about ``assessee``: rater i answers with ``rater_points[i]``."""
    instrument_set = app.extensions["survey.instruments"]
    with store.transaction() as session:
        invitations = session.scalars(
            select(Invitation).join(Assessment, Assessment.id == Invitation.assessment_id)
            .join(Person, Person.id == Assessment.assessee_id).where(Person.employee_id == assessee)
            .order_by(Invitation.id)).all()
        others = [i for i in invitations if i.relation != "self"]
        for invitation, points in zip(others, rater_points):
            submit_points(session, instrument_set[invitation.assessment.instrument], invitation, points)
        if self_points is not None:
            own = next(i for i in invitations if i.relation == "self")
            submit_points(session, instrument_set[own.assessment.instrument], own, self_points)
        return len(others)


def submit_points(session, instrument, invitation, points) -> None:
    """One questionnaire, every question of a competency answered alike: ``points`` is a number,
    or a function of the competency id."""
    form = {}
    for competency in instrument.competencies:
        value = points(competency.id) if callable(points) else points
        for question in competency.questions:
            form[question.id] = str(value)
    respond.submit(session, invitation, respond.read_answers(instrument, form))


def points(values, default=4):
    """Points by competency id, ``default`` for those ``values`` does not name."""
    return lambda competency: values.get(competency, default)


# S1 (servant, Russian) is rated by four colleagues and rates themselves. By hand:
#   communication 3,3,3,3 -> 3.00, self 5: +2.00, a blind spot; the raters agree (spread 0)
#   ethics        4,4,4,4 -> 4.00, self 3: -1.00, a hidden strength (exactly the threshold)
#   change        3,3,4,4 -> 3.50, self 4: +0.50, neither; the raters partly agree (spread 0.50)
#   results       1,5,1,5 -> 3.00, self 3:  0.00; the raters disagree (spread 2.00)
#   decisions     3,3,3,2 -> 2.75, self 4: +1.25, a blind spot
#   cooperation, promptness, self_development: 4 from everyone -> 4.00, self 4
# Overall (3 + 4 + 3.5 + 3 + 2.75 + 4 + 4 + 4) / 8 = 3.53125 -> 3.53, "proper".
S1_RATERS = [{"communication": 3, "ethics": 4, "change": 3, "results": 1, "decisions": 3},
             {"communication": 3, "ethics": 4, "change": 3, "results": 5, "decisions": 3},
             {"communication": 3, "ethics": 4, "change": 4, "results": 1, "decisions": 3},
             {"communication": 3, "ethics": 4, "change": 4, "results": 5, "decisions": 2}]
S1_SELF = {"communication": 5, "ethics": 3, "change": 4, "results": 3, "decisions": 4}


def close_campaign(runner, name) -> None:
    result = runner.invoke("campaign", "close", name)
    assert result.exit_code == 0, result.output


def campaign_ids(store, name) -> dict[str, tuple[int, int]]:
    """employee id -> (campaign id, assessment id) in the campaign called ``name``."""
    with store.transaction() as session:
        rows = session.execute(select(Person.employee_id, Assessment.campaign_id, Assessment.id)
                               .join(Assessment, Assessment.assessee_id == Person.id)
                               .join(Campaign, Campaign.id == Assessment.campaign_id).where(Campaign.name == name))
        return {eid: (cid, aid) for eid, cid, aid in rows}


def built_reports(app, store, name) -> dict:
    """employee id -> the report model the pages and PDFs are drawn from."""
    from survey.reports import model

    with store.transaction() as session:
        campaign = campaigns.get(session, name)
        return {r.employee_id: r for r in model.build_reports(session, campaign, app.extensions["survey.instruments"],
                                                              threshold=app.config["ANONYMITY_THRESHOLD"])}


def read_csv(path) -> dict[tuple[str, str], dict]:
    """A results export, by (employee id, competency)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {(r["assessee_id"], r["competency"]): r for r in csv.DictReader(fh)}


def excel_csv(data: bytes, delimiter: str) -> list[dict]:
    """A CSV written for people: the byte-order mark that tells Excel it is UTF-8, then rows split
    on ``delimiter``: ``;`` for a Kazakh or Russian reader (the command line's default, the
    platform's language), ``,`` for an English one (the test client's)."""
    assert data.startswith(b"\xef\xbb\xbf"), data[:20]
    return list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=delimiter))


def count(store, model) -> int:
    with store.transaction() as session:
        return session.query(model).count()


# --- respondent links ------------------------------------------------------------------------------

def invitation_tokens(store, *, relation=None, assessee=None) -> list[tuple[str, int]]:
    """(signed link token, invitation id) of the invitations, in id order; ``relation`` "self" or
    "other", ``assessee`` an employee id."""
    with store.transaction() as session:
        query = (select(Invitation, Person.employee_id).join(Assessment, Assessment.id == Invitation.assessment_id)
                 .join(Person, Person.id == Assessment.assessee_id))
        out = []
        for invitation, assessee_id in session.execute(query.order_by(Invitation.id)):
            if (relation is None or (relation == "self") == (invitation.relation == "self")) and \
                    (assessee is None or assessee_id == assessee):
                out.append((tokens.sign(SECRET, invitation.key), invitation.id))
        return out


def first_token(store, **kw) -> str:
    return invitation_tokens(store, **kw)[0][0]


def question_ids(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'type="radio" name="([^"]+)"', html)))


def full_answers(html: str, points: int = 4) -> dict[str, str]:
    """Every question of the form on the page answered with ``points``."""
    return {qid: str(points) for qid in question_ids(html)}


def translate(app, language: str, message: str, **variables) -> str:
    """``message`` as the app shows it in ``language`` (from the compiled catalogues)."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale(language):
        return gettext(message, **variables)


# --- staff -----------------------------------------------------------------------------------------

PASSWORD = "correct horse battery"


def sign_in(client, email, password=PASSWORD):
    page = client.get("/hr/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post("/hr/login", data={"csrf_token": token, "email": email, "password": password})


def csrf(client, path):
    """The CSRF token of a staff page (each form carries the session's token)."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)


@pytest.fixture
def staff(app, store):
    """Accounts for each staff role; returns a function giving a signed-in client for a role.

    Their passwords are hashed with scrypt, as every password is, at a work factor of 2**10
    instead of werkzeug's 2**15: signing in (the same check_password_hash) then takes milliseconds,
    not a third of a second, in each of a hundred tests. Accounts a test creates through the
    application get the full work factor."""
    with store.transaction() as session:
        for role in ("hr", "hr-head", "trainer"):
            session.add(User(email=f"{role}@body.kz", password_hash=generate_password_hash(PASSWORD, "scrypt:1024:8:1"),
                             role=role))

    def client_for(role):
        client = app.test_client()
        response = sign_in(client, f"{role}@body.kz")
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return client_for


@pytest.fixture
def hr_client(staff):
    return staff("hr")


@pytest.fixture
def head_client(staff):
    """The head of the HR service, who may read the reports (order No. 260, para 21)."""
    return staff("hr-head")


# --- servers ---------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(url: str, process, log: Path | None = None, timeout: float = 90) -> None:
    """Until ``url`` gives any HTTP answer. The deadline is generous because a server boots as
    fast as a busy machine lets it; a server that exits fails at once, with its log."""
    def shown() -> str:
        return log.read_text() if log is not None else ""

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with status {process.returncode}:\n{shown()}")
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"no answer from {url} within {timeout:.0f} s:\n{shown()}")


# --- a client for servers started by a test -------------------------------------------------------

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def browser():
    """A cookie-keeping client that does not follow redirects, like a form post seen from outside."""
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)


def fetch(opener, url, data=None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def self_signed_certificate(folder):
    """A certificate for 127.0.0.1, which the test makes the only trusted one (SSL_CERT_FILE)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


# --- a real SMTP server (aiosmtpd on loopback) and a body with e-mail addresses --------------------

SENDER = "Служба управления персоналом <hr@body.kz>"
MAIL_CAMPAIGN = "Mail 2026"


class Inbox:
    """An aiosmtpd handler that keeps every accepted message and refuses chosen recipients."""

    def __init__(self):
        self.received: list[tuple[str, list[str], bytes]] = []
        self.refuse: set[str] = set()
        self.hang_up: set[str] = set()  # answer 421 to these messages: smtplib then drops the connection
        self.peers: list[tuple] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.peers.append(session.peer)
        if set(envelope.rcpt_tos) & self.hang_up:
            return "421 4.3.2 service shutting down"
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 Message accepted for delivery"

    def messages(self) -> dict[str, email.message.EmailMessage]:
        """Parsed messages by recipient; fails if anyone got more than one."""
        out = {}
        for _sender, recipients, content in self.received:
            assert len(recipients) == 1
            assert recipients[0] not in out, f"two messages to {recipients[0]}"
            out[recipients[0]] = email.message_from_bytes(content, policy=email.policy.default)
        return out


class Server:
    """An SMTP server on a free loopback port; ``options`` go to aiosmtpd (TLS, authentication)."""

    def __init__(self, **options):
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)
        self.running = False

    def start(self):
        self.controller.start()
        self.running = True

    def stop(self):
        if self.running:
            self.controller.stop()
            self.running = False


@pytest.fixture
def smtp(app):
    server = Server()
    server.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, MAIL_FROM=SENDER, SMTP_TIMEOUT=10)
    yield server
    server.stop()


MAIL_LANGUAGES = {"D1": "ru", "H1": "en", "S1": "ru", "S2": "kk", "S3": "ru", "S4": "kk", "S5": "ru"}


def mail_address(eid: str) -> str:
    return f"{eid.lower()}@body.kz"


def body_with_email() -> list[Row]:
    """The structure of ``small_body``, the languages of ``MAIL_LANGUAGES``, an e-mail address for everyone but Servant 5."""
    rows = [person_row(2, "D1", "Director", "head", language="ru", email=mail_address("D1")),
            person_row(3, "H1", "Head One", "head", "D1", language="en", email=mail_address("H1"))]
    rows += [person_row(3 + i, f"S{i}", f"Servant {i}", "servant", "H1", language=MAIL_LANGUAGES[f"S{i}"],
                        email="" if i == 5 else mail_address(f"S{i}"))
             for i in range(1, 6)]
    return rows


@pytest.fixture
def mail_campaign(app, store):
    """Like ``open_campaign``, over ``body_with_email``; the campaign's id."""
    instruments = app.extensions["survey.instruments"]
    with store.transaction() as session:
        people.apply_rows(session, roster.validate(body_with_email(), "body", {}))
        campaign = campaigns.create(session, MAIL_CAMPAIGN, dt.date.today() + dt.timedelta(days=10), instruments)
        staff_and_open(session, campaign)
        return campaign.id


def prepared(client, url: str, **query):
    """A download a job may prepare: asked, waited for (HTTP 202 and the job) and asked again, as
    the waiting page does by reloading itself."""
    response = client.get(url, query_string=query or None)
    if response.status_code == 202:
        wait_for_jobs(database.get_db(client.application))
        response = client.get(url, query_string=query or None)
    return response


def wait_for_jobs(store, timeout=30):
    """Bulk sending runs in a worker thread: wait until no job is queued or running."""
    from survey.core.models import Job

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with store.transaction() as session:
            if not session.scalars(select(Job).where(Job.status.in_(("queued", "running")))).first():
                return
        time.sleep(0.05)
    raise AssertionError("the job did not finish")
