"""What HR is shown to know where things stand and what to do next, in Kazakh and Russian: a
progress bar per campaign and per unit that says the same as the counts, and on an empty body's
pages the next step instead of an empty table."""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from sqlalchemy import case, func, select

from conftest import person_row, staff_and_open, translate
from survey.campaigns import lifecycle as campaigns, people, respond, roster
from survey.core.models import Assessment, Invitation

LANGUAGES = ("kk", "ru")
PROGRESS = re.compile(r'<progress value="(\d+)" max="(\d+)"[^>]*aria-label="([^"]*)"')


def two_units():
    """small_body's people in two units: the director and the head in one, the servants in two."""
    return [person_row(2, "D1", "Директор", "head", unit="Басшылық"),
            person_row(3, "H1", "Бөлім басшысы", "head", "D1", unit="Басшылық")] + \
        [person_row(3 + i, f"S{i}", f"Қызметкер {i}", "servant", "H1", unit="Қаржы" if i <= 3 else "Аудит")
         for i in range(1, 6)]


@pytest.fixture
def answered_in_part(app, store):
    """An open campaign over ``two_units`` in which every questionnaire about the Аудит unit's
    people and one about S1 are answered, and a draft. Returns the open one's id."""
    instruments = app.extensions["survey.instruments"]
    today = dt.date.today()
    with store.transaction() as session:
        people.apply_rows(session, roster.validate(two_units(), "body", {}))
        opened = campaigns.create(session, "Бағалау 2026", today + dt.timedelta(days=10), instruments)
        staff_and_open(session, opened)
        invitations = session.scalars(select(Invitation).join(Assessment, Assessment.id == Invitation.assessment_id)
                                      .where(Assessment.campaign_id == opened.id).order_by(Invitation.id)).all()
        about_s1 = [i for i in invitations if i.assessment.assessee.employee_id == "S1"][:1]
        for invitation in [i for i in invitations if i.assessment.unit == "Аудит"] + about_s1:
            instrument = instruments[invitation.assessment.instrument]
            respond.submit(session, invitation,
                           respond.read_answers(instrument, {q.id: "4" for q in instrument.questions}))
        campaigns.create(session, "Бағалау 2027", today + dt.timedelta(days=40), instruments,
                         repeat_reason="Қайта бағалау")
        return opened.id


def counts(store, campaign_id) -> tuple[dict[str, tuple[int, int]], tuple[int, int]]:
    """(answered, questionnaires) per unit of the assessees and in all, counted in the database."""
    with store.transaction() as session:
        rows = session.execute(select(Assessment.unit, func.sum(case((Invitation.done, 1), else_=0)), func.count())
                               .join(Invitation, Invitation.assessment_id == Assessment.id)
                               .where(Assessment.campaign_id == campaign_id).group_by(Assessment.unit))
        by_unit = {unit: (int(done), total) for unit, done, total in rows}
    return by_unit, (sum(d for d, _t in by_unit.values()), sum(t for _d, t in by_unit.values()))


def bars_by_row(page: str) -> dict[str, tuple[int, int, str]]:
    """Each table row's first cell (its words) -> the row's progress bar: value, max, spoken name."""
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        first = re.search(r"<td[^>]*>(.*?)</td>", row, re.S)
        bar = PROGRESS.search(row)
        if first and bar:
            found[html.unescape(re.sub(r"<[^>]+>", "", first.group(1))).strip()] = \
                (int(bar.group(1)), int(bar.group(2)), html.unescape(bar.group(3)))
    return found


def empty_state(page: str) -> str:
    """What the page says in place of an empty list, its markup kept (to see the links)."""
    return html.unescape(re.search(r'<div class="empty">(.*?)</div>', page, re.S).group(1))


def spoken(app, lang, done, total) -> str:
    return translate(app, lang, "%(done)s of %(total)s answered", done=done, total=total)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_campaign_list_shows_a_progress_bar_for_each_campaign_open_for_answers(app, store, hr_client,
                                                                                  answered_in_part, lang):
    _by_unit, (done, total) = counts(store, answered_in_part)
    page = hr_client.get(f"/hr/?lang={lang}").get_data(as_text=True)
    assert 0 < done < total
    # The open campaign has its bar; the draft, which nobody answers yet, says so instead.
    assert bars_by_row(page) == {"Бағалау 2026": (done, total, spoken(app, lang, done, total))}
    draft_row = next(row for row in re.findall(r"<tr>(.*?)</tr>", page, re.S) if "Бағалау 2027" in row)
    assert translate(app, lang, "not open yet") in draft_row


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_campaign_page_shows_a_progress_bar_for_the_campaign_and_for_each_unit(app, store, hr_client,
                                                                                  answered_in_part, lang):
    by_unit, (done, total) = counts(store, answered_in_part)
    page = hr_client.get(f"/hr/campaigns/{answered_in_part}?lang={lang}").get_data(as_text=True)
    card = re.search(r'aria-labelledby="answered-title">(.*?)</section>', page, re.S).group(1)
    assert PROGRESS.findall(card) == [(str(done), str(total), spoken(app, lang, done, total))]
    assert set(by_unit) == {"Басшылық", "Қаржы", "Аудит"}
    assert by_unit["Аудит"][0] == by_unit["Аудит"][1] and by_unit["Қаржы"][0] < by_unit["Қаржы"][1]
    units = page.split(html.escape(translate(app, lang, "By unit")), 1)[1].split("</table>", 1)[0]
    assert bars_by_row(units) == {unit: (d, t, spoken(app, lang, d, t)) for unit, (d, t) in by_unit.items()}
    # A unit whose every questionnaire is answered is drawn as complete, the others are not.
    complete = re.findall(r'<progress value="(\d+)" max="(\d+)" class="complete"', units)
    assert complete == [tuple(str(n) for n in by_unit["Аудит"])]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_empty_body_is_told_to_import_the_roster_first(app, hr_client, lang):
    home = hr_client.get(f"/hr/?lang={lang}").get_data(as_text=True)
    empty = empty_state(home)
    assert translate(app, lang, "No campaigns yet.") in empty
    assert translate(app, lang, "First import the list of employees on the People page; then create "
                                "the year's campaign below.") in empty
    assert 'href="/hr/people"' in empty
    people_page = hr_client.get(f"/hr/people?lang={lang}").get_data(as_text=True)
    assert translate(app, lang, "The roster is empty. Import the list of employees above: the campaigns, "
                                "raters and reports are all built from it.") in html.unescape(people_page)
    assert "<progress" not in home + people_page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_body_with_a_roster_and_no_campaign_is_told_to_create_one(app, store, hr_client, lang):
    with store.transaction() as session:
        people.apply_rows(session, roster.validate(two_units(), "body", {}))
    empty = empty_state(hr_client.get(f"/hr/?lang={lang}").get_data(as_text=True))
    assert translate(app, lang, "No campaigns yet.") in empty
    assert translate(app, lang, "The list of employees is in place: create the year's campaign with the "
                                "form below.") in empty
    assert "/hr/people" not in empty
