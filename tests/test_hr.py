"""HR workspace: accounts, role boundaries, roster upload, raters, the campaign's life, downloads."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
from sqlalchemy import select

from conftest import PASSWORD, csrf, database, excel_csv, first_token, make_app, person_row, sign_in, wait_for_jobs
from survey.staff import accounts, signin
from survey.campaigns import lifecycle, people, respond, roster
from survey.core.models import AuditEntry, Campaign, Invitation, Person, Rater, User

STAFF_PAGES = ["/hr/", "/hr/people", "/hr/campaigns/1", "/hr/campaigns/1/raters", "/hr/campaigns/1/assessments/1",
               "/hr/campaigns/1/links.csv", "/hr/campaigns/1/raters.csv", "/hr/audit"]


def text(response):
    return response.get_data(as_text=True)


def roster_csv(rows, delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(["employee_id", "full_name", "position", "unit", "role", "manager_id", "email", "language"])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


BODY = [["D1", "Директор", "Басшы", "Басшылық", "head", "", "d1@body.kz", "kk"],
        ["H1", "Бөлім басшысы", "Бөлім басшысы", "Қаржы", "head", "D1", "h1@body.kz", "ru"]] + \
       [[f"S{i}", f"Қызметкер {i}", "Сарапшы", "Қаржы", "servant", "H1", f"s{i}@body.kz", "kk"] for i in range(1, 6)]


def upload(client, path, data, filename):
    token = csrf(client, "/hr/people" if "people" in path else path.rsplit("/", 1)[0])
    return client.post(path, data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


# --- accounts -------------------------------------------------------------------------------

def test_users_create_command_stores_a_scrypt_hash_not_the_password(runner, store):
    result = runner.invoke("users", "create", "HR@Body.kz", "--role", "hr", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    with store.transaction() as session:
        user = session.scalar(select(User))
    assert user.email == "hr@body.kz" and user.role == "hr"
    assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash


def test_users_create_refuses_a_short_password(runner):
    result = runner.invoke("users", "create", "a@b.kz", "--role", "hr", input="short\nshort\n")
    assert result.exit_code == 1 and "at least" in result.output


def test_staff_pages_send_anonymous_visitors_to_sign_in(client, open_campaign):
    for path in STAFF_PAGES + ["/trainer/"]:
        response = client.get(path)
        assert response.status_code == 302 and "/hr/login" in response.headers["Location"], path


def test_trainer_cannot_reach_any_hr_page(staff, open_campaign):
    trainer = staff("trainer")
    for path in STAFF_PAGES:
        assert trainer.get(path).status_code == 403, path
    assert trainer.get("/trainer/").status_code == 200


def test_hr_and_hr_head_reach_the_workspace(staff, open_campaign):
    for role in ("hr", "hr-head"):
        client = staff(role)
        for path in STAFF_PAGES:
            assert client.get(path).status_code == 200, (role, path)


def test_a_respondent_link_never_opens_staff_pages(client, store, open_campaign):
    token = first_token(store)
    assert client.get(f"/r/{token}").status_code == 200
    for path in STAFF_PAGES:
        assert client.get(path).status_code == 302, path  # the respondent's session is not a staff session


def test_wrong_passwords_hold_back_that_place_for_a_growing_while_and_no_other(app, staff, monkeypatch):
    """The lockout that anyone could use to keep a colleague out is gone: five wrong passwords in a
    row make the place they came from wait, one minute and then longer; another desk is not affected."""
    client = app.test_client()
    for _ in range(signin.FREE_FAILURES):
        response = sign_in(client, "hr@body.kz", "wrong password!")
        assert response.status_code == 200 and "Wrong e-mail or password" in text(response)
    held = sign_in(client, "hr@body.kz", PASSWORD)  # even the right password waits
    assert held.status_code == 429 and "Try again in 1 min" in text(held)
    assert 55 <= int(held.headers["Retry-After"]) <= 60
    assert client.get("/hr/").status_code == 302

    desk = app.test_client()
    desk.environ_base["REMOTE_ADDR"] = "10.0.0.7"
    assert sign_in(desk, "hr@body.kz", PASSWORD).status_code == 302

    later = accounts.now() + dt.timedelta(seconds=61)
    monkeypatch.setattr(signin, "now", lambda: later)
    assert sign_in(client, "hr@body.kz", "wrong password!").status_code == 200
    again = sign_in(client, "hr@body.kz", PASSWORD)
    assert again.status_code == 429 and 115 <= int(again.headers["Retry-After"]) <= 120  # twice as long

    much_later = later + dt.timedelta(seconds=121)
    monkeypatch.setattr(signin, "now", lambda: much_later)
    assert sign_in(client, "hr@body.kz", PASSWORD).status_code == 302


def _answers(app, email, password, attempts=signin.FREE_FAILURES + 2):
    """What a stranger sees, attempt after attempt: status, the wait, the page without its token."""
    client = app.test_client()
    seen = []
    for _ in range(attempts):
        response = sign_in(client, email, password)
        page = re.sub(r'value="[^"]*"', "", text(response))
        wait = response.headers.get("Retry-After")
        seen.append((response.status_code, wait and round(int(wait), -1), page))
    return seen


def test_unknown_address_wrong_password_and_held_back_account_look_the_same(app, staff):
    unknown = _answers(app, "nobody@body.kz", "wrong password!")
    wrong = _answers(app, "hr@body.kz", "wrong password!")
    assert unknown == wrong
    assert [status for status, _, _ in wrong] == [200] * signin.FREE_FAILURES + [429, 429]
    # Held back, the right password gets the answer a wrong one gets.
    assert _answers(app, "hr@body.kz", PASSWORD, attempts=1) == wrong[-1:]


def test_every_kind_of_failed_sign_in_costs_one_password_hash(app, staff, monkeypatch):
    from survey.staff import passwords

    calls = []
    real = passwords.check_password_hash
    monkeypatch.setattr(passwords, "check_password_hash", lambda *a: calls.append(1) or real(*a))
    for email, password in [("nobody@body.kz", "whatever it is"), ("hr@body.kz", "wrong password!")] * 4:
        calls.clear()
        sign_in(app.test_client(), email, password)
        assert calls == [1], (email, password)


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(app, staff):
    response = sign_in(app.test_client(), "nobody@body.kz", PASSWORD)
    assert "Wrong e-mail or password" in text(response)


def test_session_cookie_is_http_only_and_same_site(app, staff):
    response = sign_in(app.test_client(), "hr@body.kz")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_secure_when_the_site_is_served_over_https(tmp_path, database_url):
    from survey import create_app

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", "BASE_URL": "https://360.gov.kz"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_password_change_signs_out_other_sessions(app, staff):
    first, second = staff("hr"), staff("hr")
    new = "a much better passphrase"
    response = first.post("/hr/password", data={"csrf_token": csrf(first, "/hr/password"), "current": PASSWORD,
                                                "new": new, "repeat": new})
    assert response.status_code == 302
    assert first.get("/hr/").status_code == 200
    assert second.get("/hr/").status_code == 302
    assert sign_in(app.test_client(), "hr@body.kz", new).status_code == 302


def test_staff_forms_refuse_a_missing_csrf_token(hr_client, open_campaign, store):
    response = hr_client.post("/hr/campaigns/1/close", data={})
    assert response.status_code == 400
    with store.transaction() as session:
        assert session.scalar(select(Campaign.status)) == "open"


def test_sign_out_ends_the_session(hr_client):
    hr_client.post("/hr/logout", data={"csrf_token": csrf(hr_client, "/hr/")})
    assert hr_client.get("/hr/").status_code == 302


# --- roster ---------------------------------------------------------------------------------

def test_roster_upload_imports_people_and_lists_them(hr_client, store):
    response = upload(hr_client, "/hr/people", roster_csv(BODY, ";"), "roster.csv")
    assert response.status_code == 302
    page = text(hr_client.get(response.headers["Location"]))
    assert "7 added" in page and "Қызметкер 3" in page
    assert "Қызметкер 3" in text(hr_client.get("/hr/people?q=ызметкер 3"))
    assert "Директор" not in text(hr_client.get("/hr/people?q=ызметкер 3"))


def test_roster_upload_errors_are_listed_by_row_and_nothing_is_imported(hr_client, store):
    bad = BODY + [["S9", "Қызметкер 9", "Сарапшы", "Қаржы", "chief", "H1", "", "kk"],
                  ["S10", "Қызметкер 10", "Сарапшы", "Қаржы", "servant", "X-77", "", "kk"]]
    response = upload(hr_client, "/hr/people", roster_csv(bad), "roster.csv")
    page = text(response)
    assert response.status_code == 422
    assert "roster.csv:9: role &#39;chief&#39; is not one of: head, servant" in page
    assert "roster.csv:10: manager_id &#39;X-77&#39; is not in the roster" in page
    with store.transaction() as session:
        assert session.query(Person).count() == 0


def test_roster_errors_are_shown_in_russian_on_a_russian_page(hr_client):
    bad = [["S1", "A", "", "", "boss", "", "", "kk"]]
    token = csrf(hr_client, "/hr/people")
    response = hr_client.post("/hr/people?lang=ru", data={"csrf_token": token, "file": (io.BytesIO(roster_csv(bad)), "r.csv")},
                              content_type="multipart/form-data")
    assert response.status_code == 422 and "r.csv:2:" in text(response)
    assert "is not one of" not in text(response)


def test_roster_upload_of_xlsx_works(hr_client, store):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["employee_id", "full_name", "position", "unit", "role", "manager_id", "email", "language"])
    for row in BODY:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    assert upload(hr_client, "/hr/people", data.getvalue(), "roster.xlsx").status_code == 302
    with store.transaction() as session:
        assert session.query(Person).count() == 7


# --- campaign, raters -----------------------------------------------------------------------

def create_campaign(client, name="2026", closes=None):
    closes = closes or (dt.date.today() + dt.timedelta(days=20)).isoformat()
    return client.post("/hr/campaigns", data={"csrf_token": csrf(client, "/hr/"), "name": name, "closes": closes})


def test_the_whole_campaign_runs_from_the_browser(hr_client, store, app):
    upload(hr_client, "/hr/people", roster_csv(BODY), "roster.csv")
    response = create_campaign(hr_client)
    assert response.status_code == 302
    campaign_id = int(re.search(r"/campaigns/(\d+)$", response.headers["Location"]).group(1))
    raters_page = f"/hr/campaigns/{campaign_id}/raters"
    # Suggested raters: D1 gets only H1 from the structure, so the 3-7 rule blocks opening.
    hr_client.post(f"/hr/campaigns/{campaign_id}/raters/suggest", data={"csrf_token": csrf(hr_client, raters_page)})
    page = text(hr_client.get(raters_page))
    assert "too few" in page
    refused = hr_client.post(f"/hr/campaigns/{campaign_id}/open",
                             data={"csrf_token": csrf(hr_client, f"/hr/campaigns/{campaign_id}")})
    assert refused.status_code == 422
    assert "D1 Директор: 1 rater(s)" in text(refused) and "para 36" in text(refused)
    # Add two raters for D1 on its page.
    with store.transaction() as session:
        from survey.core.models import Assessment
        assessment_id = session.scalar(select(Assessment.id).join(Person, Person.id == Assessment.assessee_id)
                                       .where(Person.employee_id == "D1"))
    page_path = f"/hr/campaigns/{campaign_id}/assessments/{assessment_id}"
    for eid in ("S1", "S2"):
        added = hr_client.post(page_path, data={"csrf_token": csrf(hr_client, page_path), "employee_id": eid,
                                                "relation": "peer"})
        assert added.status_code == 302
    assert "3 raters" in text(hr_client.get(page_path))
    refused = hr_client.post(f"/hr/campaigns/{campaign_id}/open",
                             data={"csrf_token": csrf(hr_client, f"/hr/campaigns/{campaign_id}")})
    assert refused.status_code == 422 and "para 11" in text(refused)
    approved = hr_client.post(f"/hr/campaigns/{campaign_id}/approve",
                              data={"csrf_token": csrf(hr_client, f"/hr/campaigns/{campaign_id}"), "by": "Akim",
                                    "on": dt.date.today().isoformat()})
    assert approved.status_code == 302
    assert "Schedule approved by Akim" in text(hr_client.get(f"/hr/campaigns/{campaign_id}"))
    opened = hr_client.post(f"/hr/campaigns/{campaign_id}/open",
                            data={"csrf_token": csrf(hr_client, f"/hr/campaigns/{campaign_id}")})
    assert opened.status_code == 302
    dashboard = text(hr_client.get(f"/hr/campaigns/{campaign_id}"))
    assert "0 of " in dashboard and "Open for answers" in dashboard
    rows = excel_csv(hr_client.get(f"/hr/campaigns/{campaign_id}/links.csv").data, ",")
    assert len(rows) == 7 + sum(1 for r in rows if r["relation"] != "self")
    assert all(r["url"].startswith("http://survey.test/r/") for r in rows)
    closed = hr_client.post(f"/hr/campaigns/{campaign_id}/close",
                            data={"csrf_token": csrf(hr_client, f"/hr/campaigns/{campaign_id}")})
    assert closed.status_code == 302
    # Answering ends at once; the totals are written by a job, and the results wait for it.
    with store.transaction() as session:
        assert session.get(Campaign, campaign_id).status in ("closing", "closed")
    wait_for_jobs(store)
    assert "Closed" in text(hr_client.get(f"/hr/campaigns/{campaign_id}?lang=en"))
    xlsx = hr_client.get(f"/hr/campaigns/{campaign_id}/results.xlsx")
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    assert book["Heads of units"].max_row == 1 + 2 and book["Corps-B servants"].max_row == 1 + 5  # one row each
    with store.transaction() as session:
        actions = [a for (a,) in session.execute(select(AuditEntry.action).order_by(AuditEntry.id))]
    for action in ("roster-import", "campaign-create", "raters-suggest", "rater-add", "campaign-open",
                   "links-export", "campaign-close", "results-export"):
        assert action in actions


def test_raters_page_flags_too_many(hr_client, app, store):
    upload(hr_client, "/hr/people", roster_csv(BODY + [[f"S{i}", f"Қызметкер {i}", "Сарапшы", "Қаржы", "servant", "H1", "", "kk"]
                                                       for i in range(6, 11)]), "roster.csv")
    create_campaign(hr_client)
    data = "assessee_id,rater_id,relation\n" + "".join(f"H1,S{i},subordinate\n" for i in range(1, 9))
    response = upload(hr_client, "/hr/campaigns/1/raters/import", data.encode(), "raters.csv")
    assert response.status_code == 302
    assert "too many" in text(hr_client.get("/hr/campaigns/1/raters"))


def test_raters_upload_errors_name_the_row(hr_client):
    upload(hr_client, "/hr/people", roster_csv(BODY), "roster.csv")
    create_campaign(hr_client)
    data = "assessee_id,rater_id,relation\nS1,H1,manager\nS1,S1,peer\n"
    response = upload(hr_client, "/hr/campaigns/1/raters/import", data.encode(), "raters.csv")
    assert response.status_code == 422
    assert "raters.csv:3:" in text(response)


@pytest.mark.parametrize("language, delimiter", [("kk", ";"), ("ru", ";"), ("en", ",")])
def test_csvs_for_people_open_in_columns_in_the_readers_excel(hr_client, open_campaign, language, delimiter):
    """Excel in Kazakh and Russian splits a CSV on ';' and reads it as UTF-8 only after a BOM."""
    for name in ("links.csv", "raters.csv"):
        data = hr_client.get(f"/hr/campaigns/1/{name}?lang={language}").data
        assert data.startswith(b"\xef\xbb\xbfassessee_id" + delimiter.encode())
        rows = excel_csv(data, delimiter)
        assert len(rows) > 7 and all(r["assessee_id"] and r["rater_id"] for r in rows)


def test_raters_csv_for_a_russian_excel_is_imported_back(hr_client, store):
    upload(hr_client, "/hr/people", roster_csv(BODY), "roster.csv")
    create_campaign(hr_client)
    data = hr_client.get("/hr/campaigns/1/raters.csv?lang=ru").data
    in_file = {(r["assessee_id"], r["rater_id"], r["relation"]) for r in excel_csv(data, ";")}
    assert len(in_file) > 7
    assert upload(hr_client, "/hr/campaigns/1/raters/import", data, "raters.csv").status_code == 302
    with store.transaction() as session:
        stored = {(r.assessment.assessee.employee_id, r.rater.employee_id, r.relation)
                  for r in session.scalars(select(Rater))}
    assert stored == in_file


def test_removing_a_rater(hr_client, store):
    upload(hr_client, "/hr/people", roster_csv(BODY), "roster.csv")
    create_campaign(hr_client)
    hr_client.post("/hr/campaigns/1/raters/suggest", data={"csrf_token": csrf(hr_client, "/hr/campaigns/1/raters")})
    with store.transaction() as session:
        rater = session.scalars(select(Rater)).first()
        rater_id, assessment_id, before = rater.id, rater.assessment_id, session.query(Rater).count()
    page = f"/hr/campaigns/1/assessments/{assessment_id}"
    response = hr_client.post(f"/hr/campaigns/1/raters/{rater_id}/remove", data={"csrf_token": csrf(hr_client, page)})
    assert response.status_code == 302
    with store.transaction() as session:
        assert session.query(Rater).count() == before - 1


def test_extending_the_closing_date(hr_client, open_campaign, store):
    new = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    response = hr_client.post("/hr/campaigns/1/extend", data={"csrf_token": csrf(hr_client, "/hr/campaigns/1"), "closes": new})
    assert response.status_code == 302
    past = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    refused = hr_client.post("/hr/campaigns/1/extend", data={"csrf_token": csrf(hr_client, "/hr/campaigns/1"), "closes": past})
    assert refused.status_code == 422
    with store.transaction() as session:
        assert session.scalar(select(Campaign.closes_on)).isoformat() == new


def test_dashboard_counts_per_assessee_and_unit_without_naming_raters(hr_client, app, store, open_campaign):
    instruments = app.extensions["survey.instruments"]
    with store.transaction() as session:
        invitation = session.scalars(select(Invitation).where(Invitation.relation == "manager")).first()
        rater_name = invitation.rater.full_name
        instrument = instruments[invitation.assessment.instrument]
        respond.submit(session, invitation, respond.read_answers(instrument, {q.id: "4" for q in instrument.questions}))
        assessee = invitation.assessment.assessee.full_name
    page = text(hr_client.get("/hr/campaigns/1"))
    assert re.search(rf"{assessee}</td><td[^>]*>[^<]*</td><td class=\"num\"[^>]*>1 / \d", page)
    assert "1 of " in page
    missing = text(hr_client.get("/hr/campaigns/1?missing=1"))
    assert len(re.findall(r"<tr><td[^>]*>", missing.split("By assessee")[1])) >= 7  # everyone still has something open
    rows = re.findall(r"<tr>(.*?)</tr>", page.split("By assessee")[1], re.S)
    assert all(row.count("<td") == 3 for row in rows[1:])  # name, unit, count: nothing about who answered
    for label in ("Direct manager", "Subordinate", "Peer", rater_name + " ("):
        assert label not in page


def test_results_download_is_refused_while_open(hr_client, open_campaign):
    response = hr_client.get("/hr/campaigns/1/results.xlsx")
    assert response.status_code == 422 and "closed" in text(response)


def test_audit_log_is_shown_and_holds_no_answers(hr_client, open_campaign, store):
    hr_client.get("/hr/campaigns/1/links.csv")
    page = text(hr_client.get("/hr/audit"))
    assert "Links downloaded" in page and "hr@body.kz" in page
    russian = text(hr_client.get("/hr/audit?lang=ru"))
    assert "Ссылки скачаны" in russian and "links-export" not in russian  # no raw key on a ru page


def shown_time(client, marker: str, lang: str = "en") -> str:
    """The time column of the audit log's row whose details hold ``marker``."""
    row = next(r for r in text(client.get(f"/hr/audit?lang={lang}")).split("<tr>") if marker in r)
    return re.search(r'<td data-label="[^"]+">([^<]+)</td>', row).group(1)


def test_times_are_shown_in_the_bodys_time_zone(app, store, staff, database_url, tmp_path, monkeypatch):
    """Stored in UTC; 23:30 UTC is already 04:30 of the next day in Astana and Almaty (UTC+5)."""
    with store.transaction() as session:
        session.add(AuditEntry(at=dt.datetime(2026, 3, 14, 23, 30), actor="hr@body.kz", action="roster-import",
                               detail="late.csv: 1 added, 0 updated"))
    client = staff("hr")
    assert shown_time(client, "late.csv") == "15 Mar 2026, 04:30"
    assert shown_time(client, "late.csv", "ru") == "15 мар. 2026, 04:30"
    assert shown_time(client, "late.csv", "kk").startswith("15 ") and shown_time(client, "late.csv", "kk").endswith(
        "2026, 04:30")

    def elsewhere(folder, **config):
        other = make_app(database_url, tmp_path / folder, **config)
        other_client = other.test_client()
        assert sign_in(other_client, "hr@body.kz").status_code == 302
        try:
            return shown_time(other_client, "late.csv")
        finally:
            database.get_db(other).engine.dispose()

    assert elsewhere("new-york", TIMEZONE="America/New_York") == "14 Mar 2026, 19:30"  # UTC-4 that day
    monkeypatch.setenv("SURVEY_TIMEZONE", "Europe/Moscow")
    assert elsewhere("moscow") == "15 Mar 2026, 02:30"  # UTC+3


def test_the_3_to_7_check_is_shown_in_russian_on_a_russian_page(hr_client):
    upload(hr_client, "/hr/people", roster_csv(BODY), "roster.csv")
    create_campaign(hr_client)
    page = text(hr_client.get("/hr/campaigns/1?lang=ru"))
    assert "D1 Директор: оценивающих — 0" in page and "rater(s)" not in page


def test_closing_ends_answering_at_once_and_a_job_writes_the_totals(app, store, hr_client, client, open_campaign):
    from conftest import answer_about, first_token
    from survey.campaigns import lifecycle as campaigns
    from survey.core.models import CompetencyTotal

    answer_about(app, store, "S1", [4, 4, 3])
    token = first_token(store, assessee="S2")
    with store.transaction() as session:
        campaign = campaigns.get(session, open_campaign)
        campaigns.begin_close(session, campaign)
        campaign_id = campaign.id
    assert client.get(f"/r/{token}").status_code == 410  # the link no longer works: answering has ended
    page = text(hr_client.get(f"/hr/campaigns/{campaign_id}?lang=en"))
    assert "Closed; the answers are being tallied" in page and "Download results" not in page
    refused = hr_client.get(f"/hr/campaigns/{campaign_id}/results.xlsx?lang=en")
    assert refused.status_code == 422 and "available once it is closed" in text(refused)
    from survey.campaigns import closing
    from survey.operations import jobs

    with store.transaction() as session:
        jobs.start(session, closing.KIND, campaigns.get(session, open_campaign), "hr@body.kz")
    jobs.run_pending(store, app.config)
    with store.transaction() as session:
        assert campaigns.get(session, open_campaign).status == "closed"
        assert session.scalars(select(CompetencyTotal)).first() is not None
    assert hr_client.get(f"/hr/campaigns/{campaign_id}/results.xlsx").status_code == 200


def test_the_menu_marks_the_section_of_the_page(hr_client):
    people = text(hr_client.get("/hr/people?lang=en"))
    assert re.search(r'<a href="/hr/people" aria-current="page">People</a>', people)
    assert people.count('aria-current="page"') == 1
    audit = text(hr_client.get("/hr/audit?lang=en"))
    assert re.search(r'<a href="/hr/audit" aria-current="page">Audit log</a>', audit)
    assert re.search(r'<a href="/hr/" aria-current="page">Campaigns</a>', text(hr_client.get("/hr/?lang=en")))


def test_the_campaign_page_lists_units_and_assessees_in_kazakh_alphabetical_order(app, store):
    """By the alphabet, not by code point (which puts «Ә» after «Я») nor the database's collation."""
    rows = [person_row(2, "D1", "Ярослав Директор", "head", unit="Әкімшілік"),
            person_row(3, "S1", "Әсем Бекова", "servant", "D1", unit="Әкімшілік"),
            person_row(4, "S2", "Аян Сейітов", "servant", "D1", unit="Әкімшілік"),
            person_row(5, "S3", "Бек Ахметов", "servant", "D1", unit="Бухгалтерия"),
            person_row(6, "S4", "Жанар Өтебаева", "servant", "D1", unit="Аудит")]
    with store.transaction() as session:
        people.apply_rows(session, roster.validate(rows, "body", {}))
        campaign = lifecycle.create(session, "Order 2026", dt.date.today() + dt.timedelta(days=10),
                                    app.extensions["survey.instruments"])
        progress = lifecycle.assessee_progress(session, campaign)
    assert [p.full_name for p in progress] == ["Жанар Өтебаева", "Аян Сейітов", "Әсем Бекова", "Ярослав Директор",
                                               "Бек Ахметов"]
    assert [u for u, _d, _t in lifecycle.unit_progress(progress)] == ["Аудит", "Әкімшілік", "Бухгалтерия"]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_refused_day_is_written_as_the_reader_writes_days(hr_client, store, lang):
    """The domain passes a day as a date: the command line prints it in ISO form, a page in the reader's
    («2025 ж. 03 жел.», «3 дек. 2025 г.»)."""
    from babel.dates import format_date

    def said(response):  # the page without the form's fields, which keep the day as it was typed
        return re.sub(r'value="[^"]*"', "", text(response))

    upload(hr_client, "/hr/people", roster_csv(BODY), "roster.csv")
    hr_client.get(f"/hr/?lang={lang}")
    past, future = dt.date(2025, 12, 3), dt.date.today() + dt.timedelta(days=400)
    refused = create_campaign(hr_client, closes=past.isoformat())
    assert refused.status_code == 422
    assert past.isoformat() not in said(refused) and format_date(past, "medium", locale=lang) in said(refused)
    campaign_id = int(re.search(r"/campaigns/(\d+)$", create_campaign(hr_client).headers["Location"]).group(1))
    page = f"/hr/campaigns/{campaign_id}"
    approved = hr_client.post(f"{page}/approve", data={"csrf_token": csrf(hr_client, page), "by": "Akim",
                                                       "on": future.isoformat()})
    assert approved.status_code == 422
    assert future.isoformat() not in said(approved) and format_date(future, "medium", locale=lang) in said(approved)
