"""Served as in production: gunicorn with two workers through wsgi.py, on the test database."""
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from conftest import ROOT, SECRET, first_token, free_port, wait_until_serving


def test_gunicorn_serves_the_respondent_page_and_logs_no_link(store, open_campaign, database_url, tmp_path):
    env = {**os.environ, "SURVEY_DATABASE_URL": database_url, "SURVEY_SECRET_KEY": SECRET}
    base, log = f"http://127.0.0.1:{free_port()}", tmp_path / "gunicorn.log"
    with open(log, "w") as out:
        server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--workers", "2",
                                   "--bind", base.removeprefix("http://"), "wsgi:app"],
                                  cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    token = first_token(store, relation="other")
    try:
        wait_until_serving(f"{base}/healthz", server, log)
        with urllib.request.urlopen(f"{base}/r/{token}", timeout=30) as page:
            body = page.read().decode()
        assert page.status == 200 and 'type="radio"' in body
        assert page.headers["Referrer-Policy"] == "no-referrer"
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert token not in log.read_text() and "/r/" not in log.read_text()
