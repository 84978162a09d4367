"""The pages after the report on a phone, in Kazakh and Russian: the assessee reads their report,
confirms it and confirms the plan; the direct manager opens a direct report and records the plan;
every self-assessment in the report, on the assessee's page and the HR head's, can be read whole.
No serious or critical axe finding, no sideways scrolling."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from conftest import PASSWORD
from survey.campaigns import lifecycle as campaigns
from survey.core.followup import DevelopmentPlan, ReportRelease
from survey.core.models import Assessment, Person
from survey.followup import readers, release, workdays
from survey.reports import links

from .conftest import LOCALES, PHONE, add_campaign, axe, check, follow, no_sideways_scrolling, sign_in, translate


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


# Every cell of the column headed ``label``, each brought into view as a person can bring it (the
# page scrolled, a region that scrolls — overflow auto or scroll — scrolled sideways; a box that
# hides what overflows it is never scrolled), then whatever still hides part of it: a box that
# clips it, the screen's edge, something drawn over its centre, its own text cut off.
COLUMN_IN_VIEW = """([label, screen]) => {
  const width = Math.min(innerWidth, screen);  // a phone widens its layout to fit a page wider than the screen
  const cells = [];
  for (const table of document.querySelectorAll('.report table')) {
    const heads = [...table.querySelectorAll('thead th')];
    const at = heads.findIndex(th => th.textContent.trim() === label);
    if (at < 0) continue;
    cells.push(heads[at], ...[...table.querySelectorAll('tbody tr')].map(tr => tr.children[at]));
  }
  const problems = [];
  for (const cell of cells) {
    const clips = [];
    for (let p = cell.parentElement; p && p !== document.documentElement; p = p.parentElement)
      if (getComputedStyle(p).overflowX !== 'visible' || getComputedStyle(p).overflowY !== 'visible') clips.push(p);
    for (const p of clips) {
      if (!['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) continue;
      const c = cell.getBoundingClientRect(), left = p.getBoundingClientRect().left + p.clientLeft;
      if (c.right > left + p.clientWidth) p.scrollLeft += c.right - (left + p.clientWidth);
      if (c.left < left) p.scrollLeft -= left - c.left;
    }
    window.scrollBy(0, cell.getBoundingClientRect().top - innerHeight / 2);
    const r = cell.getBoundingClientRect(), name = `${cell.tagName} «${cell.textContent.trim()}»`;
    for (const p of clips) {
      const b = p.getBoundingClientRect(), left = b.left + p.clientLeft, top = b.top + p.clientTop;
      if (r.left < left - 0.5 || r.right > left + p.clientWidth + 0.5
          || r.top < top - 0.5 || r.bottom > top + p.clientHeight + 0.5)
        problems.push(`${name}: cut off by ${p.tagName}.${p.className} (overflow ${getComputedStyle(p).overflowX})`);
    }
    if (r.left < 0 || r.right > width + 0.5 || r.width < 1)
      problems.push(`${name}: ${Math.round(r.left)}-${Math.round(r.right)} px, off the screen`);
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (!hit || !cell.contains(hit)) problems.push(`${name}: covered by ${hit && hit.tagName}`);
    if (cell.scrollWidth > cell.clientWidth + 1) problems.push(`${name}: its text is wider than the cell`);
  }
  return {cells: cells.map(c => c.textContent.trim()), problems};
}"""


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_self_assessment_on_a_phone_can_be_brought_into_view(app, store, staff, live_server, new_context,
                                                                    published, lang):
    """The report's comparison is wider than a 360 px screen: its region scrolls sideways, and every
    self-assessment, on the assessee's page and on the HR head's, can be brought into view whole."""
    own, _managers = published
    servant = app.extensions["survey.instruments"]["servant"]
    with store.transaction() as session:
        s1 = session.scalar(select(Assessment).join(Person, Person.id == Assessment.assessee_id)
                            .where(Person.employee_id == "S1"))
        hr_report = f"/hr/campaigns/{s1.campaign_id}/reports/{s1.id}?lang={lang}"
    label = translate(app, lang, "Self-assessment")
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale=LOCALES[lang]).new_page()
    assert page.goto(f"/report/{own['S1']}?lang={lang}").status == 200
    seen = page.evaluate(COLUMN_IN_VIEW, [label, PHONE["width"]])
    assert seen["problems"] == [], seen
    assert seen["cells"][0] == label and len(seen["cells"]) == 1 + len(servant.competencies) + 1  # and the overall line
    assert all(re.fullmatch(r"\d,\d\d", figure) for figure in seen["cells"][1:]), seen["cells"]
    no_sideways_scrolling(page)
    axe(page, f"phone-own-report-self-{lang}")

    sign_in(page, "hr-head@body.kz", PASSWORD)
    assert page.goto(hr_report).status == 200
    assert page.evaluate(COLUMN_IN_VIEW, [label, PHONE["width"]]) == seen
    no_sideways_scrolling(page)
    axe(page, f"phone-head-report-self-{lang}")
