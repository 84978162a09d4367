"""Printed pages, in Kazakh and Russian: the individual report (the assessee's page and the HR head's)
and both kinds of link sheet (the raters' and the assessees' report links) print their content
alone — no site header, no menu, no language switch, no instructions meant for the screen — and
each sheet starts on a page of its own. The print styles are read as Chromium applies them, with
the page's media set to print; on screen the same page shows its navigation."""
from __future__ import annotations

import pytest

from conftest import PASSWORD
from survey.core.followup import ReportRelease
from survey.core.models import Campaign
from survey.followup import release, workdays
from survey.reports import links

from .conftest import LOCALES, check, sign_in

# What is drawn of the navigation, of the parts meant for the screen only, and of the content; and
# whether each sheet but the last ends its printed page.
DRAWN = """content => {
  const drawn = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const named = el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '');
  const sheets = [...document.querySelectorAll('.sheet')];
  return {
    navigation: [...document.querySelectorAll('header.top, nav, .languages, .skip')].filter(drawn).map(named),
    screen: [...document.querySelectorAll('.screen-only, .no-print, .report-actions')].filter(drawn).map(named),
    content: [...document.querySelectorAll(content)].filter(drawn).length,
    sheets: sheets.length,
    breaks: sheets.slice(0, -1).filter(s => getComputedStyle(s).breakAfter !== 'page').map(s => s.id || named(s)),
  };
}"""


@pytest.fixture
def printable(app, store, staff, campaigns_in_every_state):
    """The closed campaign published: (the open one's id, the closed one's, its first assessment's,
    that assessee's report link)."""
    ids = campaigns_in_every_state
    with store.transaction() as session:
        closed = session.get(Campaign, ids["closed"])
        release.publish(session, closed, workdays.load())
        first = min(a.id for a in closed.assessments)
        own = links.sign(app.secret_key, closed.id, first, session.get(ReportRelease, first).key)
    return ids["open"], ids["closed"], first, own


def printed(page, path: str, content: str) -> tuple[dict, dict]:
    """What is drawn on screen, then in print."""
    assert page.goto(path).status == 200, path
    page.emulate_media(media="screen")
    screen = page.evaluate(DRAWN, content)
    page.emulate_media(media="print")
    paper = page.evaluate(DRAWN, content)
    page.emulate_media(media="screen")
    return screen, paper


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_report_prints_without_the_site_around_it(app, printable, new_context, lang):
    _open, closed, first, own = printable
    page = new_context(locale=LOCALES[lang]).new_page()
    screen, paper = printed(page, f"/report/{own}?lang={lang}", "article.report")
    assert "header.top" in screen["navigation"] and "nav.languages" in screen["navigation"]
    assert paper["navigation"] == [] and paper["content"] == 1, paper
    check(page, f"own-report-print-{lang}")

    sign_in(page, "hr-head@body.kz", PASSWORD)
    screen, paper = printed(page, f"/hr/campaigns/{closed}/reports/{first}?lang={lang}", "article.report")
    assert "nav.staff" in screen["navigation"] and screen["screen"] == ["p.report-actions"], screen
    assert paper["navigation"] == [] and paper["screen"] == [] and paper["content"] == 1, paper
    check(page, f"head-report-print-{lang}")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_link_sheets_print_one_sheet_a_page_without_the_site_around_them(app, printable, new_context, lang):
    opened, closed, _first, _own = printable
    page = new_context(locale=LOCALES[lang]).new_page()
    sign_in(page, "hr-head@body.kz", PASSWORD)
    for name, path in (("rater-link-sheets", f"/hr/campaigns/{opened}/sheets?lang={lang}"),
                       ("report-link-sheets", f"/hr/campaigns/{closed}/reports/sheets?all=1&lang={lang}")):
        screen, paper = printed(page, path, ".sheet")
        assert "nav.staff" in screen["navigation"] and screen["screen"], (name, screen)
        assert paper["navigation"] == [] and paper["screen"] == [], (name, paper)
        assert paper["content"] == paper["sheets"] >= 2 and paper["breaks"] == [], (name, paper)
        check(page, f"{name}-print-{lang}")
