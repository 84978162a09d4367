"""The pages after the report on a phone, in Kazakh and Russian: the assessee reads their report,
confirms it and confirms the plan; the direct manager opens a direct report and records the plan.
No serious or critical axe finding, no sideways scrolling."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from survey.campaigns import lifecycle as campaigns
from survey.core.followup import DevelopmentPlan, ReportRelease
from survey.core.models import Assessment, Person
from survey.followup import readers, release, workdays
from survey.reports import links

from .conftest import PHONE, add_campaign, check, follow, no_sideways_scrolling


@pytest.fixture
def published(app, store):
    """A closed, answered campaign over ``small_body``, published, with the managers' links made."""
    campaign_id = add_campaign(app, store, "After 2026", status="open", roster_loaded=False, answer=True)
    with store.transaction() as session:
        campaign = campaigns.get(session, "After 2026")
        campaigns.close(session, campaign)
        release.publish(session, campaign, workdays.load())
        managers = {link.person.employee_id: links.ASSESSOR.sign(app.secret_key, campaign_id, link.id, link.key)
                    for link in readers.assessors(session, campaign)}
        own = {}
        for r in session.scalars(select(ReportRelease)):
            own[r.assessment.assessee.employee_id] = links.sign(app.secret_key, campaign_id, r.assessment_id, r.key)
    return own, managers


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_manager_and_the_assessee_on_a_phone(app, store, live_server, new_context, published, lang):
    own, managers = published
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()

    # The direct manager: their direct reports, one report, the plan recorded.
    assert page.goto(f"/assessor/{managers['H1']}?lang={lang}").status == 200
    no_sideways_scrolling(page)
    check(page, f"phone-assessor-home-{lang}")
    follow(page.get_by_role("link", name="Servant 1"), tap=True)
    no_sideways_scrolling(page)
    check(page, f"phone-assessor-report-{lang}")
    page.locator("#actions_1").fill("Бөлім жиналыстарын жүргізу")
    page.locator("#due_1").fill((dt.date.today() + dt.timedelta(days=90)).isoformat())
    follow(page.locator("form.stack button[type=submit]"), tap=True)
    page.wait_for_url("**done=plan**")
    with store.transaction() as session:
        s1 = session.scalar(select(Assessment).join(Person, Person.id == Assessment.assessee_id)
                            .where(Person.employee_id == "S1"))
        plan = session.get(DevelopmentPlan, s1.id)
        assert plan is not None and plan.items[0].actions == "Бөлім жиналыстарын жүргізу"

    # The assessee: reads, confirms reading, confirms the plan.
    assert page.goto(f"/report/{own['S1']}?lang={lang}").status == 200
    no_sideways_scrolling(page)
    check(page, f"phone-own-report-{lang}")
    follow(page.locator("form[action*='/read'] button"), tap=True)
    follow(page.locator("form[action*='/confirm'] button"), tap=True)
    check(page, f"phone-own-report-confirmed-{lang}")
    with store.transaction() as session:
        assert session.get(ReportRelease, s1.id).acknowledged_at is not None
        assert session.get(DevelopmentPlan, s1.id).confirmed_at is not None
