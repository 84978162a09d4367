"""No English and no raw codes in Kazakh or Russian: every page every role reaches, the charts on
them and the workbooks people download, crawled in kk and in ru.

The body has Kazakh and Russian names, so any Latin word left in what a reader sees is either on
the short allow-list below (formats, e-mail addresses, employee ids) or a leftover: an English
word, a message nobody translated, or a code (``rater-add``, ``head``, ``management.1``) shown as
text. Averages must be written with the reader's decimal comma (3,70), not a point.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from conftest import PASSWORD, SECRET, csrf, followed_up, sign_in, staff_and_open
from survey.campaigns import lifecycle as campaigns, people, raters, respond, roster, tokens
from survey.core import charts
from survey.core.followup import ReportRelease
from survey.core.models import Assessment, AuditEntry, Campaign, Invitation, Person, User
from survey.core.tables import Row
from survey.followup import workdays
from survey.reports import links, publishing
from survey.staff import accounts

LANGUAGES = ("kk", "ru")
ROLES = ("hr", "hr-head", "trainer", "admin")

# Latin a Kazakh or Russian reader is meant to see: the product's name, file formats, the names of
# programs, statistical notation (n, r, ICC, Cronbach's alpha), the language switch's «English».
ALLOWED = {"Bagalau", "PDF", "XLSX", "CSV", "ZIP", "QR", "TOTP", "SVG", "PNG", "English", "ICC", "Cronbach", "n", "r",
           "Excel", "FreeOTP", "Aegis", "Microsoft", "Google", "Authenticator", "SMART", "Ctrl", "P", "README"}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
URL = re.compile(r"\b(https?://|/)[^\s\"'<>]*[/?][^\s\"'<>]*|\b[\w-]+/[\w./-]+\.md\b|\.(csv|xlsx|zip|pdf)\b")
EMPLOYEE_ID = re.compile(r"\b[A-Z]\d+\b")
SETTING = re.compile(r"\bSURVEY_[A-Z_]+\b")  # what the administrator sets, named for them
CATEGORY = re.compile(r"\b[A-EАВСЕ]-([ORОР]-)?\d{1,2}\b")  # the para 2 categories: C-4, D-O-1 (codes of the order)
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9]|[A-Za-z]")
# Averages are written with two decimals; question numbers («3.2») have one and are no decimals.
POINT_DECIMAL = re.compile(r"(?<![\d.,])\d+\.\d\d(?![\d.])")
# Downloads whose words are being rewritten elsewhere (issue 20, "exports people read"): the results
# workbook is the export of survey/results/export.py, English column names and codes still.
NOT_YET = ()

# A body like tests/conftest.py's small_body, with the names a Kazakh body has.
NAMES = {"D1": "Жанар Әбілқызы", "H1": "Қайрат Ұлықбеков", "S1": "Әсел Аянова", "S2": "Аян Бекұлы",
         "S3": "Ғалым Ізбасаров", "S4": "Ұлан Үсенов", "S5": "Ирина Ёлкина"}


def body() -> list[Row]:
    def row(number, eid, role, manager, language):
        return Row(number, {"employee_id": eid, "full_name": NAMES[eid], "position": "Бас маман",
                            "unit": "Қаржы басқармасы", "role": role, "manager_id": manager,
                            "email": f"{eid.lower()}@body.kz", "language": language})

    return [row(2, "D1", "head", "", "ru"), row(3, "H1", "head", "D1", "kk")] + \
        [row(3 + i, f"S{i}", "servant", "H1", "ru" if i % 2 else "kk") for i in range(1, 6)]


def answer(app, session, campaign, share: float) -> None:
    """Answer ``share`` of the campaign's invitations, the points varied by invitation and question."""
    instruments = app.extensions["survey.instruments"]
    invitations = session.scalars(select(Invitation).join(Assessment, Assessment.id == Invitation.assessment_id)
                                  .where(Assessment.campaign_id == campaign.id).order_by(Invitation.id)).all()
    for n, invitation in enumerate(invitations[:round(len(invitations) * share)]):
        instrument = instruments[invitation.assessment.instrument]
        form = {q.id: str(1 + (n + i) % 5) for i, q in enumerate(instrument.questions)}
        respond.submit(session, invitation, respond.read_answers(instrument, form))


@pytest.fixture
def world(app, store, staff):
    """Three campaigns: closed with every answer, open with half, a draft; an account per role."""
    instruments = app.extensions["survey.instruments"]
    today = dt.date.today()
    with store.transaction() as session:
        people.apply_rows(session, roster.validate(body(), "body", {}))
        session.add(User(email="admin@body.kz", role="admin",
                         password_hash=generate_password_hash(PASSWORD, "scrypt:1024:8:1")))
        closed = campaigns.create(session, "Бағалау 2025", today + dt.timedelta(days=5), instruments,
                                  period=today.year - 1)
        staff_and_open(session, closed)
        answer(app, session, closed, 1)
        campaigns.close(session, closed)
        opened = campaigns.create(session, "Бағалау 2026", today + dt.timedelta(days=10), instruments)
        staff_and_open(session, opened)
        answer(app, session, opened, 0.5)
        draft = campaigns.create(session, "Бағалау 2027", today + dt.timedelta(days=20), instruments,
                                 repeat_reason="Қайта бағалау")
        raters.apply(session, draft, [Row(i, {"assessee_id": s.assessee_id, "rater_id": s.rater_id,
                                              "relation": s.relation})
                                      for i, s in enumerate(raters.suggest_for(session, draft), 2)], "raters")
        ids = {"campaign": [closed.id, opened.id, draft.id],
               "assessment": [session.scalar(select(Assessment.id).where(Assessment.campaign_id == c.id)
                                             .order_by(Assessment.id)) for c in (closed, opened, draft)],
               "user": list(session.scalars(select(User.id).order_by(User.id))),
               "report": after_the_report(session, closed),
               # the open campaign's last (unanswered) links and the closed one's first
               "respond": [tokens.sign(SECRET, key) for c, order in ((opened, Invitation.id.desc()), (closed, Invitation.id))
                           for key in session.scalars(select(Invitation.key).join(Assessment, Assessment.id == Invitation.assessment_id)
                                                      .where(Assessment.campaign_id == c.id).order_by(order).limit(6))]}
        waiting = accounts.create(session, "new@body.kz", None, "trainer", actor="admin@body.kz")
        accounts.change_role(session, waiting, "hr", actor="admin@body.kz")
        director = session.scalar(select(Assessment.id).join(Person, Person.id == Assessment.assessee_id)
                                  .where(Assessment.campaign_id == draft.id, Person.employee_id == "D1"))
        traveller = session.scalar(select(Person.id).where(Person.employee_id == "S5"))
    audited(staff("hr"), f"/hr/campaigns/{draft.id}/assessments/{director}", employee_id="S1", relation="peer")
    audited(staff("hr"), f"/hr/people/{traveller}", status="trip", status_since=today.isoformat(),
            status_until=(today + dt.timedelta(days=3)).isoformat(), in_post_since="2020-01-01", category="C-4")
    return ids


def audited(client, path: str, **form) -> None:
    """A change made on its page, as HR makes it, for the audit log to show its entry."""
    response = client.post(path, data={"csrf_token": csrf(client, path), **form})
    assert response.status_code == 302, response.get_data(as_text=True)


def after_the_report(session, closed) -> list[str]:
    """Published reports, one read with a plan and a disagreement in session: the links of the
    assessees, the managers and the session's members."""
    from survey.followup import readers

    _own, session_ = followed_up(session, closed)
    # Published again as HR publishes: new keys, and the audit log's «7 personal links, valid 30 days».
    publishing.publish(session, closed, workdays.load(), secret=SECRET, base_url="http://survey.test", days=30,
                       actor="hr@body.kz")
    tokens_ = [links.sign(SECRET, closed.id, r.assessment_id, r.key)
               for r in session.scalars(select(ReportRelease).order_by(ReportRelease.assessment_id)).all()[:2]]
    tokens_ += [links.ASSESSOR.sign(SECRET, closed.id, link.id, link.key) for link in readers.assessors(session, closed)]
    tokens_ += [links.CALIBRATION.sign(SECRET, session_.id, m.id, m.key) for m in session_.members[:1]]
    return tokens_


# --- what a reader sees ---------------------------------------------------------------------------

class Visible(HTMLParser):
    """The text of a page a person reads or hears: text outside scripts and styles, and the
    attributes shown or spoken (titles, labels, placeholders, alternative text, button values).
    Text marked as code (a file's column names, a key to type) and question numbers are left out:
    they are meant to be read as they are."""

    SPOKEN = ("title", "aria-label", "placeholder", "alt", "aria-description")
    LITERAL = ("code", "kbd", "samp")

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self.hidden = 0
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template") or tag in self.LITERAL or "qid" in (attrs.get("class") or "").split():
            self.hidden += 1
            self.open.append(tag)
        self.parts += [attrs[a] for a in self.SPOKEN if attrs.get(a)]
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self.parts.append(attrs["value"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "img" and attrs.get("src"):
            self.links.append(attrs["src"])

    def handle_endtag(self, tag):
        if self.open and self.open[-1] == tag:
            self.open.pop()
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def page_text(html: str) -> tuple[str, list[str]]:
    parser = Visible()
    parser.feed(html)
    return "\n".join(p.strip() for p in parser.parts if p.strip()), parser.links


def svg_text(svg: str) -> str:
    return "\n".join(re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S))


def workbook_text(data: bytes, literal: set[str]) -> str:
    """Every sheet's name and text cell but those that are an id of ``literal`` (the quality
    workbook's id columns, there to find a question in the questionnaire's file)."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    out = []
    for sheet in book.worksheets:
        out.append(sheet.title)
        out += [v for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str) and v not in literal]
    return "\n".join(out)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def leftovers(text: str) -> list[str]:
    """English words, codes and point decimals in ``text``."""
    text = CATEGORY.sub(" ", SETTING.sub(" ", URL.sub(" ", EMAIL.sub(" ", text))))
    found = [w for w in LATIN.findall(EMPLOYEE_ID.sub(" ", text)) if w not in ALLOWED]
    found += [f"decimal point: {n}" for n in POINT_DECIMAL.findall(text)]
    return found


def context(text: str, word: str) -> str:
    at = text.find(word.removeprefix("decimal point: "))
    return " ".join(text[max(0, at - 50):at + len(word) + 30].split())


# --- the crawl ------------------------------------------------------------------------------------

SKIP = ("/static/", "/hr/logout", "/trainer/style.css", "/assets/", "/healthz", "reports.zip", "reports-all.zip",
        ".csv")
PER_ENDPOINT = 4  # a filter's every value draws the same words: a few of each view are enough


def known_paths(app, ids) -> list[str]:
    """Every GET route of both applications, its variables filled from ``ids``."""
    values = {"campaign_id": ids["campaign"], "assessment_id": ids["assessment"], "user_id": ids["user"],
              "instrument_id": ["head", "servant"], "kind": list(charts_kinds()), "fmt": ["svg"],
              "step": ["open", "close"], "token": ids["respond"] + ids["report"] + ["not-a-link"]}
    paths = set()
    for application in (app, app.extensions["survey.public"]):
        for rule in application.url_map.iter_rules():
            if "GET" not in rule.methods:
                continue
            filled = [{}]
            for name in rule.arguments:
                filled = [{**f, name: v} for f in filled for v in values.get(name, [])]
            adapter = application.url_map.bind("survey.test")
            for args in filled:
                try:
                    paths.add(adapter.build(rule.endpoint, args, force_external=False))
                except Exception:  # a value that the rule's converter refuses (a word for an int)
                    pass
    return sorted(p for p in paths if not p.startswith(SKIP))


def charts_kinds():
    from survey.quality.charts import CHARTS
    from survey.training.charts import KINDS

    return (*CHARTS, *KINDS)


def in_language(path: str, lang: str) -> str:
    parts = urlsplit(path)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "lang"] + [("lang", lang)]
    return f"{parts.path}?{urlencode(query)}"


def readable(response, literal: set[str]) -> str | None:
    """The words of a response a person reads, or None for what nobody reads as text."""
    kind = response.mimetype
    data = response.get_data()
    if kind == "text/html":
        return data.decode()
    if kind == "image/svg+xml":
        return svg_text(data.decode())
    if kind == "application/pdf":
        return pdf_text(data)
    if kind.endswith("spreadsheetml.sheet"):
        return workbook_text(data, literal)
    return None


def crawl(client, start: list[str], lang: str, found: dict, seen_endpoints: dict, literal: set[str]) -> int:
    queue, visited = [in_language(p, lang) for p in start], set()
    while queue:
        url = queue.pop(0)
        key = urlsplit(url).path
        if url in visited or key.startswith(SKIP) or key.endswith(NOT_YET):
            continue
        visited.add(url)
        shape = re.sub(r"\d+", "#", key)
        seen_endpoints[shape] += 1
        if seen_endpoints[shape] > PER_ENDPOINT:
            continue
        response = client.get(url)
        if response.status_code in (301, 302, 303):
            queue.append(in_language(response.headers["Location"], lang))
            continue
        words = readable(response, literal)
        if words is None:
            continue
        if response.mimetype == "text/html":
            words, hrefs = page_text(words)
            for href in hrefs:
                if href.startswith("?"):
                    href = key + href
                if href.startswith("/") and not href.startswith("//"):
                    target = href.replace(".png", ".svg") if "/charts/" in href else href
                    queue.append(in_language(target, lang))
        for word in leftovers(words):
            found[(lang, key, word)] = context(words, word)
    return len(visited)


@pytest.fixture
def readable_charts(monkeypatch):
    """Charts with their words as SVG text instead of outlines, so the test can read them."""
    monkeypatch.setitem(charts.STYLE, "svg.fonttype", "none")


def test_kazakh_and_russian_pages_hold_no_english(app, store, world, staff, readable_charts):
    with store.transaction() as session:  # the audit log the crawl reads holds these entries
        entries = {(e.action, e.detail) for e in session.scalars(select(AuditEntry))}
    assert {("rater-add", "Бағалау 2027: D1 <- S1"), ("reports-publish", "Бағалау 2025: 7 personal links, valid 30 days"),
            ("account-create", "new@body.kz (trainer)"), ("account-role", "new@body.kz: trainer → hr")} <= entries
    assert any(action == "person-standing" and detail.startswith("S5: trip ") for action, detail in entries)
    found, pages = {}, 0
    paths = known_paths(app, world)
    literal = {item.id for instrument in app.extensions["survey.instruments"].values()
               for item in (*instrument.competencies, *instrument.questions)}
    for lang in LANGUAGES:
        seen = defaultdict(int)
        pages += crawl(app.test_client(), ["/", "/thanks", "/r/not-a-link", "/hr/login", "/no-such-page"]
                       + [p for p in paths if p.startswith(("/r/", "/report/", "/assessor/", "/calibration/"))],
                       lang, found, seen, literal)
        for role in ROLES:
            client = app.test_client()
            client.get(f"/hr/login?lang={lang}")
            assert sign_in(client, f"{role}@body.kz").status_code == 302
            seen = defaultdict(int)
            pages += crawl(client, ["/hr/", "/trainer/"] + paths, lang, found, seen, literal)
    assert pages > 100
    by_word = defaultdict(list)
    for (lang, path, word), text in sorted(found.items()):
        by_word[word].append(f"{lang} {path}: «{text}»")
    assert not by_word, f"{len(by_word)} leftovers:\n" + "\n".join(
        f"{word!r} on {len(where)} pages, first {where[0]}" for word, where in sorted(by_word.items()))
