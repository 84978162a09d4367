"""Respondent page throughput measured with wrk: GET /r/<token> for a fresh link and for a link
with a saved draft, and the answer submit, served by gunicorn with two sync workers, against a bare
Flask app (bench/hello.py) served the same way in the same run.

Targets (issue 21): GET >= 30 % of bare Flask's requests per second with p99 < 50 ms at 32
connections; submit >= 20 % of a bare POST; on SQLite and PostgreSQL alike.

    python bench/respondent.py --url sqlite:////tmp/respondent.sqlite
    python bench/respondent.py --url "$PG_URL" --repeat 3
    python bench/respondent.py --url "$PG_URL" --install      # apt-get install wrk if it is missing

The database is bench/generate.py's body (20,000 assessees by default: a closed campaign and an
open one, 60 % of its invitations answered, a tenth of the others with a saved draft), so the
link's row, the assessee's responses a submit rewrites and the indexes are those of a real round.
Every table of the database is dropped first. The load generator is wrk (C, two threads, 32
connections); it still shares the two cores with the servers, so compare the ratios, not the
rates. The respondent rate limit is raised out of the way through the configuration but stays
switched on (its counting is part of each request); ``--limiter off`` switches it off to see its
cost.
"""
from __future__ import annotations

import argparse
import re
import http.client
import itertools
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402  (bench/generate.py)
import hello  # noqa: E402  (bench/hello.py)
import table  # noqa: E402  (bench/table.py)

SECRET = "bench-secret-" + "x" * 40
CONNECTIONS = 32
THREADS = 2
WARM_UP = 2  # seconds of wrk before each measured run
LUA = ROOT / "bench" / "wrk.lua"
POOL = 2000  # links each GET run cycles through


def find_wrk(install: bool) -> str:
    found = shutil.which("wrk") or ("/usr/bin/wrk" if Path("/usr/bin/wrk").exists() else None)
    if found:
        return found
    if install:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
        found = shutil.which("wrk")
        if found:
            return found
    sys.exit("bench/respondent.py needs wrk, the HTTP load generator (Debian: apt-get install wrk); "
             "run it with --install to install it through apt-get.")


def prepare(url: str, assessees: int) -> tuple[dict[str, list[str]], dict[str, str], str]:
    """The body, and the signed links of the open campaign's questionnaires: ``fresh`` and ``draft``
    (servants', for the GETs), ``submit`` (servants' and unit heads', each used once, never opened
    by a GET run); the answers of a whole unit head's questionnaire, whose questions include every
    servant's question (a servant's submit takes its own 24 and ignores the rest), so that three
    measured runs of about 900 submits a second do not run out of links; the link of a unit head's
    questionnaire (the largest page)."""
    from sqlalchemy import select

    from survey.campaigns import tokens
    from survey.core import instruments as instrument_files
    from survey.core.config import Defaults
    from survey.core.database import Database
    from survey.core.models import Assessment, Invitation

    print(generate.generate(url, assessees, invitations=True, secret=SECRET), flush=True)
    database = Database(url)
    with database.engine.connect() as connection:
        rows = connection.execute(
            select(Invitation.key, Assessment.instrument, Invitation.draft.is_not(None))
            .join(Assessment, Assessment.id == Invitation.assessment_id)
            .where(Assessment.campaign_id == generate.OPEN_CAMPAIGN, Invitation.done.is_(False))
            .order_by(Invitation.key)).all()
    database.engine.dispose()
    servant = [(key, draft) for key, instrument, draft in rows if instrument == "servant"]
    drafted = [tokens.sign(SECRET, key) for key, draft in servant if draft][:POOL]
    plain = [tokens.sign(SECRET, key) for key, draft in servant if not draft]
    heads = [key for key, instrument, draft in rows if instrument == "head" and not draft]
    loaded = instrument_files.load_all(Defaults.INSTRUMENTS_DIR)
    questions = [q.id for q in loaded["head"].questions]
    assert {q.id for q in loaded["servant"].questions} <= set(questions)
    pool = min(POOL, len(plain) // 4)  # a small body keeps most of its links for submits
    # Servants' and heads' links alternate, so that every run submits both kinds alike.
    submit = [link for pair in itertools.zip_longest(plain[pool:], [tokens.sign(SECRET, key) for key in heads[1:]])
              for link in pair if link]
    links = {"fresh": plain[:pool], "draft": drafted, "submit": submit}
    return links, {q: "4" for q in questions}, tokens.sign(SECRET, heads[0])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(module: str, env: dict, threads: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--threads", str(threads),
                                "--bind", f"127.0.0.1:{port}", module], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{module} did not start")


class Wrk:
    def __init__(self, binary: str, tmp: Path, seconds: float):
        self.binary, self.tmp, self.seconds = binary, tmp, seconds

    def run(self, port: int, paths: list[str], *, seconds: float, body: str | None = None, once: bool = False) -> dict:
        paths_file = self.tmp / "paths"
        paths_file.write_text("\n".join(paths) + "\n")
        extra = [str(THREADS)]
        if body is not None:
            (self.tmp / "body").write_text(body)
            extra += ["POST", str(self.tmp / "body")] + (["once"] if once else [])
        out = subprocess.run([self.binary, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds:g}s", "--timeout", "10s",
                              "-s", str(LUA), f"http://127.0.0.1:{port}", "--", str(paths_file), *extra],
                             capture_output=True, text=True, check=True).stdout
        line = next(line for line in out.splitlines() if line.startswith("WRK "))
        figures = {k: int(v) for k, v in (item.split("=") for item in line.split()[1:])}
        good = figures["requests"] - figures["status"]
        return {"rps": good / (figures["duration_us"] / 1e6), "p50_ms": figures["p50_us"] / 1000,
                "p99_ms": figures["p99_us"] / 1000, "errors": figures["status"] + figures["timeout"] + figures["read"]
                + figures["connect"] + figures["write"], "requests": figures["requests"], "ran_out": figures["ran_out"],
                "next": figures["next"]}

    def get(self, port: int, paths: list[str]) -> dict:
        self.run(port, paths, seconds=WARM_UP)
        return self.run(port, paths, seconds=self.seconds)

    def post(self, port: int, links: list[str], body: str) -> tuple[dict, int]:
        """Warm up on the first links, measure on the following ones; returns how many were used
        (the furthest line a wrk thread reached: the threads do not go at the same pace)."""
        warm = self.run(port, links, seconds=WARM_UP, body=body, once=True)
        used = warm["next"]
        result = self.run(port, links[used:], seconds=self.seconds, body=body, once=True)
        return result, used + result["next"]


def measure(wrk: Wrk, base_port: int, port: int, links: dict, answers: dict) -> dict:
    fields = urllib.parse.urlencode({**{q: "4" for q in hello.QUESTIONS}, "action": "submit"})
    submit_body = urllib.parse.urlencode({"action": "submit", **answers})
    out = {"hello GET": wrk.get(base_port, ["/hello"]),
           "page GET": wrk.get(base_port, ["/page"]),
           "fresh GET": wrk.get(port, [f"/r/{t}" for t in links["fresh"]]),
           "draft GET": wrk.get(port, [f"/r/{t}" for t in links["draft"]]),
           "hello POST": wrk.run(base_port, ["/hello"], seconds=wrk.seconds, body="a=1&b=2"),
           "page POST": wrk.run(base_port, ["/page"], seconds=wrk.seconds, body=fields)}
    submit, used = wrk.post(port, [f"/r/{t}" for t in links["submit"]], submit_body)
    del links["submit"][:used]
    out["submit"] = submit
    return out


def spread(values: list[float], fmt: str = "{:.0f}") -> str:
    if len(values) == 1:
        return fmt.format(values[0])
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="SQLite or PostgreSQL URL of a database kept for benchmarks")
    parser.add_argument("--assessees", type=int, default=20000)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--repeat", type=int, default=1, help="measure N times: median and range")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per gunicorn worker, for both servers (1: the sync worker the targets name)")
    parser.add_argument("--limiter", choices=("on", "off"), default="on")
    parser.add_argument("--install", action="store_true", help="install wrk with apt-get if it is missing")
    args = parser.parse_args()
    binary = find_wrk(args.install)

    links, answers, largest = prepare(args.url, args.assessees)
    tmp = Path(tempfile.mkdtemp(prefix="bench-respondent."))
    env = {**os.environ, "SURVEY_DATABASE_URL": args.url, "SURVEY_SECRET_KEY": SECRET,
           "SURVEY_RATELIMIT_RESPONDENT": "1000000 per minute",
           "SURVEY_RATELIMIT_STORAGE_URI": f"sqlite:///{tmp / 'ratelimits.sqlite'}",
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench")])}
    if args.limiter == "off":
        env["SURVEY_RATELIMIT_ENABLED"] = "false"
    baseline, base_port = serve("hello:app", env, args.threads)
    platform, port = serve("survey.wsgi:public()", env, args.threads)
    runs = []
    try:
        weight, external = page_weight(port, f"/r/{largest}")
        wrk = Wrk(binary, tmp, args.seconds)
        for n in range(args.repeat):
            runs.append(measure(wrk, base_port, port, links, answers))
            print(f"run {n + 1}: " + "; ".join(f"{k} {v['rps']:.0f}/s p50 {v['p50_ms']:.1f} ms p99 {v['p99_ms']:.1f} ms"
                                               f"{' errors ' + str(v['errors']) if v['errors'] else ''}"
                                               f"{' RAN OUT OF LINKS' if v['ran_out'] else ''}"
                                               for k, v in runs[-1].items()), flush=True)
    finally:
        for process in (baseline, platform):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()
        shutil.rmtree(tmp, ignore_errors=True)

    engine = args.url.split(":", 1)[0].split("+")[0]
    setup = (f"wrk {THREADS} threads, {CONNECTIONS} connections; gunicorn 2 workers"
             f"{f' x {args.threads} threads' if args.threads > 1 else ''}; {engine}"
             f"{'; limiter off' if args.limiter == 'off' else ''}")

    def ratio(kind: str, base: str) -> list[float]:
        return [run[kind]["rps"] / run[base]["rps"] for run in runs]

    def rates(kind: str) -> str:
        return spread([run[kind]["rps"] for run in runs])

    for kind, label in (("fresh GET", "a fresh link"), ("draft GET", "a link with a saved draft")):
        r, p99 = ratio(kind, "hello GET"), [run[kind]["p99_ms"] for run in runs]
        table.row(f"respondent GET, {label}, vs bare Flask GET ({setup})", ">= 30 %, p99 < 50 ms",
                  f"{spread([x * 100 for x in r])} % ({rates(kind)} vs {rates('hello GET')} req/s), "
                  f"p50 {spread([run[kind]['p50_ms'] for run in runs], '{:.1f}')} ms, p99 {spread(p99, '{:.1f}')} ms; "
                  f"{spread([x * 100 for x in ratio(kind, 'page GET')])} % of a comparable Flask page "
                  f"({rates('page GET')} req/s)",
                  statistics.median(r) >= 0.3 and statistics.median(p99) < 50)
    r = ratio("submit", "hello POST")
    table.row(f"answer submit vs bare Flask POST ({setup})", ">= 20 %",
              f"{spread([x * 100 for x in r])} % ({rates('submit')} vs {rates('hello POST')} /s), "
              f"p50 {spread([run['submit']['p50_ms'] for run in runs], '{:.1f}')} ms, "
              f"p99 {spread([run['submit']['p99_ms'] for run in runs], '{:.1f}')} ms; "
              f"{spread([x * 100 for x in ratio('submit', 'page POST')])} % of a comparable Flask POST "
              f"({rates('page POST')} /s)",
              statistics.median(r) >= 0.2 and not any(run["submit"]["ran_out"] for run in runs))
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


if __name__ == "__main__":
    main()
