"""Every page in Kazakh and Russian, in each state a person meets it: axe-core finds no serious
or critical violation, every field has a label, and a screenshot goes to test-artifacts/screenshots/."""
from __future__ import annotations

import pytest

from conftest import PASSWORD

from .conftest import LOCALES, PHONE, check, follow, invitation_key, no_sideways_scrolling, sign_in, translate


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_respondent_pages(app, store, campaigns_in_every_state, live_server, new_context, lang):
    page = new_context(viewport=PHONE, is_mobile=True, locale=LOCALES[lang]).new_page()

    def visit(path, name, status=200):
        response = page.goto(path)
        assert response.status == status, (name, response.status)
        assert page.locator("html").get_attribute("lang") == lang, name
        no_sideways_scrolling(page)
        check(page, f"{name}-{lang}")

    visit(f"/?lang={lang}", "index")
    visit(f"/r/not-a-link?lang={lang}", "link-not-found", 404)
    visit("/no-such-page", "page-not-found", 404)

    head_form = live_server.link(invitation_key(store, assessee="H1")[0], lang)
    visit(head_form, "form-head")
    visit(head_form + "&saved=1", "form-saved")
    follow(page.locator("button[value=submit]"))
    page.locator("#errors").wait_for()
    assert page.locator("fieldset.question.invalid").count() == 36
    check(page, f"form-incomplete-{lang}")
    page.context.clear_cookies()  # nothing rests on a cookie: the link alone carries the page
    page.locator("input[name='communication.1'][value='3']").check()
    follow(page.locator("button[value=submit]"))
    assert page.locator("fieldset.question.invalid").count() == 35
    assert page.locator("input[name='communication.1'][value='3']").is_checked()
    assert page.context.cookies() == []
    check(page, f"form-one-answered-{lang}")

    servant_form = live_server.link(invitation_key(store, assessee="S1", relation="self")[0], lang)
    visit(servant_form, "form-self")
    for radio in page.locator("input[type=radio][value='4']").all():
        radio.check()
    follow(page.locator("button[value=submit]"))
    page.wait_for_url("**/thanks**")
    check(page, f"thanks-{lang}")
    visit(servant_form, "link-done", 410)
    unanswered = invitation_key(store, assessee="D1", relation="self", campaign="Answered 2025")[0]
    visit(live_server.link(unanswered, lang), "campaign-closed", 410)
    assert page.locator("h1").inner_text() == translate(app, lang, "This assessment is closed")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_staff_pages(app, store, staff, campaigns_in_every_state, live_server, new_context, tmp_path, lang):
    ids = campaigns_in_every_state
    page = new_context(locale=LOCALES[lang]).new_page()

    def visit(path, name, status=200):
        response = page.goto(path)
        assert response.status == status, (name, response.status)
        assert page.locator("html").get_attribute("lang") == lang, name
        check(page, f"{name}-{lang}")

    visit("/hr/login", "login")
    sign_in(page, "hr@body.kz", "not the password")
    assert page.get_by_role("alert").inner_text() == translate(app, lang, "Wrong e-mail or password.")
    check(page, f"login-error-{lang}")
    sign_in(page, "hr@body.kz", PASSWORD)

    visit("/hr/", "hr-home")
    visit("/hr/people", "hr-people")
    bad = tmp_path / "roster.csv"
    bad.write_text("employee_id,full_name,position,unit,role,manager_id,email,language\nS9,X,,,chief,H1,,kk\n",
                   encoding="utf-8")
    page.locator("input[type=file]").set_input_files(bad)
    follow(page.locator("form[enctype] button[type=submit]"))
    page.get_by_role("alert").wait_for()
    assert "roster.csv:2:" in page.get_by_role("alert").inner_text()
    check(page, f"hr-people-error-{lang}")
    for state in ("open", "draft", "closed"):
        visit(f"/hr/campaigns/{ids[state]}", f"hr-campaign-{state}")
    visit(f"/hr/campaigns/{ids['open']}?missing=1", "hr-campaign-open-missing")
    visit(f"/hr/campaigns/{ids['draft']}/raters", "hr-raters-draft")
    visit(f"/hr/campaigns/{ids['open']}/raters", "hr-raters-open")
    visit(f"/hr/campaigns/{ids['draft']}/assessments/{ids['director']}", "hr-assessment")
    page.locator("details:has(input[name=employee_id]) > summary").click()
    page.locator("input[name=employee_id]").fill("X-404")
    follow(page.locator("form.stack:has(input[name=employee_id]) button[type=submit]"))
    page.get_by_role("alert").wait_for()
    check(page, f"hr-assessment-error-{lang}")
    visit("/hr/audit", "hr-audit")
    visit("/hr/password", "hr-password")

    page = new_context(locale=LOCALES[lang]).new_page()  # the trainer, in another browser session
    sign_in(page, "trainer@body.kz", PASSWORD)
    visit("/trainer/", "trainer")
    visit("/hr/", "forbidden", 403)
