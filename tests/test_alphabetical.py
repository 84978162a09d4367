"""Every list of people and units in Kazakh and Russian alphabetical order (issue 20), on either
database: code points put «Ё» and «І» before «А» and «Ұ», «Ә» after «Я», and PostgreSQL orders
text by the collation it was set up with, so each list below comes out otherwise unless it
follows the alphabet (``core.collation``)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from conftest import person_row
from survey.campaigns import lifecycle, people, roster
from survey.core.models import Assessment, Person

HEAD = ("H1", "Ахмет", "Әкімшілік")
SERVANTS = [("S1", "Яна", "Әкімшілік"), ("S2", "Әсем", "Әкімшілік"), ("S3", "Ұлан", "Аудит"), ("S4", "Ілияс", "Аудит"),
            ("S5", "Бақыт", "Аудит"), ("S6", "Ёлкин", "Ішкі бақылау"), ("S7", "Жанна", "Ішкі бақылау"),
            ("S8", "Юрий", "Ұйымдастыру")]
NAMES = {name for _eid, name, _unit in [HEAD] + SERVANTS}
UNITS = ["Аудит", "Әкімшілік", "Ұйымдастыру", "Ішкі бақылау"]
BY_UNIT_AND_NAME = ["Бақыт", "Ұлан", "Ілияс", "Ахмет", "Әсем", "Яна", "Юрий", "Ёлкин", "Жанна"]
SERVANTS_BY_NAME = ["Әсем", "Бақыт", "Ёлкин", "Жанна", "Ұлан", "Ілияс", "Юрий", "Яна"]
EVERYONE_BY_NAME = ["Ахмет"] + SERVANTS_BY_NAME


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
