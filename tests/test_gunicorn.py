"""Served as in production: gunicorn with two workers through wsgi.py, on the test database."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import ROOT
from test_respond import SECRET, first_token


def test_gunicorn_serves_the_respondent_page_and_logs_no_link(store, open_campaign, database_url, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "SURVEY_DATABASE_URL": database_url, "SURVEY_SECRET_KEY": SECRET}
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as out:
        server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--workers", "2",
                                   "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                                  cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    token = first_token(store, relation="other")
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/r/{token}", timeout=5) as page:
                    body = page.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError(log.read_text())
        assert page.status == 200 and 'type="radio"' in body
        assert page.headers["Referrer-Policy"] == "no-referrer"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    assert token not in log.read_text() and "/r/" not in log.read_text()
