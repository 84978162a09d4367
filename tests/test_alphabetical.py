"""Every list of people and units in Kazakh and Russian alphabetical order (issue 20), on either
database: code points put «Ё» and «І» before «А» and «Ұ», «Ә» after «Я», and PostgreSQL orders
text by the collation it was set up with, so each list below comes out otherwise unless it
follows the alphabet (``core.collation``)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from sqlalchemy import select

from conftest import approve_and_open, person_row
from survey.campaigns import exclusions, lifecycle, paper, people, raters, roster, scope
from survey.core.models import Assessment, Campaign, Invitation, Person, SentMessage
from survey.followup import plans, readers, release, workbook, workdays
from survey.mail import compose, record, sending
from survey.mail.settings import SmtpSettings

HEAD = ("H1", "Ахмет", "Әкімшілік")
SERVANTS = [("S1", "Яна", "Әкімшілік"), ("S2", "Әсем", "Әкімшілік"), ("S3", "Ұлан", "Аудит"), ("S4", "Ілияс", "Аудит"),
            ("S5", "Бақыт", "Аудит"), ("S6", "Ёлкин", "Ішкі бақылау"), ("S7", "Жанна", "Ішкі бақылау"),
            ("S8", "Юрий", "Ұйымдастыру")]
NAMES = {name for _eid, name, _unit in [HEAD] + SERVANTS}
UNITS = ["Аудит", "Әкімшілік", "Ұйымдастыру", "Ішкі бақылау"]
BY_UNIT_AND_NAME = ["Бақыт", "Ұлан", "Ілияс", "Ахмет", "Әсем", "Яна", "Юрий", "Ёлкин", "Жанна"]
SERVANTS_BY_NAME = ["Әсем", "Бақыт", "Ёлкин", "Жанна", "Ұлан", "Ілияс", "Юрий", "Яна"]
EVERYONE_BY_NAME = ["Ахмет"] + SERVANTS_BY_NAME


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def listed(html: str, pattern: str) -> list[str]:
    """The names ``pattern`` finds, in the page's order, each run of one name counted once."""
    found = [m for m in re.findall(pattern, html) if m in NAMES]
    return [name for i, name in enumerate(found) if i == 0 or found[i - 1] != name]


@pytest.fixture
def body(store):
    rows = [person_row(2, HEAD[0], HEAD[1], "head", unit=HEAD[2])]
    rows += [person_row(3 + i, eid, name, "servant", HEAD[0], unit=unit) for i, (eid, name, unit) in enumerate(SERVANTS)]
    with store.transaction() as session:
        people.apply_rows(session, roster.validate(rows, "body", {}))


@pytest.fixture
def draft(app, store, body) -> int:
    with store.transaction() as session:
        campaign = lifecycle.create(session, "Order 2026", dt.date.today() + dt.timedelta(days=10),
                                    app.extensions["survey.instruments"])
        return campaign.id


@pytest.fixture
def opened(store, draft) -> int:
    with store.transaction() as session:
        campaign = session.get(Campaign, draft)
        raters.apply_suggestion(session, campaign)
        approve_and_open(session, campaign)
    return draft


@pytest.fixture
def closed(store, opened) -> int:
    """Closed (nobody answered: the lists do not need answers) and its reports published."""
    with store.transaction() as session:
        campaign = session.get(Campaign, opened)
        lifecycle.close(session, campaign)
        release.publish(session, campaign, workdays.load())
    return opened


# --- pages ---------------------------------------------------------------------------------------

def test_the_people_page_lists_people_by_unit_and_name_in_the_alphabets_order(hr_client, body):
    assert listed(text(hr_client.get("/hr/people")), r'/hr/people/\d+">([^<]+)</a>') == BY_UNIT_AND_NAME


def test_the_people_page_finds_kazakh_and_russian_names_in_any_letter_case(hr_client, body):
    for query, name in (("әсем", "Әсем"), ("ІЛИЯС", "Ілияс"), ("ёлк", "Ёлкин"), ("ішкі", "Ёлкин")):
        assert name in listed(text(hr_client.get(f"/hr/people?q={query}")), r'/hr/people/\d+">([^<]+)</a>'), query


def test_the_people_page_reaches_everyone_past_the_first_thousand(hr_client, store):
    rows = [person_row(2 + i, f"E{i:04d}", f"Қызметкер {i:04d}", "servant") for i in range(1050)]
    with store.transaction() as session:
        people.apply_rows(session, roster.validate(rows, "body", {}))
    last = text(hr_client.get("/hr/people?page=11"))
    assert "Қызметкер 1049" in last and "Қызметкер 0999" not in last


def test_the_raters_page_lists_assessees_by_unit_and_name(hr_client, draft):
    page = text(hr_client.get(f"/hr/campaigns/{draft}/raters"))
    assert listed(page, r'assessments/\d+">([^<]+)</a>') == BY_UNIT_AND_NAME


def test_the_raters_page_finds_a_name_or_unit_in_any_letter_case(hr_client, draft):
    found = text(hr_client.get(f"/hr/campaigns/{draft}/raters?q=ӘКІМ"))
    assert listed(found, r'assessments/\d+">([^<]+)</a>') == ["Ахмет", "Әсем", "Яна"]


def test_the_reports_list_shows_assessees_by_unit_and_name(hr_client, closed):
    page = text(hr_client.get(f"/hr/campaigns/{closed}/reports"))
    assert listed(page, r'data-label="Full name">([^<]+) <span') == BY_UNIT_AND_NAME
    found = text(hr_client.get(f"/hr/campaigns/{closed}/reports?q=аудит"))
    assert listed(found, r'data-label="Full name">([^<]+) <span') == ["Бақыт", "Ұлан", "Ілияс"]


def test_a_managers_page_lists_their_direct_reports_by_name(app, client, store, closed):
    from survey.reports import links

    with store.transaction() as session:
        link = readers.assessors(session, session.get(Campaign, closed))[0]
        token = links.ASSESSOR.sign(app.secret_key, closed, link.id, link.key)
    assert listed(text(client.get(f"/assessor/{token}")), r'/\d+">([^<]+)</a>') == SERVANTS_BY_NAME


def test_the_printable_link_sheets_come_by_unit_and_name(hr_client, closed):
    page = text(hr_client.get(f"/hr/campaigns/{closed}/reports/sheets"))
    assert listed(page, r"<h2>([^<]+)</h2>") == BY_UNIT_AND_NAME


def test_the_paper_list_is_by_the_raters_name(hr_client, opened):
    page = text(hr_client.get(f"/hr/campaigns/{opened}/paper"))
    assert listed(page, r'data-label="Rater">([^<]+)</td>') == EVERYONE_BY_NAME


def test_the_paper_list_finds_a_rater_or_assessee_in_any_letter_case(hr_client, opened):
    found = listed(text(hr_client.get(f"/hr/campaigns/{opened}/paper?q=ҰЛАН")), r'data-label="Rater">([^<]+)</td>')
    assert found[0] == "Ахмет" and "Ұлан" in found  # their manager rates them; they rate themself and peers
    assert found == sorted(found, key=EVERYONE_BY_NAME.index)


def test_the_units_a_campaign_is_chosen_from_and_printed_by_are_in_the_alphabets_order(store, opened):
    with store.transaction() as session:
        campaign = session.get(Campaign, opened)
        assert scope.units(session) == UNITS
        assert scope.campaign_units(session, campaign) == UNITS
        assert [unit for unit, _count in lifecycle.rater_units(session, campaign)] == UNITS


# --- files and e-mails ---------------------------------------------------------------------------

def _csv_names(data: bytes, column: str) -> list[str]:
    rows = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    found = [row[column] for row in rows]
    return [name for i, name in enumerate(found) if i == 0 or found[i - 1] != name]


def test_the_raters_csv_lists_assessees_by_unit_and_name(hr_client, opened):
    response = hr_client.get(f"/hr/campaigns/{opened}/raters.csv")
    assert _csv_names(response.data, "assessee_name") == BY_UNIT_AND_NAME


def test_the_suggested_raters_csv_lists_assessees_by_unit_and_name(hr_client, draft):
    response = hr_client.get(f"/hr/campaigns/{draft}/raters.csv")
    assert _csv_names(response.data, "assessee_name") == BY_UNIT_AND_NAME


def test_the_development_plans_workbook_is_by_unit_and_name(app, store, closed):
    instruments = app.extensions["survey.instruments"]
    with store.transaction() as session:
        campaign = session.get(Campaign, closed)
        for assessment in campaign.assessments:
            competencies = {c.id for c in instruments[assessment.instrument].competencies}
            plans.record(session, assessment, dt.date.today(),
                         [plans.PlanLine(sorted(competencies)[0], "Оқу", "", dt.date.today() + dt.timedelta(days=30))],
                         recorded_by="test", competencies=competencies, topics={})
        assert [row[1] for row in workbook.rows(session, campaign)] == BY_UNIT_AND_NAME


def test_those_left_out_of_a_campaign_are_listed_by_unit_and_name(store, draft):
    with store.transaction() as session:
        campaign = session.get(Campaign, draft)
        for eid, _name, _unit in SERVANTS:
            exclusions.exclude(session, campaign, eid, "Іссапар")
        assert [line.full_name for line in exclusions.listing(session, campaign)] == \
            [name for name in BY_UNIT_AND_NAME if name != "Ахмет"]


def test_a_raters_message_lists_the_colleagues_by_name(store, opened):
    with store.transaction() as session:
        head = session.scalar(select(Person).where(Person.employee_id == "H1"))
        asked = session.scalars(select(Invitation).where(Invitation.rater_id == head.id)).all()
        items = compose.items_for(asked, lambda key: key)
    assert [item.name for item in items] == ["Ахмет"] + SERVANTS_BY_NAME  # their own first


def test_sending_goes_through_the_raters_by_name(app, store, opened):
    settings = SmtpSettings.from_config({"SMTP_HOST": "localhost", "MAIL_FROM": "hr@body.kz"})
    with store.transaction() as session:
        outcome = sending.send_invitations(session, session.get(Campaign, opened), settings, url_of=lambda key: key,
                                           threshold=3)
    assert outcome.without_email == EVERYONE_BY_NAME  # nobody in this body has an address


def test_the_mail_history_lists_a_moments_messages_by_name(store, opened):
    at = dt.datetime(2026, 1, 5, 10, 0)
    with store.transaction() as session:
        for person in session.scalars(select(Person)):
            session.add(SentMessage(campaign_id=opened, rater_id=person.id, kind="invitation", at=at))
        session.flush()
        assert [r.rater_name for r in record.history(session, session.get(Campaign, opened))] == EVERYONE_BY_NAME


def test_the_training_demand_and_the_reports_units_are_in_the_alphabets_order(app, store, closed):
    from survey.reports import model

    instruments = app.extensions["survey.instruments"]
    with store.transaction() as session:
        campaign = session.get(Campaign, closed)
        for assessment in campaign.assessments:
            competency = instruments[assessment.instrument].competencies[0].id
            plan = plans.record(session, assessment, dt.date.today(),
                                [plans.PlanLine(competency, "Оқу", "topic", dt.date.today() + dt.timedelta(days=30))],
                                recorded_by="test", competencies={competency}, topics={"topic": competency})
            plans.confirm(session, plan)
        assert [unit for unit, _topics in plans.demand(session, campaign, threshold=1).units] == UNITS
        assert model.units(model.build_reports(session, campaign, instruments, threshold=3)) == UNITS


# --- the stored key ------------------------------------------------------------------------------

def test_the_database_orders_names_by_their_stored_key_as_the_alphabet_does(store, draft):
    with store.transaction() as session:
        ordered = session.scalars(select(Person.full_name).order_by(Person.name_key)).all()
        snapshot = session.scalars(select(Assessment.full_name).order_by(Assessment.name_key)).all()
    assert ordered == EVERYONE_BY_NAME and snapshot == EVERYONE_BY_NAME


def test_a_renamed_or_moved_person_takes_their_new_place(store, body):
    rows = [person_row(2, "S1", "Әсел", "servant", HEAD[0], unit="Аудит")]  # was Яна in Әкімшілік
    with store.transaction() as session:
        people.apply_rows(session, roster.validate(rows, "body", people.managers(session)))
        ordered = session.scalars(select(Person.full_name).order_by(Person.unit_key, Person.name_key)).all()
    assert ordered == ["Әсел", "Бақыт", "Ұлан", "Ілияс", "Ахмет", "Әсем", "Юрий", "Ёлкин", "Жанна"]
