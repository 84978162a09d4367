"""Respondent page throughput: GET /r/<token> and the answer submit, served by gunicorn with two
workers on the benchmark database, against a bare Flask app served the same way in the same run.

Targets (issue 8): GET >= 30 % of the baseline's requests per second with p99 < 50 ms at 32
concurrent connections; submit >= 20 % of the baseline's POST rate.

    python bench/respondent.py --url postgresql+psycopg://postgres@127.0.0.1:55432/bench_web
The load comes from threads in this process on the same two cores as the servers: the figures are
ratios measured under the same conditions, not absolute capacity.
"""
from __future__ import annotations

import argparse
import re
import datetime as dt
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import table  # noqa: E402  (bench/table.py)

SECRET = "bench-secret"
CONCURRENCY = 32


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str, invitations: int) -> tuple[list[str], dict[str, str], str]:
    """A campaign with ``invitations`` open servant questionnaires; their links, full answers, and
    the link of one unit head's questionnaire (the largest page, for its weight)."""
    from survey.core import instruments as instrument_files
    from survey.campaigns import tokens
    from survey.core.config import Defaults
    from survey.web.common.database import Database
    from survey.core.models import Assessment, Campaign, Invitation, Person

    database = Database(url)
    database.drop_all()
    database.create_all()
    servant = instrument_files.load_all(Defaults.INSTRUMENTS_DIR)["servant"]
    with database.transaction() as session:
        campaign = Campaign(name="Bench", status="open", closes_on=dt.date.today() + dt.timedelta(days=30),
                            period=dt.date.today().year)
        session.add(campaign)
        raters = [Person(employee_id=f"R{r}", full_name=f"Rater {r}", position="", unit="", role="servant", email="",
                         language="ru") for r in range(5)]
        session.add_all(raters)
        keys = []
        for i in range(invitations // 5 + 1):
            person = Person(employee_id=f"A{i}", full_name=f"Қызметкер {i}", position="Бас сарапшы",
                            unit="Бөлім", role="servant", email="", language="kk")
            assessment = Assessment(campaign=campaign, assessee=person, instrument="servant", full_name=person.full_name,
                                    position=person.position, unit=person.unit)
            for rater in raters:
                invitation = Invitation(assessment=assessment, rater=rater, relation="peer")
                session.add(invitation)
                keys.append(invitation)
        head = Person(employee_id="H0", full_name="Бөлім басшысы", position="Басшы", unit="Бөлім", role="head",
                      email="", language="kk")
        largest = Invitation(assessment=Assessment(campaign=campaign, assessee=head, instrument="head",
                                                   full_name=head.full_name, position=head.position, unit=head.unit),
                             rater=raters[0], relation="subordinate")
        session.add(largest)
        session.flush()
        links = [tokens.sign(SECRET, i.key) for i in keys][:invitations]
        largest_link = tokens.sign(SECRET, largest.key)
    return links, {q.id: "4" for q in servant.questions}, largest_link


def serve(module: str, env: dict, threads: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--threads", str(threads),
                                "--bind", f"127.0.0.1:{port}", module], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{module} did not start")


def load(port: int, make_request, seconds: float) -> dict:
    """``make_request(connection, n)`` performs one request and says whether it succeeded; CONCURRENCY
    threads for ``seconds``. Only successful requests count towards the rate."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    counter = iter(range(10**9))

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.perf_counter() < stop:
            n = next(counter)
            started = time.perf_counter()
            try:
                ok = make_request(connection, n)
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            mine.append(time.perf_counter() - started)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {"rps": round((len(latencies) - errors[0]) / elapsed, 1), "p50_ms": round(statistics.median(latencies) * 1000, 1),
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1), "errors": errors[0],
            "requests": len(latencies)}


def get(path):
    def request(connection, n):
        connection.request("GET", path(n))
        response = connection.getresponse()
        response.read()
        return response.status == 200
    return request


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per gunicorn worker, for both servers (1: the sync worker, as issue 8 measures; docs/deployment.md runs 4)")
    args = parser.parse_args()
    links, answers, largest = prepare(args.url, 20000)  # enough that no submit link is used twice
    env = {**os.environ, "SURVEY_DATABASE_URL": args.url, "SURVEY_SECRET_KEY": SECRET,
           "SURVEY_RATELIMIT_ENABLED": "false"}
    baseline, base_port = serve("bench.hello:app", env, args.threads)
    platform, port = serve("wsgi:app", env, args.threads)
    try:
        weight, external = page_weight(port, f"/r/{largest}")
        hello = load(base_port, get(lambda n: "/hello"), args.seconds)
        form = load(port, get(lambda n: f"/r/{links[n % 5000]}"), args.seconds)

        body = urllib.parse.urlencode({"a": "1", "b": "2"})
        hello_post = load(base_port, lambda c, n: _post(c, "/hello", body, {}), args.seconds)

        # Links not opened above, each submitted once, whole; running out would count as errors.
        body = urllib.parse.urlencode({"action": "submit", **answers})
        fresh = links[5000:]
        submit = load(port, lambda c, n: n < len(fresh) and _post(c, f"/r/{fresh[n]}", body, {}, expect=302),
                      args.seconds)
    finally:
        for process in (baseline, platform):
            process.send_signal(signal.SIGTERM)
            process.wait()
    report = {
        "hello GET": hello, "respondent GET": form, "hello POST": hello_post, "respondent submit": submit,
        "GET ratio": round(form["rps"] / hello["rps"], 3), "submit ratio": round(submit["rps"] / hello_post["rps"], 3),
    }
    for key, value in report.items():
        print(f"{key}: {value}")
    engine = args.url.split(":", 1)[0].split("+")[0]
    setup = f"gunicorn 2 workers{f' x {args.threads} threads' if args.threads > 1 else ''}, {engine}"
    table.row(f"respondent GET vs bare Flask GET ({setup}, {CONCURRENCY} connections)",
              ">= 30 %, p99 < 50 ms", f"{report['GET ratio']:.0%} ({form['rps']:.0f} vs {hello['rps']:.0f} req/s), "
              f"p99 {form['p99_ms']} ms", report["GET ratio"] >= 0.3 and form["p99_ms"] < 50)
    table.row(f"answer submit vs bare Flask POST ({setup})", ">= 20 %",
              f"{report['submit ratio']:.0%} ({submit['rps']:.0f} vs {hello_post['rps']:.0f} /s)",
              report["submit ratio"] >= 0.2)
    table.row("respondent page with its stylesheet (36 questions)", "< 100 KB, no external request",
              f"{weight / 1000:.0f} KB, {external} external", weight < 100_000 and external == 0)


def page_weight(port: int, path: str) -> tuple[int, int]:
    """Bytes of the page and its stylesheet, and how many of its references point elsewhere."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", path)
    html = connection.getresponse().read()
    connection.close()
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", "/static/style.css")
    css = connection.getresponse().read()
    connection.close()
    external = len(re.findall(rb'(?:src|href|action)="(?:https?:)?//', html)) + css.count(b"url(") + css.count(b"@import")
    return len(html) + len(css), external


def _post(connection, path, body, headers, expect=200):
    connection.request("POST", path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded", **headers})
    response = connection.getresponse()
    response.read()
    return response.status == expect


if __name__ == "__main__":
    main()
