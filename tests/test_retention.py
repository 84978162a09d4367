"""Retention (order No. 260, para 15): campaigns past three years are removed whole, once."""
import datetime as dt

import pytest
from sqlalchemy import select

from conftest import answer_all
from survey.operations import retention
from survey.core.models import Assessment, Campaign, Invitation, Person, Rater, Response


@pytest.mark.parametrize("period, today, expected", [
    ("3y", dt.date(2026, 11, 26), dt.date(2023, 11, 26)),
    ("3y", dt.date(2028, 2, 29), dt.date(2025, 2, 28)),
    ("36m", dt.date(2026, 1, 31), dt.date(2023, 1, 31)),
    ("18m", dt.date(2026, 3, 31), dt.date(2024, 9, 30)),
    ("1095d", dt.date(2026, 11, 26), dt.date(2023, 11, 27)),
])
def test_cutoff_dates(period, today, expected):
    assert retention.cutoff(period, today) == expected


def test_a_malformed_period_is_refused(runner):
    result = runner.invoke("retention", "purge", "--older-than", "three years")
    assert result.exit_code == 1 and "is not a period" in result.output


def counts(store):
    with store.transaction() as session:
        return {m.__tablename__: session.query(m).count() for m in (Campaign, Assessment, Rater, Invitation, Response)}


def test_purge_removes_only_campaigns_past_the_period_and_is_idempotent(app, store, open_campaign, runner):
    answer_all(app, store)
    runner.invoke("campaign", "close", open_campaign)
    before = counts(store)
    assert before["responses"] > 0
    kept = runner.invoke("retention", "purge", "--older-than", "3y")
    assert kept.exit_code == 0 and "Nothing to remove" in kept.output
    assert counts(store) == before

    with store.transaction() as session:
        session.scalar(select(Campaign)).closes_on = dt.date.today() - dt.timedelta(days=3 * 366 + 1)
    dry = runner.invoke("retention", "purge", "--dry-run")
    assert "Would remove 'Test 2026'" in dry.output and counts(store) == before
    result = runner.invoke("retention", "purge")
    assert result.exit_code == 0
    assert f"{before['responses']} responses" in result.output and f"{before['invitations']} invitations" in result.output
    assert all(n == 0 for n in counts(store).values())
    with store.transaction() as session:
        assert session.query(Person).count() == 7  # the roster is not an assessment record
    again = runner.invoke("retention", "purge")
    assert again.exit_code == 0 and "Nothing to remove" in again.output
