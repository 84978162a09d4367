"""Printed pages, in Kazakh and Russian: the individual report (the assessee's page, the direct
manager's, a calibration member's and the HR head's) and both kinds of link sheet (the raters' and
the assessees' report links) print their content alone — no site header, no menu, no language
switch, no form, no button, no instructions meant for the screen — and each sheet starts on a page
of its own. The assessee's page prints with what is recorded about the report (its reading, a
disagreement, the development plan), after the report. The print styles are read as Chromium applies them, with the page's media set to print;
on screen the same page shows its navigation and its forms."""
from __future__ import annotations

import pytest

from sqlalchemy import select

from conftest import PASSWORD, followed_up
from survey.core.followup import ReportRelease
from survey.core.models import Assessment, Campaign, Person
from survey.followup import readers
from survey.reports import links

from .conftest import LOCALES, check, sign_in

# What is drawn of the navigation, of the parts meant for the screen only, of the forms and their
# controls, of the page's text outside the report itself, and of the content; and whether each sheet
# but the last ends its printed page.
DRAWN = """content => {
  const drawn = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const named = el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '');
  const sheets = [...document.querySelectorAll('.sheet')];
  return {
    navigation: [...document.querySelectorAll('header.top, nav, .languages, .skip')].filter(drawn).map(named),
    screen: [...document.querySelectorAll('.screen-only, .no-print, .report-actions')].filter(drawn).map(named),
    controls: [...document.querySelectorAll('form, button, input, select, textarea, [role=button]')].filter(drawn).map(named),
    around: [...document.querySelectorAll('main :is(h1, h2, h3, p, li, label, a)')]
      .filter(el => !el.closest('article.report') && drawn(el)).map(el => named(el) + ' ' + el.textContent.trim().slice(0, 40)),
    content: [...document.querySelectorAll(content)].filter(drawn).length,
    sheets: sheets.length,
    breaks: sheets.slice(0, -1).filter(s => getComputedStyle(s).breakAfter !== 'page').map(s => s.id || named(s)),
  };
}"""


@pytest.fixture
def printable(app, store, staff, campaigns_in_every_state):
    """The closed campaign followed up as ``followed_up`` leaves it (its first assessee has read the
    report, has a plan to confirm and a disagreement in session): the ids of the open and the closed
    campaign and of that first assessment, and the links that open a report — the first assessee's,
    the second's (unread, so with the forms to confirm reading and to disagree), the direct manager
    H1's to S1's report (with the plan's form) and a calibration member's."""
    ids = campaigns_in_every_state
    secret = app.secret_key
    with store.transaction() as session:
        closed = session.get(Campaign, ids["closed"])
        own, disagreement = followed_up(session, closed)
        first, second = sorted(closed.assessments, key=lambda a: a.id)[:2]
        assessor = next(a for a in readers.assessors(session, closed) if a.person.employee_id == "H1")
        direct_report = session.scalar(select(Assessment.id).join(Person, Person.id == Assessment.assessee_id)
                                       .where(Assessment.campaign_id == closed.id, Person.employee_id == "S1"))
        member = disagreement.members[0]
        return {"open": ids["open"], "closed": closed.id, "first": first.id,
                "own_read": links.sign(secret, closed.id, first.id, own.key),
                "own_unread": links.sign(secret, closed.id, second.id, session.get(ReportRelease, second.id).key),
                "assessor": links.ASSESSOR.sign(secret, closed.id, assessor.id, assessor.key) + f"/{direct_report}",
                "member": links.CALIBRATION.sign(secret, disagreement.id, member.id, member.key)}


def printed(page, path: str, content: str) -> tuple[dict, dict]:
    """What is drawn on screen, then in print."""
    assert page.goto(path).status == 200, path
    page.emulate_media(media="screen")
    screen = page.evaluate(DRAWN, content)
    page.emulate_media(media="print")
    paper = page.evaluate(DRAWN, content)
    page.emulate_media(media="screen")
    return screen, paper


def _followup_below_report(page, media: str) -> bool:
    page.emulate_media(media=media)
    below = page.evaluate("""() => document.querySelector('section.followup').getBoundingClientRect().top
        >= document.querySelector('article.report').getBoundingClientRect().bottom""")
    page.emulate_media(media="screen")
    return below


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_report_prints_without_the_site_or_the_forms_around_it(app, printable, new_context, lang):
    page = new_context(locale=LOCALES[lang]).new_page()
    for name, path in (("own-report", f"/report/{printable['own_unread']}"),
                       ("own-report-read", f"/report/{printable['own_read']}"),
                       ("assessor-report", f"/assessor/{printable['assessor']}")):
        screen, paper = printed(page, f"{path}?lang={lang}", "article.report")
        assert "header.top" in screen["navigation"] and "nav.languages" in screen["navigation"], (name, screen)
        assert screen["controls"] and screen["around"], (name, screen)
        assert paper["navigation"] == [] and paper["content"] == 1, (name, paper)
        assert paper["controls"] == [], (name, paper)
        if name == "own-report-read":
            # What is recorded prints with the report: the reading, the disagreement in session and
            # the plan with its items; the instructions and the forms to take a step do not.
            printed_tags = [text.split(" ")[0] for text in paper["around"]]
            assert printed_tags[0] == "h2" and printed_tags.count("h3") == 2 and "li" in printed_tags, paper
            assert paper["around"] == screen["around"], (screen, paper)  # all of it recorded, no instruction
            # Above the report on screen, where its steps are taken; after it on paper.
            assert _followup_below_report(page, "screen") is False
            assert _followup_below_report(page, "print") is True
        else:
            assert paper["around"] == [], (name, paper)
        check(page, f"{name}-print-{lang}")

    # A calibration member prints the disagreement and the justification the session weighs, and the
    # report; not the notice of how long the link stays open.
    screen, paper = printed(page, f"/calibration/{printable['member']}?lang={lang}", "article.report")
    assert any(text.startswith("p.notice") for text in screen["around"]), screen
    assert paper["navigation"] == [] and paper["controls"] == [] and paper["content"] == 1, paper
    assert [text.split(" ")[0] for text in paper["around"]] == ["h2", "p", "h2", "p"], paper
    check(page, f"member-report-print-{lang}")

    sign_in(page, "hr-head@body.kz", PASSWORD)
    screen, paper = printed(page, f"/hr/campaigns/{printable['closed']}/reports/{printable['first']}?lang={lang}",
                            "article.report")
    assert "nav.staff" in screen["navigation"] and "p.report-actions" in screen["screen"], screen
    assert screen["controls"], screen
    assert paper["navigation"] == [] and paper["screen"] == [] and paper["content"] == 1, paper
    assert paper["controls"] == [] and paper["around"] == [], paper
    check(page, f"head-report-print-{lang}")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_link_sheets_print_one_sheet_a_page_without_the_site_around_them(app, printable, new_context, lang):
    opened, closed = printable["open"], printable["closed"]
    page = new_context(locale=LOCALES[lang]).new_page()
    sign_in(page, "hr-head@body.kz", PASSWORD)
    for name, path in (("rater-link-sheets", f"/hr/campaigns/{opened}/sheets?lang={lang}"),
                       ("report-link-sheets", f"/hr/campaigns/{closed}/reports/sheets?all=1&lang={lang}")):
        screen, paper = printed(page, path, ".sheet")
        assert "nav.staff" in screen["navigation"] and screen["screen"], (name, screen)
        assert paper["navigation"] == [] and paper["screen"] == [], (name, paper)
        assert paper["content"] == paper["sheets"] >= 2 and paper["breaks"] == [], (name, paper)
        check(page, f"{name}-print-{lang}")
