"""Several app servers on one database behave as one: sessions, CSRF, one response per link, closing.

Two gunicorn instances on two ports share the test database and the secret, as a ministry's
regional servers would behind one proxy. A Redis server started here carries the rate limits.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import PASSWORD, ROOT
from survey.staff import accounts
from survey.core.models import Response
from test_respond import SECRET, count, first_token, full_answers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process, log: Path) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise AssertionError(log.read_text())
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"no answer from {url}:\n{log.read_text()}")


@pytest.fixture
def two_instances(store, open_campaign, database_url, tmp_path):
    env = {**os.environ, "SURVEY_DATABASE_URL": database_url, "SURVEY_SECRET_KEY": SECRET,
           "SURVEY_RATELIMIT_ENABLED": "false"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    processes, bases = [], []
    for name in ("a", "b"):
        port = free_port()
        log = tmp_path / f"{name}.log"
        with open(log, "w") as out:
            process = subprocess.Popen([gunicorn, "--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{port}",
                                        "wsgi:app"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        processes.append(process)
        bases.append(f"http://127.0.0.1:{port}")
        wait_for(f"http://127.0.0.1:{port}/healthz", process, log)
    yield bases
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        process.wait(timeout=20)


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
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def test_a_rate_limit_reached_through_one_instance_holds_on_the_other(database_url, redis_url):
    from survey import create_app

    config = {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "RATELIMIT_ENABLED": True,
              "RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_RESPONDENT": "5 per minute"}
    first, second = create_app(config).test_client(), create_app(config).test_client()
    statuses = [first.get("/r/forged").status_code for _ in range(5)]
    assert statuses == [404] * 5
    assert second.get("/r/forged").status_code == 429
