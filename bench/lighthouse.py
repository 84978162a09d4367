"""Lighthouse scores of the respondent's questionnaire and HR's campaign page: the demo body,
both applications under gunicorn as deployed, and Lighthouse driving Debian's Chromium.

    python bench/lighthouse.py                          # both pages, kk and ru, mobile and desktop
    python bench/lighthouse.py --only respondent --languages kk --form-factors mobile
    python bench/lighthouse.py --repeat 3               # the median of three runs a page (noisy machines)
    python bench/lighthouse.py --out /tmp/lighthouse    # keep each run's JSON report there

Targets (issue 20, item 7): at least 95 for accessibility and best practices, 90 for performance.
Lighthouse is an npm package of its own in bench/lighthouse/ (installed there with ``npm ci`` when
it is missing), apart from the root package.json, so the test run never installs it. The body is
``survey demo``'s (its open campaign, "Demo 2026"); the questionnaire is a link the demo left
unanswered, so every run sees a fresh form (a GET writes nothing); HR's page is signed in through
the sign-in form, and its session cookie is handed to Lighthouse as a header. Each page is taken
in Kazakh and Russian (``?lang=``), with Lighthouse's default mobile settings (a slow phone and
network, simulated) and its desktop preset. The performance score follows the machine's load;
``--repeat N`` reports the median run of N. Under a target, the audits that cost the points are
listed under the table row.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import staff  # noqa: E402  (bench/staff.py: its server and signed-in client)
import table  # noqa: E402  (bench/table.py)

PACKAGE = ROOT / "bench" / "lighthouse"
LIGHTHOUSE = PACKAGE / "node_modules" / ".bin" / "lighthouse"
TARGETS = {"performance": 90, "accessibility": 95, "best-practices": 95}
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
RUN_TIMEOUT = 300  # seconds for one Lighthouse run


def install() -> None:
    """Lighthouse into bench/lighthouse/node_modules, at the version its package-lock.json pins."""
    if LIGHTHOUSE.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("bench/lighthouse.py needs npm to install Lighthouse into bench/lighthouse/ "
                 "(Debian: apt-get install npm), or run `npm ci --prefix bench/lighthouse` yourself.")
    print("== installing Lighthouse: npm ci --prefix bench/lighthouse", flush=True)
    subprocess.run([npm, "ci", "--prefix", str(PACKAGE), "--no-audit", "--no-fund", "--loglevel=error"], check=True)


def find_chromium() -> str:
    path = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        sys.exit("bench/lighthouse.py needs Chromium (Debian: apt-get install chromium), or CHROME_PATH set to a Chrome.")
    return path


# --- the body -----------------------------------------------------------------------------------

@dataclass
class Demo:
    token: str  # an unanswered questionnaire of the open campaign
    campaign_id: int  # the open campaign
    email: str  # the demo's HR officer
    password: str


def make_demo(url: str, tmp: Path) -> Demo:
    """``survey demo --no-serve`` in this process: the same body, its links and passwords as values."""
    from survey.campaigns import lifecycle
    from survey.cli import demo
    from survey.web import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": staff.SECRET, "JOBS_DIR": str(tmp / "jobs"),
                      "RATELIMIT_STORAGE_URI": f"sqlite:///{tmp / 'ratelimits.sqlite'}"})
    with app.app_context():
        summary = demo.build(app, tmp / "demo-output")
        from survey.web.common import database
        with database.get_db(app).transaction() as session:
            campaign_id = lifecycle.get(session, demo.OPEN).id
        database.get_db(app).engine.dispose()
    email, _role, password = next(a for a in summary.accounts if a[1] == "hr")
    return Demo(summary.open_links[0][2], campaign_id, email, password)


# --- Lighthouse ---------------------------------------------------------------------------------

@dataclass
class Run:
    page: str
    language: str
    form_factor: str
    reports: list[dict]  # one per repeat

    @property
    def label(self) -> str:
        return f"{self.page} ({self.language}, {self.form_factor})"

    @property
    def report(self) -> dict:
        """The median run by performance score, as Lighthouse's own advice for noisy machines has it."""
        ordered = sorted(self.reports, key=lambda r: score(r, "performance") or 0)
        return ordered[(len(ordered) - 1) // 2]


def lighthouse(url: str, form_factor: str, chromium: str, out: Path, cookie: str | None = None) -> dict:
    command = ["node", str(LIGHTHOUSE), url, "--output=json", f"--output-path={out}", "--quiet",
               f"--only-categories={','.join(TARGETS)}", f"--chrome-flags={CHROME_FLAGS}"]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    out.unlink(missing_ok=True)  # a report left by an earlier run must not pass for this one
    finished = subprocess.run(command, env={**os.environ, "CHROME_PATH": chromium}, capture_output=True, text=True,
                              timeout=RUN_TIMEOUT)
    if not out.exists():
        raise RuntimeError(f"Lighthouse wrote no report for {url} (exit {finished.returncode}):\n{finished.stderr[-3000:]}")
    return json.loads(out.read_text())


def score(report: dict, category: str) -> int | None:
    value = report["categories"][category]["score"]
    return None if value is None else round(value * 100)


def costly(report: dict, category: str) -> list[str]:
    """The audits of a category that lose points, heaviest first: what to fix."""
    audits = report["audits"]
    found = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = audits[ref["id"]]
        if ref["weight"] > 0 and audit.get("score") is not None and audit["score"] < 0.9:
            shown = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
            found.append((-ref["weight"], f"{audit['title']}{shown} [{ref['id']}]{_where(audit)}"))
    if category == "performance":  # the metrics are the weighted audits; the insights say why
        for ref in report["categories"][category]["auditRefs"]:
            audit = audits[ref["id"]]
            if ref["weight"] == 0 and audit.get("score") is not None and audit["score"] < 0.5 \
                    and audit.get("scoreDisplayMode") in ("metricSavings", "numeric", "binary"):
                found.append((0, f"{audit['title']} [{ref['id']}]"))
    return [title for _weight, title in sorted(found, key=lambda item: item[0])]


def _where(audit: dict, most: int = 3) -> str:
    """The first few places an audit points at: an element, a console message, a URL."""
    places = []
    for item in (audit.get("details") or {}).get("items", [])[:most]:
        node = item.get("node") or {}
        source = (item.get("sourceLocation") or {}).get("url", "")
        text = node.get("snippet") or " ".join(filter(None, (item.get("description"), source))) or item.get("url")
        if isinstance(text, str) and text:
            places.append(text)
    return "".join(f"\n        {place}" for place in places)


METRICS = {"first-contentful-paint": "FCP", "largest-contentful-paint": "LCP", "total-blocking-time": "TBT",
           "cumulative-layout-shift": "CLS", "speed-index": "SI"}


def measured(run: Run, category: str) -> str:
    value = score(run.report, category)
    text = "no score" if value is None else str(value)
    values = sorted(score(r, category) or 0 for r in run.reports)
    if len(values) > 1:
        text += f" (median of {len(values)} runs, {values[0]}-{values[-1]})" if values[0] != values[-1] \
            else f" ({len(values)} runs)"
    if category == "performance" and value is not None:
        audits = run.report["audits"]
        text += "; " + ", ".join(f"{short} {audits[key]['displayValue']}".replace("\xa0", " ")
                                 for key, short in METRICS.items() if key in audits)
    problem = run.report.get("runtimeError")
    if problem:
        text += f"; {problem.get('code')}"
    return text


def report(runs: list[Run], chromium: str) -> None:
    if runs:
        first = runs[0].report
        # The report's user agent gives the major version only (Chrome/156.0.0.0).
        version = subprocess.run([chromium, "--version"], capture_output=True, text=True).stdout.strip()
        print(f"\n== Lighthouse {first['lighthouseVersion']}, {version or chromium}, "
              f"benchmark index {first['environment'].get('benchmarkIndex')}, {os.getloadavg()[0]:.1f} load average")
    for run in runs:
        for category, target in TARGETS.items():
            value = score(run.report, category)
            met = value is not None and value >= target and not run.report.get("runtimeError")
            table.row(f"Lighthouse {category}, {run.label}", f">= {target}", measured(run, category), met)
            if not met:
                for title in costly(run.report, category):
                    print(f"    {run.label} {category}: {title}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("respondent", "hr"), help="one page only")
    parser.add_argument("--languages", default="kk,ru", help="comma-separated: kk, ru, en")
    parser.add_argument("--form-factors", default="mobile,desktop", help="comma-separated: mobile, desktop")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run Lighthouse N times a page and report the median run by performance")
    parser.add_argument("--out", type=Path, help="a folder to keep each run's JSON report in")
    args = parser.parse_args()
    install()
    chromium = find_chromium()

    tmp = Path(tempfile.mkdtemp(prefix="bench-lighthouse."))
    url = f"sqlite:///{tmp / 'demo.sqlite'}"
    print("== building the demo body", flush=True)
    demo = make_demo(url, tmp)
    out = args.out or tmp / "reports"
    out.mkdir(parents=True, exist_ok=True)
    servers, runs = [], []
    try:
        bases = {}
        for entry in ("survey.wsgi:public()", "survey.wsgi:staff()"):  # as deployed: two services
            process, port, _log = staff.serve(url, tmp, workers=2, timeout=30, entry=entry)
            servers.append(process)
            bases[entry] = f"http://127.0.0.1:{port}"
        public_base, staff_base = bases.values()
        pages = {"respondent questionnaire": (public_base, f"/r/{demo.token}", False),
                 "HR campaign page": (staff_base, f"/hr/campaigns/{demo.campaign_id}", True)}
        if args.only:
            pages = {name: page for name, page in pages.items() if name.lower().startswith(args.only)}
        hr = staff.Browser(staff_base, demo.email, demo.password, timeout=30)
        hr.sign_in()  # through the sign-in form, with its CSRF token
        cookie = "; ".join(f"{c.name}={c.value}" for c in hr.jar)
        for name, (base, path, signed_in) in pages.items():
            for language in args.languages.split(","):
                for form_factor in args.form_factors.split(","):
                    run = Run(name, language, form_factor, [])
                    for n in range(args.repeat):
                        started = time.perf_counter()
                        slug = f"{name.split()[0].lower()}-{language}-{form_factor}-{n + 1}"
                        result = lighthouse(f"{base}{path}?lang={language}", form_factor, chromium,
                                            out / f"{slug}.json", cookie if signed_in else None)
                        if result["finalDisplayedUrl"].split("?")[0].endswith("/login"):
                            raise RuntimeError(f"{name}: Lighthouse was sent to the sign-in page")
                        run.reports.append(result)
                        print(f"{time.perf_counter() - started:5.1f} s  {run.label} [{n + 1}/{args.repeat}]: "
                              + ", ".join(f"{c} {score(result, c)}" for c in TARGETS), flush=True)
                    runs.append(run)
    finally:
        for process in servers:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()
        report(runs, chromium)
        if args.out:
            print(f"reports kept in {args.out}")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
