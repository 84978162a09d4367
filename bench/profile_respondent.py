"""Where a respondent request's time goes: the GET of a fresh link, of a link with a saved draft,
and the submit, run in this process through Flask's test client against bench/generate.py's body.

    python bench/profile_respondent.py --url sqlite:////tmp/profile.sqlite
    python bench/profile_respondent.py --url "$PG_URL" --requests 2000 --cprofile

Each request's wall time is split among the parts the issue names, by timing the functions that
do them (each part counts only its own time: the limiter's time excludes nothing of the others,
because none of them runs inside it; a commit's time excludes the connection's return to the pool):

- connection: taking a connection from SQLAlchemy's pool and giving it back (with its reset, a
  rollback), and opening one with its pragmas when the pool has none;
- limiter: counting the request against its limit (``limits``' fixed window, in its SQLite file;
  until 2026-12-01 Flask-Limiter's whole check, ``_check_request_limit``, which before 2026-11-30
  also ran before every request); the view decorator's own work around it falls under "other";
- link signature: checking the token's HMAC (itsdangerous);
- templates: Jinja rendering (the page shell and the questions are cached per process, so this is
  the assessee's part, or the questions again when a draft fills them in);
- draft decryption: AES-GCM of the saved draft, and sealing on a save;
- database: running statements (the ORM session's and Core's execution, since 2026-12-01 the read of a
  respondent's GET through ``core.reading.Reading``, and the driver) and the commit;
- other: everything else: Flask and Werkzeug (routing, the request and response objects, the test
  client's environ), the platform's hooks and headers, reading the form, Python around it all.

For scale the same harness times the bare Flask app of bench/hello.py (``/hello`` and the
comparable ``/page``): what a request costs here with no platform work at all. The figures are
per request, in microseconds, medians of the per-request values. The test client does not parse
HTTP; gunicorn adds the same parsing to the platform and to bare Flask alike.
"""
from __future__ import annotations

import argparse
import cProfile
import functools
import io
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import hello  # noqa: E402  (bench/hello.py)
import respondent  # noqa: E402  (bench/respondent.py)

PARTS = ("connection", "limiter", "link signature", "templates", "draft decryption", "database", "other")


class Spans:
    """Self time per part: a part's time minus the time of the parts that run inside it."""

    def __init__(self):
        self.totals: dict[str, float] = defaultdict(float)
        self.stack: list[list] = []  # [part, start, time of the parts inside]

    def wrap(self, part: str, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            self.stack.append([part, time.perf_counter(), 0.0])
            try:
                return function(*args, **kwargs)
            finally:
                name, start, inner = self.stack.pop()
                elapsed = time.perf_counter() - start
                self.totals[name] += elapsed - inner
                if self.stack:
                    self.stack[-1][2] += elapsed
        return timed

    def patch(self, owner, attribute: str, part: str) -> None:
        original = owner.__dict__[attribute]
        if isinstance(original, classmethod):
            setattr(owner, attribute, classmethod(self.wrap(part, original.__func__)))
        elif isinstance(original, staticmethod):
            setattr(owner, attribute, staticmethod(self.wrap(part, original.__func__)))
        else:
            setattr(owner, attribute, self.wrap(part, original))

    def take(self) -> dict[str, float]:
        totals, self.totals = dict(self.totals), defaultdict(float)
        return totals


def instrument(spans: Spans) -> None:
    import jinja2
    from limits.strategies import FixedWindowRateLimiter
    from sqlalchemy.engine import base as engine_base
    from sqlalchemy.orm import session as orm_session
    from sqlalchemy.pool import base as pool_base

    from survey.campaigns import drafts, tokens
    from survey.core import reading

    spans.patch(pool_base._ConnectionFairy, "_checkout", "connection")
    spans.patch(pool_base._ConnectionFairy, "_checkin", "connection")
    spans.patch(FixedWindowRateLimiter, "hit", "limiter")
    spans.patch(tokens, "verify", "link signature")
    spans.patch(jinja2.Template, "render", "templates")
    spans.patch(drafts, "unseal", "draft decryption")
    spans.patch(drafts, "seal", "draft decryption")
    spans.patch(engine_base.Connection, "_execute_context", "database")
    spans.patch(reading.Reading, "execute", "database")
    spans.patch(orm_session.Session, "execute", "database")
    spans.patch(orm_session.Session, "commit", "database")


def measure(spans: Spans, call, paths: list[str], *, expect: int) -> tuple[list[float], dict[str, list[float]]]:
    walls, parts = [], defaultdict(list)
    spans.take()
    for path in paths:
        started = time.perf_counter()
        status = call(path)
        wall = time.perf_counter() - started
        if status != expect:
            raise RuntimeError(f"{path[:12]}...: HTTP {status}, expected {expect}")
        walls.append(wall)
        taken = spans.take()
        for part in PARTS[:-1]:
            parts[part].append(taken.get(part, 0.0))
        parts["other"].append(wall - sum(taken.values()))
    return walls, parts


def show(title: str, walls: list[float], parts: dict[str, list[float]] | None) -> None:
    median = statistics.median(walls) * 1e6
    print(f"\n{title}: {len(walls)} requests, median {median:.0f} µs, p90 "
          f"{sorted(walls)[int(len(walls) * 0.9)] * 1e6:.0f} µs")
    if parts:
        means = {part: statistics.fmean(values) * 1e6 for part, values in parts.items()}
        whole = sum(means.values())
        for part in PARTS:
            print(f"  {part:<17} {means[part]:7.0f} µs  {means[part] / whole:5.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="a database kept for benchmarks (every table is dropped)")
    parser.add_argument("--assessees", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=1000, help="of each kind")
    parser.add_argument("--cprofile", action="store_true", help="also print cProfile's 25 costliest functions of each kind")
    args = parser.parse_args()

    links, answers, _largest = respondent.prepare(args.url, args.assessees)
    n = args.requests
    if len(links["submit"]) < 2 * n:
        sys.exit(f"only {len(links['submit'])} links to submit: use more --assessees or fewer --requests")
    tmp = Path(tempfile.mkdtemp(prefix="bench-profile."))
    from survey.web.public import create_app

    app = create_app({"DATABASE_URL": args.url, "SECRET_KEY": respondent.SECRET,
                      "RATELIMIT_RESPONDENT": "1000000 per minute",
                      "RATELIMIT_STORAGE_URI": f"sqlite:///{tmp / 'ratelimits.sqlite'}"})
    client = app.test_client()
    base = hello.app.test_client()
    submit_body = dict(answers, action="submit")
    page_body = {**{q: "4" for q in hello.QUESTIONS}, "action": "submit"}
    kinds = {
        "bare Flask GET /hello": (lambda p: base.get(p).status_code, ["/hello"] * n, 200),
        "comparable Flask page GET /page": (lambda p: base.get(p).status_code, ["/page"] * n, 200),
        "respondent GET, fresh link": (lambda p: client.get(p).status_code,
                                       [f"/r/{t}" for t in links["fresh"]] * (n // len(links["fresh"]) + 1), 200),
        "respondent GET, link with a draft": (lambda p: client.get(p).status_code,
                                              [f"/r/{t}" for t in links["draft"]] * (n // max(1, len(links["draft"])) + 1), 200),
        "bare Flask POST /hello": (lambda p: base.post(p, data={"a": "1", "b": "2"}).status_code, ["/hello"] * n, 200),
        "comparable Flask POST /page": (lambda p: base.post(p, data=page_body).status_code, ["/page"] * n, 302),
        "respondent submit": (lambda p: client.post(p, data=submit_body).status_code,
                              [f"/r/{t}" for t in links["submit"]], 302),
    }
    try:
        run(kinds, n, links, args.cprofile)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the limiter's counters


def run(kinds: dict, n: int, links: dict, cprofile_too: bool) -> None:
    spans = Spans()
    # Warm up: first renders fill the page cache, the pool opens its connections.
    for title, (call, paths, expect) in kinds.items():
        for path in paths[n:n + 50] if title == "respondent submit" else paths[:50]:
            call(path)
    instrument(spans)
    for title, (call, paths, expect) in kinds.items():
        paths = paths[:n]
        walls, parts = measure(spans, call, paths, expect=expect)
        show(title, walls, parts if title.startswith("respondent") else None)
        if cprofile_too and title.startswith("respondent"):
            more = [f"/r/{t}" for t in links["submit"][n + 50:2 * n]] if title == "respondent submit" else paths
            profile = cProfile.Profile()
            profile.enable()
            for path in more:
                call(path)
            profile.disable()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(25)
            print(out.getvalue())


if __name__ == "__main__":
    main()
