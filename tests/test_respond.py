"""The respondent's page: the form contract, links, drafts, submitting once."""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import lxml.html
import pytest
from sqlalchemy import inspect, select, text
from werkzeug.serving import make_server

from conftest import SECRET, count, first_token, full_answers, invitation_tokens, question_ids
from survey.campaigns import drafts, tokens
from survey.core.models import Assessment, Campaign, Invitation, Person, Response
from survey.web.common.serving import RedactingHandler


def test_form_has_a_fieldset_per_competency_and_radios_named_by_question(client, store, open_campaign):
    html = client.get(f"/r/{first_token(store, assessee='S1', relation='other')}").get_data(as_text=True)
    assert html.count('<fieldset class="competency">') == 8  # appendix 6
    ids = question_ids(html)
    assert len(ids) == 24 and ids[0] == "communication.1" and "self_development.3" in ids
    assert set(re.findall(r'type="radio" name="ethics.2" value="(\d)"', html)) == {"1", "2", "3", "4", "5"}
    assert " checked" not in html


def test_head_questionnaire_has_twelve_competencies(client, store, open_campaign):
    html = client.get(f"/r/{first_token(store, assessee='H1', relation='other')}").get_data(as_text=True)
    assert html.count('<fieldset class="competency">') == 12  # appendix 5
    assert len(question_ids(html)) == 36


def test_form_names_the_assessee_and_their_position(client, store, open_campaign):
    html = client.get(f"/r/{first_token(store, assessee='S3', relation='other')}").get_data(as_text=True)
    assert "Servant 3" in html and "Expert" in html
    assert "Servant 4" not in html and "Servant 2" not in html


def test_self_assessment_uses_first_person_texts(client, store, open_campaign):
    html = client.get(f"/r/{first_token(store, assessee='S2', relation='self')}?lang=en").get_data(as_text=True)
    assert "I strictly follow" in html or re.search(r">\s*I [a-z]", html)
    other = client.get(f"/r/{first_token(store, assessee='S2', relation='other')}?lang=en").get_data(as_text=True)
    assert not re.search(r'class="qid">[^<]+</span> I ', other)


def test_page_opens_in_the_raters_language_and_switches(client, store, open_campaign):
    # S2 (language kk) rates S1; S1 (ru) rates S2.
    with store.transaction() as session:
        rows = session.execute(select(Invitation.key, Person.language).join(Person, Person.id == Invitation.rater_id)
                               .where(Invitation.relation != "self")).all()
    key, language = next((k, l) for k, l in rows if l == "ru")
    token = tokens.sign(SECRET, key)
    assert '<html lang="ru">' in client.get(f"/r/{token}").get_data(as_text=True)
    kk = client.get(f"/r/{token}?lang=kk").get_data(as_text=True)
    assert '<html lang="kk">' in kk and "Құзырет әрқашан көрінеді" in kk
    assert "Always shown" in client.get(f"/r/{token}?lang=en").get_data(as_text=True)


def _heard(html: str) -> str:
    """What assistive technology is given of the count of answers: its paragraph's text without what
    is hidden from it (aria-hidden), the count itself (a CSS counter, empty in the HTML) as ``{n}``."""
    progress = lxml.html.fromstring(html).xpath('//p[contains(concat(" ", @class, " "), " progress ")]')[0]
    assert progress.get("aria-hidden") is None and progress.get("aria-live") is None and progress.get("role") is None
    for hidden in progress.xpath('.//*[@aria-hidden="true"]'):
        hidden.drop_tree()
    for counter in progress.xpath('.//span[@class="answered"]'):
        counter.text = "{n}"
    return " ".join(progress.text_content().split())


@pytest.mark.parametrize("lang, heard", [("kk", "Жауап берілген сұрақтар: {n}, барлығы 36"),
                                         ("ru", "Отвечено: {n} из 36")])
def test_a_screen_reader_hears_the_count_of_answers_in_the_pages_language(client, store, open_campaign, lang, heard):
    """The count beside the buttons is not a live region: it is read when the reader moves to it."""
    html = client.get(f"/r/{first_token(store, assessee='H1', relation='other')}?lang={lang}").get_data(as_text=True)
    assert _heard(html) == heard


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-5] + ("A" if t[-5] != "A" else "B") + t[-4:],  # altered signature
    lambda t: "x" + t[1:],                                 # altered key
    lambda t: t.split(".")[0],                             # signature cut off
    lambda t: "not-a-token",
    lambda t: "a" * 5000,
    lambda t: tokens.sign("another-secret", "0" * 32),     # signed elsewhere
    lambda t: tokens.sign(SECRET, "0" * 32),               # well signed, no such invitation
])
def test_forged_or_altered_links_are_not_found(client, store, open_campaign, mangle):
    token = mangle(first_token(store))
    assert client.get(f"/r/{token}").status_code == 404
    assert client.post(f"/r/{token}", data={"action": "submit"}).status_code == 404


def test_closed_campaign_answers_410_with_a_clear_page(client, store, open_campaign):
    token = first_token(store)
    with store.transaction() as session:
        session.scalar(select(Campaign)).status = "closed"
    response = client.get(f"/r/{token}?lang=en")
    assert response.status_code == 410
    assert "closed" in response.get_data(as_text=True)


def test_link_stops_working_after_the_closing_day(client, store, open_campaign):
    token = first_token(store)
    with store.transaction() as session:
        session.scalar(select(Campaign)).closes_on = dt.date.today()
    assert client.get(f"/r/{token}").status_code == 200  # the closing day itself is included
    with store.transaction() as session:
        session.scalar(select(Campaign)).closes_on = dt.date.today() - dt.timedelta(days=1)
    assert client.get(f"/r/{token}").status_code == 410


def test_submit_stores_one_response_and_the_link_then_says_done(client, store, open_campaign):
    token = first_token(store, relation="other")
    html = client.get(f"/r/{token}").get_data(as_text=True)
    response = client.post(f"/r/{token}", data={"action": "submit", **full_answers(html, 4)})
    assert response.status_code == 302 and "/r/" not in response.headers["Location"]
    with store.transaction() as session:
        stored = session.scalars(select(Response)).all()
        assert len(stored) == 1 and stored[0].is_self is False
        assert sorted(stored[0].answers.values()) == [4] * len(question_ids(html))
        assert session.scalar(select(func_count_done())) == 1
    again = client.get(f"/r/{token}?lang=en")
    assert again.status_code == 410 and "already been submitted" in again.get_data(as_text=True)
    assert client.post(f"/r/{token}", data={"action": "submit",
                                             **full_answers(html, 1)}).status_code == 410
    assert count(store, Response) == 1


def func_count_done():
    from sqlalchemy import func
    return select(func.count()).select_from(Invitation).where(Invitation.done.is_(True)).scalar_subquery()


def test_self_assessment_is_stored_as_self(client, store, open_campaign):
    token = first_token(store, relation="self")
    html = client.get(f"/r/{token}").get_data(as_text=True)
    client.post(f"/r/{token}", data={"action": "submit", **full_answers(html)})
    with store.transaction() as session:
        assert session.scalars(select(Response.is_self)).all() == [True]


def test_incomplete_submit_names_the_missing_questions_and_keeps_answers(client, store, open_campaign):
    token = first_token(store, relation="other")
    html = client.get(f"/r/{token}?lang=en").get_data(as_text=True)
    given = full_answers(html, 2)
    del given["ethics.2"], given["change.3"]
    response = client.post(f"/r/{token}?lang=en", data={"action": "submit", **given})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "2 questions have no answer" in page
    assert 'href="#q-ethics.2"' in page and 'href="#q-change.3"' in page
    assert 'class="question invalid" id="q-ethics.2"' in page
    assert len(re.findall(r'value="2" checked', page)) == len(given)
    assert count(store, Response) == 0


def test_values_outside_the_scale_count_as_unanswered(client, store, open_campaign):
    token = first_token(store, relation="other")
    html = client.get(f"/r/{token}").get_data(as_text=True)
    given = full_answers(html, 3)
    given["ethics.1"] = "9"
    given["results.2"] = "3.0"
    response = client.post(f"/r/{token}", data={"action": "submit", **given,
                                                 "leadership.1": "5", "evil": "<script>"})
    assert response.status_code == 422
    assert count(store, Response) == 0


def test_saved_draft_resumes_through_the_link_and_is_sealed_in_the_database(client, store, open_campaign):
    token = first_token(store, relation="other")
    html = client.get(f"/r/{token}").get_data(as_text=True)
    half = dict(list(full_answers(html, 5).items())[:12])
    response = client.post(f"/r/{token}", data={"action": "save", **half})
    assert response.status_code == 302
    resumed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert len(re.findall(r'value="5" checked', resumed)) == 12
    assert 'role="status"' in resumed
    with store.transaction() as session:
        sealed = [(i.key, i.draft) for i in session.scalars(select(Invitation)) if i.draft]
    assert len(sealed) == 1
    key, draft = sealed[0]
    assert b"communication" not in draft and b'": 5' not in draft
    assert drafts.unseal("a-database-reader-without-the-secret", key, draft) == {}
    assert len(drafts.unseal(SECRET, key, draft)) == 12
    assert count(store, Response) == 0


def test_submitting_deletes_the_draft(client, store, open_campaign):
    token = first_token(store, relation="other")
    html = client.get(f"/r/{token}").get_data(as_text=True)
    client.post(f"/r/{token}", data={"action": "save", "ethics.1": "3"})
    client.post(f"/r/{token}", data={"action": "submit", **full_answers(html)})
    with store.transaction() as session:
        assert [d for d in session.scalars(select(Invitation.draft)) if d] == []


def test_each_page_names_its_own_assessee_escaped(client, store, open_campaign):
    """The page around the questions is rendered once and reused: what differs must still differ."""
    with store.transaction() as session:
        s2 = session.scalar(select(Assessment).join(Person, Person.id == Assessment.assessee_id)
                            .where(Person.employee_id == "S2"))
        s2.full_name, s2.position, s2.unit = '<b>Ә & "Ы"</b>', "", ""
    pages = {eid: client.get(f"/r/{first_token(store, assessee=eid, relation='other')}?lang=ru").get_data(as_text=True)
             for eid in ("S1", "S2", "S3")}
    assert "<strong>Servant 1</strong>, Expert" in pages["S1"] and "Servant 1" not in pages["S3"]
    assert "<strong>Servant 3</strong>, Expert" in pages["S3"]
    assert "<strong>&lt;b&gt;Ә &amp; &#34;Ы&#34;&lt;/b&gt;</strong></p>" in pages["S2"]
    assert "<b>Ә" not in pages["S2"]
    without_names = {eid: html.replace(f"Servant {eid[1]}", "") for eid, html in pages.items() if eid != "S2"}
    assert without_names["S1"] == without_names["S3"]


def test_respondent_pages_set_no_cookie(app, store, open_campaign):
    """The link is the credential: no session, so nothing in the browser ties questionnaires together."""
    token = first_token(store, relation="other")
    browser = app.test_client()
    html = browser.get(f"/r/{token}").get_data(as_text=True)
    assert "csrf_token" not in html
    answers = full_answers(html, 3)
    for response in (browser.get(f"/r/{token}?lang=ru"),
                     browser.post(f"/r/{token}", data={"action": "save", "ethics.1": "3"}),
                     browser.post(f"/r/{token}", data={"action": "lang-kk", "ethics.1": "3"}),
                     browser.post(f"/r/{token}", data={"action": "submit", **answers}),
                     browser.get("/thanks"), browser.get(f"/r/{token}")):
        assert "Set-Cookie" not in response.headers, response.request.path
    assert browser.get_cookie("session") is None
    assert count(store, Response) == 1


def test_unknown_action_is_refused_without_storing(client, store, open_campaign):
    token = first_token(store, relation="other")
    html = client.get(f"/r/{token}").get_data(as_text=True)
    response = client.post(f"/r/{token}", data={"action": "delete", **full_answers(html)})
    assert response.status_code == 400
    assert count(store, Response) == 0


def snapshot(store):
    with store.transaction() as session:
        names = inspect(session.get_bind()).get_table_names()
        return {name: sorted(map(repr, session.execute(text(f"SELECT * FROM {name}")).all())) for name in names}


def test_a_get_writes_nothing(client, store, open_campaign):
    token = first_token(store, relation="other")
    client.get(f"/r/{token}").get_data(as_text=True)
    client.post(f"/r/{token}", data={"action": "save", "ethics.1": "3"})
    before = snapshot(store)
    for lang in ("", "?lang=ru", "?lang=en", "?saved=1"):
        assert client.get(f"/r/{token}{lang}").status_code == 200
    client.get("/r/forged-token")
    assert snapshot(store) == before


def test_page_is_small_and_loads_nothing_from_elsewhere(client, store, open_campaign):
    html = client.get(f"/r/{first_token(store, assessee='H1', relation='other')}").get_data(as_text=True)
    css = client.get("/static/style.css").get_data(as_text=True)
    assert len(html.encode()) + len(css.encode()) < 100_000
    assert not re.search(r'(src|href|action)="(https?:)?//', html)
    assert "url(" not in css and "@import" not in css
    assert "<script" not in html


def test_respondent_pages_send_no_referrer_and_a_strict_policy(client, store, open_campaign):
    response = client.get(f"/r/{first_token(store)}")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@contextlib.contextmanager
def served(app):
    """The app behind a real threaded HTTP server, and a function that posts a form and gives the status."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=RedactingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    opener = urllib.request.build_opener(_NoRedirect)

    def post(path, body: bytes) -> int:
        try:
            with opener.open(urllib.request.Request(base + path, data=body), timeout=60) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code
    try:
        yield base, post
    finally:
        server.shutdown()


def test_fifty_simultaneous_submits_of_one_link_store_exactly_one_response(app, store, open_campaign, caplog):
    token = first_token(store, relation="other")
    with served(app) as (base, post):
        with urllib.request.urlopen(f"{base}/r/{token}") as page:
            html = page.read().decode()
        body = urllib.parse.urlencode({"action": "submit", **full_answers(html)}).encode()
        with caplog.at_level(logging.INFO, logger="werkzeug"), ThreadPoolExecutor(50) as pool:
            statuses = list(pool.map(lambda _: post(f"/r/{token}", body), range(50)))
    assert sorted(set(statuses)) == [302, 410], statuses
    assert statuses.count(302) == 1
    assert count(store, Response) == 1
    assert token not in caplog.text and token.split(".")[0] not in caplog.text
    assert "/r/…" in caplog.text


def test_every_rater_of_a_campaign_submitting_at_once_loses_no_response(app, store, open_campaign):
    """Submits about one assessee rewrite each other's responses: none may be lost or doubled."""
    from collections import Counter

    links = invitation_tokens(store)
    with store.transaction() as session:
        about = dict(session.execute(select(Invitation.id, Invitation.assessment_id)).all())
    with served(app) as (base, post):
        bodies, sent = {}, Counter()
        for n, (token, invitation_id) in enumerate(links):
            with urllib.request.urlopen(f"{base}/r/{token}") as page:
                answers = full_answers(page.read().decode(), 1 + n % 5)
            bodies[token] = urllib.parse.urlencode({"action": "submit", **answers}).encode()
            sent[about[invitation_id], tuple(sorted((q, int(p)) for q, p in answers.items()))] += 1
        start = threading.Barrier(len(links))

        def submit(token):
            start.wait()
            return post(f"/r/{token}", bodies[token])
        with ThreadPoolExecutor(len(links)) as pool:
            statuses = list(pool.map(submit, [token for token, _id in links]))
    assert statuses == [302] * len(links)
    with store.transaction() as session:
        stored = Counter((r.assessment_id, tuple(sorted(r.answers.items()))) for r in session.scalars(select(Response)))
    assert stored == sent


def test_closing_writes_the_competency_totals_and_an_open_campaign_keeps_none(app, store, open_campaign, runner):
    from conftest import answer_all
    from survey.results import scoring
    from survey.core.models import CompetencyTotal

    answer_all(app, store)
    assert count(store, CompetencyTotal) == 0
    assert runner.invoke("campaign", "close", open_campaign).exit_code == 0
    with store.transaction() as session:
        by_assessment = {}
        for r in session.scalars(select(Response)):
            by_assessment.setdefault(r.assessment_id, []).append(scoring.ScoredResponse(r.is_self, r.answers))
        expected = sorted((a, t.is_self, t.competency_id, t.points, t.answers, t.responses)
                          for a, given in by_assessment.items() for t in scoring.totals(given, scoring.competency_of))
        assert len(expected) > 50
        assert sorted((t.assessment_id, t.is_self, t.competency_id, t.points, t.answers, t.responses)
                      for t in session.scalars(select(CompetencyTotal))) == expected


def test_done_page_speaks_the_raters_language(client, store, open_campaign):
    token = first_token(store, assessee="S1", relation="self")  # S1's roster language is Russian
    html = client.get(f"/r/{token}").get_data(as_text=True)
    client.post(f"/r/{token}", data={"action": "submit", **full_answers(html)})
    page = client.get(f"/r/{token}", headers={"Accept-Language": "en"})
    assert page.status_code == 410 and '<html lang="ru">' in page.get_data(as_text=True)


def test_a_failing_database_on_a_respondent_page_is_logged_without_the_link(app, store, open_campaign, caplog):
    token = first_token(store, relation="other")
    client = app.test_client()
    html = client.get(f"/r/{token}").get_data(as_text=True)
    with store.engine.begin() as conn:  # a real fault: the database lost a table
        conn.exec_driver_sql("DROP TABLE responses")
    with caplog.at_level(logging.WARNING):
        response = client.post(f"/r/{token}", data={"action": "submit",
                                                     **full_answers(html)})
    assert response.status_code == 503
    assert "/r/…" in caplog.text and token not in caplog.text


def test_flask_error_log_redacts_the_link(app, store, open_campaign, caplog):
    token = first_token(store)
    with app.test_request_context(f"/r/{token}", method="POST"), caplog.at_level(logging.ERROR):
        try:
            raise RuntimeError("unexpected")
        except RuntimeError:
            app.log_exception(sys.exc_info())
    assert "Exception on /r/… [POST]" in caplog.text and token not in caplog.text


def test_anonymity_note_follows_the_configured_threshold(app, client, store, open_campaign):
    app.config["ANONYMITY_THRESHOLD"] = 5
    assert "at least 5 colleagues" in client.get(f"/r/{first_token(store)}?lang=en").get_data(as_text=True)


def test_report_links_are_redacted_from_logs_too():
    from survey.web.common.serving import redact

    assert redact("/report/abc.def-ghi") == "/report/…"
    assert redact("/r/abc.def?lang=ru") == "/r/…?lang=ru"
    assert redact("/hr/campaigns/1/reports") == "/hr/campaigns/1/reports"


def test_switching_language_keeps_the_answers_given_so_far(client, store, open_campaign):
    token = first_token(store, relation="other")
    html = client.get(f"/r/{token}").get_data(as_text=True)
    assert 'form="answers" name="action" value="lang-ru"' in html and 'id="answers"' in html
    some = dict(list(full_answers(html, 2).items())[:5])
    response = client.post(f"/r/{token}", data={"action": "lang-ru", **some})
    assert response.status_code == 302 and response.headers["Location"].endswith("?lang=ru")
    switched = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<html lang="ru">' in switched and len(re.findall(r'value="2" checked', switched)) == 5
    assert count(store, Response) == 0
