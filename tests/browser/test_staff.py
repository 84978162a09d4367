"""HR and trainers in a real browser: a campaign from the roster to the links, the trainer's view."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

from sqlalchemy import select

from conftest import PASSWORD
from survey.core.models import AuditEntry, Invitation

from .conftest import add_campaign, check, follow, sign_in, translate

ROSTER = [["employee_id", "full_name", "position", "unit", "role", "manager_id", "email", "language"],
          ["D1", "Директор", "Басшы", "Басшылық", "head", "", "d1@body.kz", "kk"],
          ["H1", "Бөлім басшысы", "Бөлім басшысы", "Қаржы", "head", "D1", "h1@body.kz", "ru"]] + \
         [[f"S{i}", f"Қызметкер {i}", "Сарапшы", "Қаржы", "servant", "H1", f"s{i}@body.kz", "kk"] for i in range(1, 6)]


def roster_file(tmp_path):
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(ROSTER)
    path = tmp_path / "roster.csv"
    path.write_bytes(out.getvalue().encode("utf-8-sig"))  # as Excel saves it
    return path


def test_hr_runs_a_campaign_from_the_roster_to_the_links(app, store, staff, live_server, new_context, tmp_path):
    page = new_context(locale="en-US").new_page()
    page.goto("/hr/")
    assert "/hr/login" in page.url
    check(page, "hr-login-en")
    sign_in(page, "hr@body.kz", "not the password")
    assert page.get_by_role("alert").inner_text() == "Wrong e-mail or password."
    check(page, "hr-login-error-en")
    page.get_by_label("E-mail").fill("hr@body.kz")
    page.get_by_label("Password").fill(PASSWORD)
    follow(page.get_by_role("button", name="Sign in"))
    page.wait_for_url(re.compile(r"/hr/$"))
    check(page, "hr-home-empty-en")

    # The roster, as a CSV file chosen in the file dialog.
    follow(page.get_by_role("link", name="People", exact=True))
    page.get_by_label("File (.csv or .xlsx)").set_input_files(roster_file(tmp_path))
    follow(page.get_by_role("button", name="Import"))
    assert page.get_by_role("status").inner_text() == "Roster imported: 7 added, 0 updated."
    assert page.locator("tbody tr").count() == 7 and page.get_by_role("cell", name="Қызметкер 3").count() == 1
    check(page, "hr-people-en")

    # A campaign: created, raters suggested, the director's completed by hand.
    follow(page.get_by_role("navigation", name="Staff menu").get_by_role("link", name="Campaigns"))
    page.get_by_label("Name", exact=True).fill("Browser 2026")
    page.get_by_label("Last day of answering").fill((dt.date.today() + dt.timedelta(days=20)).isoformat())
    follow(page.get_by_role("button", name="Create campaign"))
    page.wait_for_url(re.compile(r"/hr/campaigns/\d+$"))
    assert page.get_by_text("Everyone in scope is assessed with their own participation.").is_visible()
    follow(page.locator(".card.next").get_by_role("link", name="Choose raters"))
    page.wait_for_url(re.compile(r"/hr/campaigns/\d+/raters$"))
    check(page, "hr-raters-empty-en")
    follow(page.get_by_role("button", name="Suggest raters from the structure for those who have none"))
    director = page.get_by_role("row").filter(has_text="Директор")
    assert director.get_by_role("cell").nth(3).inner_text() == "too few"
    assert page.get_by_role("row").filter(has_text="ready").count() == 6
    check(page, "hr-raters-en")
    follow(director.get_by_role("link", name="Директор"))
    check(page, "hr-assessment-en")
    # One colleague found by name over the whole body, with the relation the structure gives...
    page.get_by_label("Find a colleague in the whole body: name, employee id or unit").fill("қызметкер 1")
    follow(page.get_by_role("button", name="Search", exact=True))
    found = page.get_by_role("row").filter(has_text="(S1)")
    assert found.get_by_role("combobox").input_value() == "peer"
    check(page, "hr-assessment-search-en")
    follow(found.get_by_role("button", name="Add as a rater"))
    assert page.get_by_role("status").first.inner_text() == "Қызметкер 1 is added as a rater."
    # ...and one by employee id.
    page.get_by_text("Add by employee id").click()
    page.get_by_label("Employee id of the rater").fill("S2")
    page.get_by_label("Relation", exact=True).select_option("peer")
    follow(page.get_by_role("button", name="Add", exact=True))
    for employee in ("S1", "S2"):
        assert page.get_by_role("row").filter(has_text=f"({employee})").count() == 1
    assert page.get_by_text("3 raters; 3 to 7 are needed.").is_visible()
    follow(page.get_by_role("link", name="Back to all raters"))
    assert page.get_by_text("too few").count() == 0
    follow(page.get_by_role("link", name="Back to the campaign"))
    check(page, "hr-campaign-draft-en")
    # The schedule's approval, which opening needs (para 11).
    page.get_by_label("Approved by (the official who appoints and dismisses)").fill("Аппарат басшысы")
    page.get_by_label("Date of approval").fill(dt.date.today().isoformat())
    follow(page.get_by_role("button", name="Record the approval"))
    assert page.get_by_text("The schedule is recorded as approved by Аппарат басшысы").is_visible()

    # Opening, then the links.
    follow(page.get_by_role("link", name="Open the campaign for answers").first)
    assert page.get_by_text("Opening freezes the list of raters").is_visible()
    check(page, "hr-campaign-confirm-open-en")
    follow(page.get_by_role("button", name="Open the campaign for answers"))
    assert page.locator("h1 .badge").inner_text() == "Open for answers"
    with store.transaction() as session:
        relations = session.scalars(select(Invitation.relation)).all()
    assert page.get_by_text(f"0 of {len(relations)} questionnaires answered.").is_visible()
    check(page, "hr-campaign-open-en")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download links (CSV)").click()
    download = download_info.value
    assert re.fullmatch(r"links-\d+\.csv", download.suggested_filename)
    rows = list(csv.DictReader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert sorted(r["relation"] for r in rows) == sorted(relations)  # one link per questionnaire
    assert sum(r["relation"] == "self" for r in rows) == 7
    assert all(r["url"].startswith("http://survey.test/r/") for r in rows)
    # A link from the sheet opens the questionnaire (here on the test server, not survey.test).
    respondent = new_context().new_page()
    assert respondent.goto(rows[0]["url"].replace("http://survey.test", live_server.url)).status == 200
    assert respondent.locator("input[type=radio]").count() > 0

    follow(page.get_by_role("link", name="Audit log"))
    for action in ("Signed in", "Roster imported", "Campaign created", "Raters suggested", "Rater added",
                   "Campaign opened", "Links downloaded"):
        assert page.get_by_role("cell", name=action, exact=True).count() >= 1, action
    check(page, "hr-audit-en")
    follow(page.get_by_role("link", name="Training needs"))
    page.wait_for_url(re.compile(r"/trainer/$"))
    check(page, "hr-trainer-en")
    with store.transaction() as session:
        assert "links-export" in session.scalars(select(AuditEntry.action)).all()


def test_trainer_sees_the_training_needs_and_no_names(app, store, staff, live_server, new_context):
    add_campaign(app, store, "Answered 2025", status="closed", roster_loaded=False, answer=True)
    page = new_context(locale="ru-RU").new_page()
    sign_in(page, "trainer@body.kz", PASSWORD)
    page.wait_for_url(re.compile(r"/trainer/$"))
    assert page.locator("html").get_attribute("lang") == "ru"
    body = page.locator("main").inner_text()
    servant = app.extensions["survey.instruments"]["servant"]
    assert any(c.name("ru") in body for c in servant.competencies), body[:500]  # figures, by competency
    for name in ("Director", "Head One", "Servant 1"):  # and no one's name
        assert name not in body
    assert page.get_by_role("link", name=translate(app, "ru", "People")).count() == 0  # no HR pages in the menu
    check(page, "trainer-ru")
