"""A page that only reads runs its statements on the driver's connection: it must get what
SQLAlchemy's own execution of the same statement gives, in the same types, on either database."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import DBAPIError

from survey.core.models import Assessment, Campaign, Invitation, Person
from survey.core.reading import WriteWhileReading


def _statement():
    """Dates, booleans, bytes, JSON, a value the statement holds itself and one given per call."""
    return (select(Invitation.id, Invitation.key, Invitation.done, Invitation.draft, Campaign.closes_on,
                   Campaign.approved_on, Campaign.units, Person.full_name, func.count().over().label("every"))
            .join(Person, Person.id == Invitation.rater_id)
            .join(Assessment, Assessment.id == Invitation.assessment_id)
            .join(Campaign, Campaign.id == Assessment.campaign_id)
            .where(Invitation.relation != "self", Invitation.id >= bindparam("from"))
            .order_by(Invitation.id))


def test_rows_and_their_types_are_sqlalchemys(store, open_campaign):
    with store.transaction() as session:
        first = session.scalar(select(func.min(Invitation.id)))
        session.execute(update(Invitation).where(Invitation.id == first + 1).values(done=True, draft=b"\x00\xffx"))
        session.execute(update(Campaign).values(approved_on=dt.date(2026, 1, 31), units=["Б", "A"]))
    statement = _statement()
    with store.engine.connect() as connection:
        expected = [tuple(row) for row in connection.execute(statement, {"from": first})]
        expected_again = [tuple(row) for row in connection.execute(statement, {"from": first + 2})]
    reading = store.reading()
    try:
        got = reading.execute(statement, {"from": first}).all()
        again = reading.execute(statement, {"from": first + 2}).all()  # compiled once, run twice
    finally:
        reading.close()
    assert len(expected) > 3
    assert got == expected
    assert again == expected_again != expected
    done, draft, closes_on, approved_on, units = next(row for row in got if row[0] == first + 1)[2:7]
    assert (done, draft, approved_on, units) == (True, b"\x00\xffx", dt.date(2026, 1, 31), ["Б", "A"])
    assert isinstance(closes_on, dt.date)
    assert all(row[2] is False for row in got if row[0] != first + 1)


def test_no_row_is_none_and_only_selects_run(store, open_campaign):
    reading = store.reading()
    try:
        assert reading.execute(_statement(), {"from": 10 ** 9}).first() is None
        with pytest.raises(WriteWhileReading):
            reading.execute(update(Invitation).values(done=True))
        with pytest.raises(ValueError, match="a list or a value written into the SQL"):
            reading.execute(select(Invitation.id).where(Invitation.id.in_([1, 2])))
        with pytest.raises(DBAPIError):  # the driver's error, raised as SQLAlchemy raises it
            reading.execute(select(func.no_such_function(Invitation.id)))
    finally:
        reading.close()
    with store.transaction() as session:
        assert session.scalar(select(func.count()).where(Invitation.done.is_(True))) == 0
