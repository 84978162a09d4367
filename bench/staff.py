"""Every staff page and download, timed at size: a body of N assessees (bench/generate.py with a
closed campaign, id 1, an open one in progress, id 2, and the same body's closed campaign of the
year before, id 3, which the year-over-year comparison reads beside id 1), an account per role, the staff
application under gunicorn as deployed (two sync workers, ``--timeout 120``), and a real HTTP
client that signs in through the sign-in form like a browser.

    python bench/staff.py                                   # 20,000 assessees, a SQLite file in /tmp
    python bench/staff.py --url "$PG_URL" --repeat 3         # PostgreSQL; median and spread of 3
    python bench/staff.py --assessees 100000                 # the linear check
    python bench/staff.py --reuse --url /tmp/staff.sqlite --only 'trainer|quality'

Targets (issue 21): an HTML page <= 1 s and <= 300 KB; an export or bulk action returns within
1 s (longer work runs as a job); closing a campaign (a job) <= 20 s; every process <= 500 MB.
The pages are read from the staff application's own URL map, so a new GET route is timed without
changing this script; the few it cannot fill in are listed as skipped, with the reason.
Each page is timed with the first role allowed to see it (trainer, hr, hr-head), or with each
allowed role with ``--every-role``; the roles are read from the view's ``auth.requires``.
"""
from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import itertools
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402  (bench/generate.py)
import table  # noqa: E402  (bench/table.py)

SECRET = "bench-secret-" + "x" * 40
ROLES = ("trainer", "hr", "hr-head")  # the order a page's timing role is chosen in
PAGE_TARGET = (1.0, 300_000)
EXPORT_TARGET = 1.0
MEMORY_TARGET_MB = 500
CLOSE_TARGET = 20.0
READY_TARGET = 15.0  # a file a job prepares: the results workbook at 20,000 assessees
# Routes a signed-in client cannot simply GET: the sign-in steps themselves, a one-time link.
SKIP = {
    "auth.login": "the sign-in form (used to sign in)",
    "second_factor.code": "a step of signing in with a second factor",
    "second_factor.enrol_first": "a step of signing in with a second factor",
    "accounts.choose_password": "needs a one-time set-password link",
    "static": "static files",
}


# --- the body and the accounts ------------------------------------------------------------------

def database_url(url: str | None, tmp: Path) -> str:
    if not url:
        return f"sqlite:///{tmp / 'staff.sqlite'}"
    return url if "://" in url else f"sqlite:///{Path(url).resolve()}"


def make_accounts(url: str) -> dict[str, tuple[str, str]]:
    """One account per role through the platform's own code, with a password it accepts."""
    from survey.core.database import Database
    from survey.staff import accounts

    made = {}
    database = Database(url)
    with database.transaction() as session:
        for role in ROLES:
            email = f"bench-{role}@bench.example"
            password = secrets.token_urlsafe(18)
            user = accounts.find(session, email)
            if user is None:
                accounts.create(session, email, password, role, actor="bench")
            else:
                accounts.set_password(session, user, password)
            made[role] = (email, password)
    database.engine.dispose()
    return made


# --- the server ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str, tmp: Path, *, workers: int, timeout: int,
          entry: str = "survey.wsgi:staff()") -> tuple[subprocess.Popen, int, Path]:
    port = free_port()
    log = tmp / f"gunicorn-{entry.split(':')[-1].rstrip('()')}.log"
    env = {**os.environ, "SURVEY_DATABASE_URL": url, "SURVEY_SECRET_KEY": SECRET,
           "SURVEY_RATELIMIT_STORAGE_URI": f"sqlite:///{tmp / 'ratelimits.sqlite'}",
           "SURVEY_JOBS_DIR": str(tmp / "jobs"), "SURVEY_SESSION_IDLE_MINUTES": "720",
           "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--timeout", str(timeout),
         "--bind", f"127.0.0.1:{port}", entry],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start:\n{log.read_text()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port, log
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start within a minute")


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _memory_kb(pid: int) -> tuple[int, int]:
    """(resident now, peak resident) of a process, from /proc."""
    now = peak = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                now = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1])
    except OSError:
        pass
    return now, peak


class Memory(threading.Thread):
    """Samples the workers of one gunicorn master: each worker's peak (VmHWM, so that nothing
    between samples is missed) and the largest worker during the request in flight."""

    def __init__(self, master: int):
        super().__init__(daemon=True)
        self.master = master
        self.peaks: dict[int, int] = {}  # pid -> peak kB, workers killed on the way included
        self.window = 0
        self._stop = threading.Event()

    def run(self) -> None:
        while not self._stop.wait(0.05):
            for pid in _children(self.master):
                now, peak = _memory_kb(pid)
                self.peaks[pid] = max(self.peaks.get(pid, 0), peak)
                self.window = max(self.window, now)

    def start_window(self) -> None:
        self.window = max((_memory_kb(pid)[0] for pid in _children(self.master)), default=0)

    def stop(self) -> None:
        self._stop.set()


# --- the client ---------------------------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Result:
    seconds: float
    status: str  # the HTTP status, or "timeout" / "killed" / an error's name
    size: int = 0
    kind: str = ""  # the response's content type, without parameters
    location: str = ""
    rss: int = 0  # kB: the largest worker while the request ran
    ready: float = 0.0  # a file prepared by a job (HTTP 202 until then): seconds until it came down


class Browser:
    """A signed-in member of staff: a cookie jar, the CSRF token from the forms, no redirects followed."""

    def __init__(self, base: str, email: str, password: str, timeout: float):
        self.base, self.email, self.password, self.timeout = base, email, password, timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def _open(self, path: str, data: dict | None = None) -> tuple[int, dict, bytes]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=self.timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx: still a response
            return error.code, dict(error.headers), error.read()

    def csrf(self, path: str) -> str:
        status, _headers, html = self._open(path)
        found = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html) or \
            re.search(rb'value="([^"]+)"[^>]*name="csrf_token"', html)
        if not found:
            raise RuntimeError(f"no CSRF token on {path} (HTTP {status})")
        return found.group(1).decode()

    def sign_in(self) -> None:
        token = self.csrf("/hr/login")
        status, headers, _ = self._open("/hr/login", {"csrf_token": token, "email": self.email,
                                                      "password": self.password})
        if status != 302 or "/login" in headers.get("Location", ""):
            raise RuntimeError(f"{self.email} could not sign in (HTTP {status})")

    def time(self, path: str, data: dict | None = None) -> Result:
        started = time.perf_counter()
        try:
            status, headers, body = self._open(path, data)
        except (TimeoutError, socket.timeout):
            return Result(time.perf_counter() - started, "timeout")
        except (http.client.RemoteDisconnected, ConnectionResetError, http.client.IncompleteRead) as error:
            # gunicorn kills a worker that takes longer than --timeout: the connection just ends.
            return Result(time.perf_counter() - started, "killed", kind=type(error).__name__)
        except (OSError, http.client.HTTPException) as error:
            return Result(time.perf_counter() - started, type(error).__name__)
        elapsed = time.perf_counter() - started
        return Result(elapsed, str(status), len(body), headers.get("Content-Type", "").split(";")[0],
                      headers.get("Location", ""))

    def get(self, path: str) -> Result:
        result = self.time(path)
        if result.status == "302" and "/hr/login" in result.location:  # the session ended: once more
            self.sign_in()
            result = self.time(path)
        if result.status == "202":  # a job prepares the file: ask again, as the waiting page does
            started, first = time.perf_counter() - result.seconds, result
            while result.status == "202" and time.perf_counter() - started < self.timeout:
                time.sleep(0.25)
                result = self.time(path)
            first.ready, first.size, first.kind = time.perf_counter() - started, result.size, result.kind
            if result.status != "200":
                first.status = f"202/{result.status}"
            result = first
        return result


# --- the pages ----------------------------------------------------------------------------------

@dataclass
class Page:
    path: str
    endpoint: str
    roles: tuple[str, ...]  # allowed to see it; () when the view does not say
    results: dict[str, list[Result]] = field(default_factory=dict)  # role -> one per repeat


def allowed_roles(view) -> tuple[str, ...]:
    """The roles given to ``auth.requires`` around a view (its closure), or () if it has none."""
    function = view
    while function is not None:
        code = getattr(function, "__code__", None)
        if code is not None and "roles" in code.co_freevars:
            return tuple(function.__closure__[code.co_freevars.index("roles")].cell_contents)
        function = getattr(function, "__wrapped__", None)
    return ()


def _values(converter, name: str, endpoint: str, ids: dict) -> list[str]:
    """What to fill into one variable of a route."""
    choices = getattr(converter, "items", None)  # any(...)
    if choices:
        return sorted(choices)
    if name == "campaign_id":
        return [str(c) for c in ids["campaigns"]]
    if name == "assessment_id":
        return ["{assessment}"]  # the first assessment of the campaign in the same path
    if name == "instrument_id":
        return ["head", "servant"]
    if name == "fmt":
        return ["png", "svg"]
    if name == "kind":
        if endpoint.startswith("quality."):
            from survey.quality import charts
            return list(charts.CHARTS)
        from survey.training import charts
        return list(charts.KINDS)
    if name == "person_id":
        return ["1"]
    if name == "user_id":
        return [str(ids["user"])]
    raise KeyError(name)


# Query strings some pages need to show anything: the unit of a unit's ZIP, the campaigns compared.
# The comparison is of the year before (id 3) with the closed campaign (id 1), both at full size.
COMPARED = f"?a={generate.EARLIER_CAMPAIGN}&b=1"
QUERY = {"reports.unit_archive": "?unit=Unit%201", "quality.compare": COMPARED,
         "quality.compare_xlsx": COMPARED, "quality.compare_chart": COMPARED}


def pages(assessees: int, user_id: int, only: str | None) -> tuple[list[Page], list[tuple[str, str]]]:
    from survey.web.staff import create_app

    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://", "TESTING": True})
    ids = {"campaigns": (1, generate.OPEN_CAMPAIGN), "user": user_id}
    found, skipped = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods:
            continue
        if rule.endpoint in SKIP:
            skipped.append((rule.rule, SKIP[rule.endpoint]))
            continue
        roles = allowed_roles(app.view_functions[rule.endpoint])
        names = sorted(rule.arguments)
        try:
            choices = [_values(rule._converters[name], name, rule.endpoint, ids) for name in names]
        except KeyError as unknown:  # a route newer than this script: say so rather than stop
            skipped.append((rule.rule, f"no value known for <{unknown.args[0]}>: teach bench/staff.py its ids"))
            continue
        for combination in itertools.product(*choices):
            values = dict(zip(names, combination))
            if values.get("assessment_id") == "{assessment}":
                campaign = int(values["campaign_id"])
                values["assessment_id"] = "1" if campaign == 1 else str(assessees + 1)
            path = rule.rule
            for name, value in values.items():
                path = re.sub(r"<(?:[^:<>]+:)?" + name + r">", value, path)
            path += QUERY.get(rule.endpoint, "")
            if only and not re.search(only, path):
                continue
            found.append(Page(path, rule.endpoint, roles))
    return found, skipped


# --- report -------------------------------------------------------------------------------------

def _mb(kb: int) -> str:
    return f"{kb / 1024:.0f} MB"


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB"


def summary(results: list[Result]) -> tuple[float, str]:
    seconds = [r.seconds for r in results]
    median = statistics.median(seconds)
    spread = f"{min(seconds):.2f}-{max(seconds):.2f} s" if len(seconds) > 1 else ""
    return median, spread


def refused(results: list[Result]) -> bool:
    """A 4xx: the page does not apply to this campaign (results of an open one, paper forms of a
    closed one) or this role; shown in the list, left out of the targets."""
    return all(r.status.isdigit() and 400 <= int(r.status) < 500 for r in results)


def report(page: Page, role: str, results: list[Result], setup: str) -> None:
    median, spread = summary(results)
    last = results[-1]
    statuses = sorted({r.status for r in results})
    html = last.kind == "text/html"
    ok = all(r.status.isdigit() and int(r.status) < 400 for r in results)
    is_page = html or not ok
    ready = max(r.ready for r in results)
    target = "<= 1 s, <= 300 KB" if is_page else f"returns <= 1 s (else a job of <= {READY_TARGET:.0f} s)"
    met = ok and median <= (PAGE_TARGET[0] if is_page else EXPORT_TARGET) and (not html or last.size <= PAGE_TARGET[1]) \
        and ready <= READY_TARGET
    measured = (f"{median:.2f} s{f' ({spread})' if spread else ''}{f', ready in {ready:.1f} s' if ready else ''}, "
                f"{_size(last.size)}, "
                f"HTTP {'/'.join(statuses)}{f' {last.kind}' if last.kind and not html else ''}"
                f"{' -> ' + last.location if last.location else ''}, worker {_mb(max(r.rss for r in results))}")
    table.row(f"staff {page.path} ({role}, {setup})", target, measured, met)


def closed_after(url: str, already: float, limit: float) -> float:
    """Seconds from the click until the closing job marked the campaign closed (its tally, its
    compaction and whatever it keeps for the staff pages all run before that)."""
    from sqlalchemy.exc import OperationalError

    from survey.core.database import Database
    from survey.core.models import Campaign
    database = Database(url)
    started = time.perf_counter() - already
    try:
        while time.perf_counter() - started < limit:
            try:
                with database.transaction() as session:
                    if session.get(Campaign, generate.OPEN_CAMPAIGN).status == "closed":
                        break
            except OperationalError:  # SQLite: the job holds the database while it commits
                pass
            time.sleep(0.25)
        return time.perf_counter() - started
    finally:
        database.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a SQLite file or a PostgreSQL URL (every table is dropped); default: a file in /tmp")
    parser.add_argument("--assessees", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=1, help="time every page N times: median and spread")
    parser.add_argument("--reuse", action="store_true", help="keep the database as it is (made by an earlier run)")
    parser.add_argument("--only", help="a regular expression: only the paths it finds")
    parser.add_argument("--every-role", action="store_true", help="time each page with every role allowed to see it")
    parser.add_argument("--no-close", action="store_true", help="do not close the open campaign at the end")
    parser.add_argument("--timeout", type=int, default=120, help="gunicorn's worker timeout (seconds)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-staff."))
    url = database_url(args.url, tmp)
    engine = url.split(":", 1)[0].split("+")[0]
    setup = f"{args.assessees:,} assessees, {engine}"
    if not args.reuse:
        print("== generating", setup, flush=True)
        print(generate.generate(url, args.assessees, invitations=True, secret=SECRET, earlier=True), flush=True)
    accounts = make_accounts(url)
    from survey.core.database import Database
    from survey.core.models import User
    database = Database(url)
    with database.transaction() as session:
        user_id = session.query(User.id).filter(User.role == "hr").scalar()
    database.engine.dispose()

    found, skipped = pages(args.assessees, user_id, args.only)
    for path, why in skipped:
        print(f"skipped {path}: {why}")
    process, port, log = serve(url, tmp, workers=args.workers, timeout=args.timeout)
    memory = Memory(process.pid)
    memory.start()
    base = f"http://127.0.0.1:{port}"
    browsers = {role: Browser(base, *accounts[role], timeout=args.timeout + 30) for role in ROLES}
    try:
        for browser in browsers.values():
            browser.sign_in()
        for run in range(args.repeat):
            for page in found:
                roles = [r for r in ROLES if not page.roles or r in page.roles]
                for role in (roles if args.every_role else roles[:1]) or ["hr"]:
                    memory.start_window()
                    result = browsers[role].get(page.path)
                    result.rss = memory.window
                    page.results.setdefault(role, []).append(result)
                    print(f"[{run + 1}/{args.repeat}] {result.seconds:7.2f} s {_size(result.size):>8} "
                          f"HTTP {result.status:<7} {role:<8} {page.path}", flush=True)
        closing = None
        if not args.no_close:
            browser = browsers["hr"]
            path = f"/hr/campaigns/{generate.OPEN_CAMPAIGN}/close"
            token = browser.csrf(path)
            memory.start_window()
            closing = browser.time(path, {"csrf_token": token})
            closing.ready = closed_after(url, closing.seconds, args.timeout * 5)
            closing.rss = memory.window
            print(f"closing the open campaign: {closing.seconds:.2f} s, HTTP {closing.status}, "
                  f"its job done after {closing.ready:.1f} s", flush=True)
    finally:
        memory.stop()
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()

    print("\n== slowest first (median of each page)")
    rows = [(summary(rs)[0], page, role, rs) for page in found for role, rs in page.results.items()]
    rows.sort(key=lambda row: -row[0])
    for median, page, role, results in rows:
        print(f"{median:8.2f} s {_size(results[-1].size):>8}  HTTP {results[-1].status:<7} "
              f"{_mb(max(r.rss for r in results)):>7}  {role:<8} {page.path}")
    for median, page, role, results in rows:
        if not refused(results):
            report(page, role, results, setup)
    if closing is not None:
        table.row(f"closing campaign 2 from the staff page ({setup})",
                  f"returns <= 1 s, a job of <= {CLOSE_TARGET:.0f} s",
                  f"returns in {closing.seconds:.1f} s, HTTP {closing.status}, closed after {closing.ready:.1f} s, "
                  f"worker {_mb(closing.rss)}",
                  closing.status == "302" and closing.seconds <= EXPORT_TARGET and closing.ready <= CLOSE_TARGET)
    peaks = memory.peaks
    killed = log.read_text(errors="replace").count("WORKER TIMEOUT")
    table.row(f"staff gunicorn workers, peak resident memory ({setup})", f"<= {MEMORY_TARGET_MB} MB each",
              ", ".join(_mb(kb) for kb in sorted(peaks.values(), reverse=True))
              + (f"; {killed} killed by the {args.timeout} s timeout" if killed else ""),
              all(kb / 1024 <= MEMORY_TARGET_MB for kb in peaks.values()) and not killed)
    shutil.rmtree(tmp, ignore_errors=True)  # the default database, the logs, the jobs' files


if __name__ == "__main__":
    main()
