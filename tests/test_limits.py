"""Rate limits on sign-in and on respondent links: counted together by every process, with a Retry-After."""
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from survey import create_app
from survey.web.common import database as database


def limited_app(database_url, tmp_path, **limits):
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "limits", "RATELIMIT_ENABLED": True,
                      "RATELIMIT_STORAGE_URI": f"sqlite:///{tmp_path / 'counters.sqlite'}", **limits})
    database.get_db(app).create_all()
    return app


def test_sign_in_attempts_are_limited_per_address(database_url, tmp_path):
    from conftest import sign_in

    client = limited_app(database_url, tmp_path, RATELIMIT_LOGIN="3 per minute").test_client()
    responses = [sign_in(client, "a@b.kz", "wrong password") for _ in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429, 429]
    assert all(0 < int(r.headers["Retry-After"]) <= 61 for r in responses[3:])
    assert client.get("/hr/login").status_code == 200  # reading the form is not limited


def test_respondent_links_are_limited_per_address(database_url, tmp_path):
    client = limited_app(database_url, tmp_path, RATELIMIT_RESPONDENT="4 per minute").test_client()
    responses = [client.get("/r/forged") for _ in range(6)]
    assert [r.status_code for r in responses] == [404] * 4 + [429] * 2
    assert all(0 < int(r.headers["Retry-After"]) <= 61 for r in responses[4:])
    other = client.get("/r/forged", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 404


def test_two_workers_count_one_respondent_limit_per_view(database_url, tmp_path):
    """Two applications over one counters file, as two gunicorn workers are: four requests a
    minute in all; each view counts apart, and the wait comes from the window that is running."""
    first = limited_app(database_url, tmp_path, RATELIMIT_RESPONDENT="4 per minute").test_client()
    second = limited_app(database_url, tmp_path, RATELIMIT_RESPONDENT="4 per minute").test_client()
    statuses = [(first if i % 2 else second).get("/r/forged").status_code for i in range(6)]
    assert statuses == [404] * 4 + [429] * 2
    assert first.post("/r/forged", data={"action": "save"}).status_code == 404  # another view
    assert 0 < int(second.get("/r/forged").headers["Retry-After"]) <= 60


def test_the_public_application_counts_without_flask_limiter(database_url, tmp_path):
    """Its views count their limit through ``limits`` directly (common.limits.ViewLimits): Flask-Limiter's
    machinery around the count cost more than the count itself on every respondent request."""
    public = limited_app(database_url, tmp_path).extensions["survey.public"]
    assert "limiter" not in public.extensions
    assert public.extensions["survey.view_limits"] is not None
    off = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "limits", "RATELIMIT_ENABLED": False,
                      "RATELIMIT_RESPONDENT": "1 per minute"}).extensions["survey.public"]
    assert off.extensions["survey.view_limits"] is None
    client = off.test_client()
    assert [client.get("/r/forged").status_code for _ in range(3)] == [404] * 3


def test_the_counters_live_in_the_instance_folder_unless_configured(database_url, tmp_path):
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "limits"})
    assert app.config["RATELIMIT_STORAGE_URI"] == f"sqlite:///{Path(app.instance_path).resolve() / 'ratelimits.sqlite'}"


def test_two_server_processes_share_one_login_limit(store, database_url, tmp_path):
    """Two gunicorn servers of one machine, as two workers are: three attempts a minute in all."""
    from conftest import ROOT, browser, fetch, free_port, wait_until_serving

    env = {**os.environ, "SURVEY_DATABASE_URL": database_url, "SURVEY_SECRET_KEY": "limits",
           "SURVEY_RATELIMIT_LOGIN": "3 per minute", "SURVEY_RATELIMIT_STORAGE_URI": f"sqlite:///{tmp_path / 'c.sqlite'}"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    servers, bases = [], []
    try:
        for name in ("a", "b"):
            port, log = free_port(), tmp_path / f"{name}.log"
            with open(log, "w") as out:
                servers.append(subprocess.Popen([gunicorn, "--workers", "1", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT))
            bases.append(f"http://127.0.0.1:{port}")
            wait_until_serving(f"{bases[-1]}/healthz", servers[-1], log)
        statuses = []
        for attempt in range(6):
            base = bases[attempt % 2]
            client = browser()
            page = fetch(client, f"{base}/hr/login")[1]
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
            statuses.append(fetch(client, f"{base}/hr/login",
                                  {"csrf_token": token, "email": "a@b.kz", "password": "wrong password"})[0])
        assert statuses == [200, 200, 200, 429, 429, 429]
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            server.wait(timeout=20)
