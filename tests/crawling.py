"""A body in Kazakh and Russian with a campaign in every state and the pages after the report, and
a crawl over every page each role reaches from a few starting points: what the tests that read
every page (tests/test_no_english.py, tests/test_own_origin.py) walk through.

The crawl follows the links a person can follow (``<a href>``, ``<img src>``) within the site and
opens a few of each kind of page: a filter's every value draws the same page."""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from html.parser import HTMLParser
from typing import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from conftest import PASSWORD, SECRET, csrf, followed_up, sign_in, staff_and_open
from survey.campaigns import lifecycle as campaigns, people, raters, respond, roster, tokens
from survey.core.followup import ReportRelease
from survey.core.models import Assessment, Invitation, Person, User
from survey.core.tables import Row
from survey.followup import workdays
from survey.reports import links, publishing
from survey.staff import accounts

ROLES = ("hr", "hr-head", "trainer", "admin")
PUBLIC_STARTS = ["/", "/thanks", "/r/not-a-link", "/hr/login", "/no-such-page"]
PUBLIC_LINKS = ("/r/", "/report/", "/assessor/", "/calibration/")
STAFF_STARTS = ["/hr/", "/trainer/"]

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


def world(app, store) -> dict[str, list]:
    """Three campaigns: closed with every answer, open with half, a draft; an account manager (the
    ``staff`` fixture of tests/conftest.py gives the other roles). Returns the ids of what is
    there, for the routes' variables."""
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
        closed_id, opened_id, draft_id = closed.id, opened.id, draft.id
    hr = signed_in(app, "hr", "kk")
    audited(hr, f"/hr/campaigns/{draft.id}/assessments/{director}", employee_id="S1", relation="peer")
    audited(hr, f"/hr/people/{traveller}", status="trip", status_since=today.isoformat(),
            status_until=(today + dt.timedelta(days=3)).isoformat(), in_post_since="2020-01-01", category="C-4")
    # Entries whose details carry days and a questionnaire: the log writes them as the reader does.
    audited(hr, f"/hr/campaigns/{opened_id}/extend", page=f"/hr/campaigns/{opened_id}",
            closes=(today + dt.timedelta(days=12)).isoformat())
    audited(hr, f"/hr/campaigns/{draft_id}/approve", page=f"/hr/campaigns/{draft_id}", by=NAMES["D1"],
            on=today.isoformat())
    cohorts = hr.get(f"/trainer/cohorts.xlsx?campaign={closed_id}&instrument=servant")
    assert cohorts.status_code == 200, cohorts.get_data(as_text=True)
    return ids


def audited(client, path: str, page: str | None = None, **form) -> None:
    """A change made on its page, as HR makes it, for the audit log to show its entry."""
    response = client.post(path, data={"csrf_token": csrf(client, page or path), **form})
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


# --- the crawl ------------------------------------------------------------------------------------

SKIP = ("/static/", "/hr/logout", "/trainer/style.css", "/assets/", "/healthz", "reports.zip", "reports-all.zip",
        ".csv")
PER_ENDPOINT = 4  # a filter's every value draws the same words: a few of each view are enough
URL_ATTRIBUTES = ("href", "src", "srcset", "action", "formaction", "poster", "data", "xlink:href")


class References(HTMLParser):
    """Every address a page names, with the tag and attribute naming it."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.found += [(tag, name, value) for name, value in attrs if name in URL_ATTRIBUTES and value]


def references(html: str) -> list[tuple[str, str, str]]:
    parser = References()
    parser.feed(html)
    return parser.found


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


def crawl(client, start: list[str], lang: str) -> Iterator[tuple[str, object]]:
    """(path, response) of each page reached from ``start`` in ``lang``, redirects followed."""
    queue, visited, seen = [in_language(p, lang) for p in start], set(), defaultdict(int)
    while queue:
        url = queue.pop(0)
        key = urlsplit(url).path
        if url in visited or key.startswith(SKIP):
            continue
        visited.add(url)
        shape = re.sub(r"\d+", "#", key)
        seen[shape] += 1
        if seen[shape] > PER_ENDPOINT:
            continue
        response = client.get(url)
        if response.status_code in (301, 302, 303):
            queue.append(in_language(response.headers["Location"], lang))
            continue
        yield key, response
        if response.mimetype != "text/html":
            continue
        for tag, attribute, href in references(response.get_data(as_text=True)):
            if (tag, attribute) not in (("a", "href"), ("img", "src")):
                continue
            if href.startswith("?"):
                href = key + href
            if href.startswith("/") and not href.startswith("//"):
                target = href.replace(".png", ".svg") if "/charts/" in href else href
                queue.append(in_language(target, lang))


def signed_in(app, role: str, lang: str):
    """A client of ``role``'s account, the language chosen."""
    client = app.test_client()
    client.get(f"/hr/login?lang={lang}")
    assert sign_in(client, f"{role}@body.kz").status_code == 302
    return client


def every_page(app, ids, lang: str) -> Iterator[tuple[str, str, object]]:
    """(who, path, response): the public pages, then each role's."""
    paths = known_paths(app, ids)
    public = PUBLIC_STARTS + [p for p in paths if p.startswith(PUBLIC_LINKS)]
    for key, response in crawl(app.test_client(), public, lang):
        yield "public", key, response
    for role in ROLES:
        for key, response in crawl(signed_in(app, role, lang), STAFF_STARTS + paths, lang):
            yield role, key, response
