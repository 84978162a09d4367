"""`survey demo` builds a whole campaign a newcomer can look at."""
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import openpyxl

from conftest import free_port, wait_until_serving
from survey.core.models import Person, Response


def test_demo_builds_a_body_a_campaign_answers_and_reports(runner, store, tmp_path):
    out = tmp_path / "demo"
    result = runner.invoke("demo", "--no-serve", "--out", str(out))
    assert result.exit_code == 0, result.output
    # Someone who may read the reports (order No. 260, para 21) besides the one who runs the campaigns.
    assert "head@demo.local (hr-head)" in result.output and "hr@demo.local (hr)" in result.output
    with store.transaction() as session:
        assert 35 <= session.query(Person).count() <= 45
        assert session.query(Response).count() > 200
    assert {p.language for p in _people(store)} == {"kk", "ru"}
    done, total = map(int, re.search(r"answered: (\d+) of (\d+)", result.output).groups())
    assert 0 < done < total
    links = re.findall(r"http://\S+/r/\S+", result.output)
    assert links
    reports = sorted((out / "reports").glob("*.html"))
    assert len(reports) == 39  # 39 people but the one appointed a month ago (para 6), and the index
    withheld = [p for p in reports if "<img" not in p.read_text(encoding="utf-8") and p.name != "index.html"]
    assert len(withheld) == 2
    book = openpyxl.load_workbook(out / "results.xlsx")
    assert sum(sheet.max_row - 1 for sheet in book.worksheets[1:3]) == 38  # one row per assessee (the newcomer is not assessed)


def test_demo_open_links_work(runner, client, tmp_path):
    result = runner.invoke("demo", "--no-serve", "--out", str(tmp_path / "demo"))
    path = re.findall(r"http://[^/\s]+(/r/\S+)", result.output)[0]
    assert client.get(path).status_code == 200


def _people(store):
    with store.transaction() as session:
        return session.query(Person).all()


def test_survey_demo_serves_the_site_as_the_readme_says(tmp_path):
    """The README's first command, as a real process: build, serve, answer a request, and stop
    cleanly on SIGTERM (SIGINT would be ignored when the tests run as a background job)."""
    env = {**os.environ, "SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite'}",
           "SURVEY_SECRET_KEY": "demo-test-secret"}
    survey = shutil.which("survey", path=str(Path(sys.executable).parent))
    process = subprocess.Popen([survey, "demo", "--port", str(free_port()), "--out", str(tmp_path / "out")],
                               cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True)
    reader.start()
    try:
        output, deadline = "", time.monotonic() + 120
        while "/r/" not in output or output.count("\n") < 10:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"the demo printed no link within 120 s:\n{output}") from None
            assert line, f"demo exited early:\n{output}"
            output += line
        link = re.findall(r"http://\S+/r/\S+", output)[0]
        wait_until_serving(link.split("/r/")[0] + "/healthz", process)
        with urllib.request.urlopen(link, timeout=30) as page:
            body = page.read().decode()
        assert page.status == 200 and 'type="radio"' in body
    finally:
        process.terminate()
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        reader.join(timeout=5)
        process.stdout.close()
    assert code == 0, f"SIGTERM should stop the demo as Ctrl-C does (exit status {code})"


def _read_lines(stream, into: queue.Queue) -> None:
    """Every line, then "" at the end: the test waits on the queue with a deadline, never on a read."""
    for line in stream:
        into.put(line)
    into.put("")


def test_wsgi_module_builds_the_app(monkeypatch, tmp_path):
    import importlib
    import sys

    monkeypatch.setenv("SURVEY_DATABASE_URL", f"sqlite:///{tmp_path / 'w.sqlite'}")
    monkeypatch.setenv("SURVEY_SECRET_KEY", "wsgi-test")
    sys.modules.pop("wsgi", None)
    module = importlib.import_module("wsgi")
    assert module.app.config["DATABASE_URL"].endswith("w.sqlite")
    assert module.app.test_client().get("/").status_code == 200


def test_wsgi_refuses_to_start_without_a_configured_secret(monkeypatch, tmp_path):
    import importlib
    import sys

    import pytest

    from survey.core.config import ConfigurationError

    monkeypatch.setenv("SURVEY_DATABASE_URL", f"sqlite:///{tmp_path / 'w.sqlite'}")
    monkeypatch.delenv("SURVEY_SECRET_KEY", raising=False)
    sys.modules.pop("wsgi", None)
    with pytest.raises(ConfigurationError, match="SURVEY_SECRET_KEY"):
        importlib.import_module("wsgi")


def test_proxy_fix_trusts_the_configured_proxy(database_url):
    from flask import request

    from survey import create_app

    for hops, expected in ((1, "https 360.gov.kz"), (0, "http localhost")):
        app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", "PROXY_FIX": hops})
        app.add_url_rule("/_where", "where", lambda: f"{request.scheme} {request.host}")
        response = app.test_client().get("/_where", headers={"X-Forwarded-Proto": "https",
                                                             "X-Forwarded-Host": "360.gov.kz"})
        assert response.get_data(as_text=True) == expected
