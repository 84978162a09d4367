"""Several app servers on one database behave as one: sessions, CSRF, one response per link, closing.

Two gunicorn instances on two ports share the test database and the secret, as a ministry's
regional servers would behind one proxy. A Redis server started here carries the rate limits.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import (PASSWORD, ROOT, SECRET, browser, count, fetch, first_token, free_port, full_answers,
                      wait_until_serving)
from survey.staff import accounts
from survey.core.models import Response


@pytest.fixture(scope="module")
def served_url(databases, tmp_path_factory):
    """The module's database. Two instances serve it through all of the module's tests, each of
    which finds it emptied in place: booting four workers costs more than the rest of a test."""
    return databases.fresh(tmp_path_factory.mktemp("served"))


@pytest.fixture
def database_url(databases, served_url):
    databases.empty(served_url)
    return served_url


@pytest.fixture(scope="module")
def instances(served_url, tmp_path_factory):
    env = {**os.environ, "SURVEY_DATABASE_URL": served_url, "SURVEY_SECRET_KEY": SECRET,
           "SURVEY_RATELIMIT_ENABLED": "false"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    logs = tmp_path_factory.mktemp("instances")
    started = []
    try:
        for name in ("a", "b"):  # both start before either is waited for: they boot side by side
            port, log = free_port(), logs / f"{name}.log"
            with open(log, "w") as out:
                process = subprocess.Popen([gunicorn, "--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{port}",
                                            "wsgi:app"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
            started.append((process, f"http://127.0.0.1:{port}", log))
        for process, base, log in started:
            wait_until_serving(f"{base}/healthz", process, log)
        yield [base for _process, base, _log in started]
    finally:
        for process, _base, _log in started:
            process.send_signal(signal.SIGTERM)
        for process, _base, _log in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def two_instances(instances, store, open_campaign):
    return instances


def test_a_form_opened_on_one_instance_is_submitted_to_the_other(two_instances, store):
    a, b = two_instances
    token = first_token(store, relation="other")
    client = browser()
    status, html = fetch(client, f"{a}/r/{token}")
    assert status == 200
    status, _ = fetch(client, f"{b}/r/{token}", {"action": "submit", **full_answers(html)})
    assert status == 302
    assert count(store, Response) == 1
    assert fetch(browser(), f"{a}/r/{token}")[0] == 410


def test_fifty_submits_of_one_link_spread_over_both_instances_store_one_response(two_instances, store):
    token = first_token(store, relation="other")
    client = browser()
    status, html = fetch(client, f"{two_instances[0]}/r/{token}")
    form = {"action": "submit", **full_answers(html)}
    with ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(lambda i: fetch(client, f"{two_instances[i % 2]}/r/{token}", form)[0], range(50)))
    assert statuses.count(302) == 1 and set(statuses) == {302, 410}, statuses
    assert count(store, Response) == 1


def test_a_campaign_closed_through_one_instance_is_closed_on_both(two_instances, store):
    a, b = two_instances
    with store.transaction() as session:
        accounts.create(session, "hr@body.kz", PASSWORD, "hr")
    token = first_token(store, relation="other")
    assert fetch(browser(), f"{b}/r/{token}")[0] == 200
    hr = browser()
    _, login = fetch(hr, f"{a}/hr/login")
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    assert fetch(hr, f"{a}/hr/login", {"csrf_token": csrf, "email": "hr@body.kz", "password": PASSWORD})[0] == 302
    _, page = fetch(hr, f"{b}/hr/campaigns/1")  # the session made on A works on B
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert fetch(hr, f"{b}/hr/campaigns/1/close", {"csrf_token": csrf})[0] == 302
    assert fetch(browser(), f"{a}/r/{token}")[0] == 410
    assert fetch(browser(), f"{b}/r/{token}")[0] == 410


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    assert server, "redis-server is needed for this test: apt-get install redis-server (.ci/run installs it)"
    port = free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60  # as long as a busy machine may take to start it
        while True:
            assert process.poll() is None and time.monotonic() < deadline, "redis-server did not start"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_rate_limit_reached_through_one_instance_holds_on_the_other(database_url, redis_url):
    from survey import create_app

    config = {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "RATELIMIT_ENABLED": True,
              "RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_RESPONDENT": "5 per minute"}
    first, second = create_app(config).test_client(), create_app(config).test_client()
    statuses = [first.get("/r/forged").status_code for _ in range(5)]
    assert statuses == [404] * 5
    assert second.get("/r/forged").status_code == 429
