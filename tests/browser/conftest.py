"""Real-browser fixtures: Debian's Chromium driven by Playwright against the app served on loopback.

Nothing is installed here. ``.ci/run`` installs Debian's ``chromium`` and runs ``npm ci`` (axe-core);
on a machine without them every browser test fails and says what to install. Playwright never
downloads a browser: it is pointed at ``/usr/bin/chromium``.

One browser for the whole session, a fresh context (cookies, viewport) per test, the app of the
``app`` fixture (SQLite, or PostgreSQL with ``SURVEY_TEST_DATABASE_URL``) served by a threaded
werkzeug server on 127.0.0.1 at a free port.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from conftest import ROOT, approve_and_open, small_body, translate  # noqa: F401 (the browser tests import it from here)
from survey.campaigns import lifecycle as campaigns, people, raters, respond, roster, tokens
from survey.core.models import Assessment, Campaign, Invitation, Person
from survey.web.common.serving import RedactingHandler
from survey.core.tables import Row

CHROMIUM = Path(os.environ.get("SURVEY_TEST_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
# The machine has no network but loopback: without these, Chromium keeps trying to reach its
# update, sync and field-trial servers and gets refused connections.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000
LOCALES = {"kk": "kk-KZ", "ru": "ru-RU"}


def _missing() -> list[str]:
    missing = []
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        missing.append(f"Chromium is not at {CHROMIUM}: install Debian's package "
                       "(`apt-get update && apt-get install -y chromium`, as root) or set SURVEY_TEST_CHROMIUM")
    if not AXE_JS.is_file():
        missing.append(f"axe-core is not at {AXE_JS.relative_to(ROOT)}: run `npm ci` in {ROOT}")
    return missing


@pytest.fixture(scope="session")
def browser():
    missing = _missing()
    if missing:
        pytest.fail("The browser tests need what .ci/run installs:\n  - " + "\n  - ".join(missing), pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is not installed: `pip install -e '.[test]'`", pytrace=False)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class LiveServer:
    def __init__(self, app):
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=RedactingHandler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-server", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def link(self, key: str, lang: str | None = None) -> str:
        """A rater's personal link, as HR exports it, but on this server."""
        url = tokens.url(self.url, self.app.secret_key, key)
        return f"{url}?lang={lang}" if lang else url


@pytest.fixture
def live_server(app):
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def new_context(browser, live_server):
    """Opens browser contexts for one test and closes them after it (before the server stops).

    ``bypass_csp``: the site's Content-Security-Policy allows no script at all, so axe-core (added
    as a <script> from node_modules) could not run; contexts that run axe bypass the policy. The
    keyboard test runs with the policy enforced and checks that nothing was refused."""
    opened = []

    def make(*, viewport=DESKTOP, bypass_csp=True, **kwargs):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, bypass_csp=bypass_csp,
                                      accept_downloads=True, **kwargs)
        context.set_default_timeout(TIMEOUT_MS)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


# --- checks -----------------------------------------------------------------------------------

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\\s+/g, ' ')),
  }));
}"""


def axe(page, label: str) -> list[dict]:
    """Runs axe-core on the page; fails on any serious or critical violation. Every violation,
    minor ones included, is written to test-artifacts/axe/LABEL.json."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(AXE_RUN)
    (ARTIFACTS / "axe").mkdir(parents=True, exist_ok=True)
    report = {"url": _redact(page.url), "violations": violations}
    (ARTIFACTS / "axe" / f"{_safe(label)}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1),
                                                           encoding="utf-8")
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe on {label} ({_redact(page.url)}):\n" + "\n".join(
        f"  {v['impact']}: {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in serious)
    return violations


def screenshot(page, name: str) -> Path:
    path = SCREENSHOTS / f"{_safe(name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def check(page, label: str) -> None:
    """axe, the form semantics and a screenshot, for a page in the state it is in."""
    axe(page, label)
    problems = form_semantics(page)
    assert not problems, f"{label}: " + "; ".join(problems)
    screenshot(page, label)


# What sticks out past the right edge of the screen, innermost first: the culprit, not its parents.
# Inside a scrolling region (overflow-x auto) nothing counts: the region scrolls, not the page.
WIDER_THAN = """screen => {
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.getBoundingClientRect().right <= screen + 1) continue;
    let scrolled = false;
    for (let p = el.parentElement; p; p = p.parentElement)
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) { scrolled = true; break; }
    if (!scrolled && ![...el.children].some(c => c.getBoundingClientRect().right > screen + 1))
      found.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
                 + ' ' + Math.round(el.getBoundingClientRect().right) + ' px: ' + (el.textContent || '').trim().slice(0, 40));
  }
  return found.slice(0, 5);
}"""


def no_sideways_scrolling(page) -> None:
    """The page is no wider than the screen. A phone's browser widens its layout viewport to fit a
    page wider than the screen (window.innerWidth grows with it), so the width is compared with the
    screen's as well."""
    screen = page.viewport_size["width"]
    width, window = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if width > min(window, screen):
        wide = page.evaluate(WIDER_THAN, screen)
        raise AssertionError(f"{_redact(page.url)} is {width} px wide on a {screen} px screen: " + "; ".join(wide))


FORM_SEMANTICS = """() => {
  const problems = [];
  const name = el => (el.labels && el.labels.length ? el.labels[0].textContent.trim() : '');
  const groups = new Map();
  for (const radio of document.querySelectorAll('input[type=radio]')) {
    if (!groups.has(radio.name)) groups.set(radio.name, []);
    groups.get(radio.name).push(radio);
  }
  for (const [group, radios] of groups) {
    const fieldset = radios[0].closest('fieldset');
    const legend = fieldset && fieldset.querySelector(':scope > legend');
    if (!legend || !legend.textContent.trim()) problems.push(`radio group ${group}: no fieldset with a legend`);
    for (const radio of radios) {
      if (radio.closest('fieldset') !== fieldset) problems.push(`radio group ${group}: split over fieldsets`);
      if (!name(radio)) problems.push(`radio ${group}=${radio.value}: no label`);
    }
  }
  for (const el of document.querySelectorAll('input:not([type=hidden]):not([type=radio]), select, textarea'))
    if (!name(el) && !el.getAttribute('aria-label'))
      problems.push(`${el.tagName.toLowerCase()} ${el.name || el.id}: no label`);
  return problems;
}"""


def drawn_text(page, selector: str) -> str:
    """The text the browser draws inside the first element ``selector`` finds, CSS-generated content
    included (innerText leaves out a ``::before``, where the questionnaire's count of answers is a
    CSS counter), read from the layout tree Chromium built for the screen."""
    cdp = page.context.new_cdp_session(page)
    try:
        found = cdp.send("Runtime.evaluate", {"expression": f"document.querySelector({json.dumps(selector)})"})
        node = cdp.send("DOM.describeNode", {"objectId": found["result"]["objectId"]})["node"]["backendNodeId"]
        snapshot = cdp.send("DOMSnapshot.captureSnapshot", {"computedStyles": []})
    finally:
        cdp.detach()
    strings, document = snapshot["strings"], snapshot["documents"][0]
    parents, target = document["nodes"]["parentIndex"], document["nodes"]["backendNodeId"].index(node)

    def within(index: int) -> bool:
        while index >= 0 and index != target:
            index = parents[index]
        return index == target

    layout = document["layout"]
    return "".join(strings[text] for index, text in zip(layout["nodeIndex"], layout["text"])
                   if text >= 0 and within(index)).strip()


def heard_text(page, selector: str) -> str:
    """The text Chromium gives a screen reader inside the first element ``selector`` finds: the
    static text of its accessibility tree, CSS-generated content included (a counter as the number
    it shows), what is aria-hidden left out."""
    cdp = page.context.new_cdp_session(page)
    try:
        found = cdp.send("Runtime.evaluate", {"expression": f"document.querySelector({json.dumps(selector)})"})
        node = cdp.send("DOM.describeNode", {"objectId": found["result"]["objectId"]})["node"]["backendNodeId"]
        nodes = cdp.send("Accessibility.getFullAXTree", {})["nodes"]
    finally:
        cdp.detach()
    by_id = {n["nodeId"]: n for n in nodes}
    heard, pending = [], [next(n["nodeId"] for n in nodes if n.get("backendDOMNodeId") == node)]
    while pending:  # a plain <span> is an ignored node whose text is not: walk them all
        current = by_id[pending.pop()]
        if current["role"]["value"] == "StaticText" and not current.get("ignored"):
            heard.append(current["name"]["value"])
        pending.extend(reversed(current.get("childIds", [])))
    return " ".join("".join(heard).split())


def form_semantics(page) -> list[str]:
    """Every radio group in a fieldset with a legend, every radio and field with a label."""
    return page.evaluate(FORM_SEMANTICS)


def _safe(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", label).strip("-")


def _redact(url: str) -> str:
    return re.sub(r"/r/[^?#]+", "/r/…", url)


# --- data -------------------------------------------------------------------------------------

def invitation_key(store, *, assessee: str, relation: str = "other", campaign: str = "Test 2026",
                   done: bool = False) -> tuple[str, str]:
    """(key, rater's language) of the first invitation about ``assessee`` (``relation`` "self" or
    "other") in ``campaign``."""
    with store.transaction() as session:
        rows = session.execute(
            select(Invitation.key, Invitation.relation, Invitation.done, Person.language)
            .join(Assessment, Assessment.id == Invitation.assessment_id)
            .join(Campaign, Campaign.id == Assessment.campaign_id)
            .join(Person, Person.id == Invitation.rater_id)
            .where(Campaign.name == campaign,
                   Assessment.assessee_id == select(Person.id).where(Person.employee_id == assessee).scalar_subquery())
            .order_by(Invitation.id)).all()
    for key, rel, is_done, language in rows:
        if (rel == "self") == (relation == "self") and is_done == done:
            return key, language
    raise LookupError((assessee, relation, campaign))


def add_campaign(app, store, name: str, *, status: str, roster_loaded: bool = True, answer: bool = False) -> int:
    """A campaign over ``small_body`` with suggested raters (plus two peers for the director, who
    has only one rater from the structure), left in ``status``; ``answer`` fills, through the
    domain code, every questionnaire but the director's own (his links stay unanswered)."""
    instruments = app.extensions["survey.instruments"]
    with store.transaction() as session:
        if not roster_loaded:
            people.apply_rows(session, roster.validate(small_body(), "body", {}))
        campaign = campaigns.create(session, name, dt.date.today() + dt.timedelta(days=10), instruments,
                                    repeat_reason="Another round for the tests")
        rows = [Row(i, {"assessee_id": s.assessee_id, "rater_id": s.rater_id, "relation": s.relation})
                for i, s in enumerate(raters.suggest_for(session, campaign), 2)]
        if status != "draft":
            rows += [Row(90, {"assessee_id": "D1", "rater_id": "S1", "relation": "peer"}),
                     Row(91, {"assessee_id": "D1", "rater_id": "S2", "relation": "peer"})]
        raters.apply(session, campaign, rows, "raters")
        if status != "draft":
            approve_and_open(session, campaign)
        campaign_id = campaign.id
    if answer:
        with store.transaction() as session:
            invitations = session.scalars(select(Invitation).join(Assessment, Assessment.id == Invitation.assessment_id)
                                          .where(Assessment.campaign_id == campaign_id).order_by(Invitation.id))
            for n, invitation in enumerate(invitations.all()):
                if invitation.rater.employee_id == "D1":
                    continue
                instrument = instruments[invitation.assessment.instrument]
                # Competencies differ (some weak, some strong), raters scatter around them.
                form = {q.id: str(min(5, 1 + ci % 4 + (n + k) % 3))
                        for ci, c in enumerate(instrument.competencies) for k, q in enumerate(c.questions)}
                respond.submit(session, invitation, respond.read_answers(instrument, form))
    if status == "closed":
        with store.transaction() as session:
            campaigns.close(session, session.get(Campaign, campaign_id))
    return campaign_id


@pytest.fixture
def campaigns_in_every_state(app, store, open_campaign):
    """'Test 2026' open (from tests/conftest.py), 'Answered 2025' answered and closed, 'Draft 2027'
    with suggested raters only (the director has too few)."""
    with store.transaction() as session:
        open_id = session.scalar(select(Campaign.id).where(Campaign.name == open_campaign))
    closed_id = add_campaign(app, store, "Answered 2025", status="closed", answer=True)
    draft_id = add_campaign(app, store, "Draft 2027", status="draft")
    with store.transaction() as session:
        director = session.scalar(select(Assessment.id).join(Person, Person.id == Assessment.assessee_id)
                                  .where(Assessment.campaign_id == draft_id, Person.employee_id == "D1"))
    return {"open": open_id, "closed": closed_id, "draft": draft_id, "director": director}


def sign_in(page, email: str, password: str) -> None:
    page.goto("/hr/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    follow(page.locator("form.stack button[type=submit]"))


def follow(locator, *, tap: bool = False) -> None:
    """Clicks (or taps) what leads to another page, and waits until that page has loaded: the
    checks that come next must not read the page being left."""
    with locator.page.expect_navigation():
        if tap:
            locator.tap()
        else:
            locator.click()
