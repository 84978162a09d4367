"""The next step HR is shown for each state a campaign passes through."""
from __future__ import annotations

import datetime as dt

import pytest

from survey.campaigns.guidance import next_step

TODAY = dt.date(2026, 11, 30)


@pytest.mark.parametrize("state,expected", [
    (dict(status="draft", short_of_raters=4, rule_breaks=2), ("choose-raters", 4)),
    (dict(status="draft", rule_breaks=2), ("fix-rules", 2)),
    (dict(status="draft"), ("approve", 0)),
    (dict(status="draft", approved=True), ("open", 0)),
    (dict(status="open", done=10, total=30), ("collect", 20)),
    (dict(status="open", done=30, total=30), ("all-answered", 0)),
    (dict(status="open", done=10, total=30, closes_on=TODAY - dt.timedelta(days=1)), ("close", 0)),
    (dict(status="closing"), ("wait", 0)),
    (dict(status="closed"), ("publish", 0)),
])
def test_next_step(state, expected):
    state.setdefault("closes_on", TODAY)
    step = next_step(today=TODAY, **state)
    assert (step.code, step.count) == expected


def test_the_last_day_itself_is_still_open_for_answers():
    assert next_step("open", today=TODAY, closes_on=TODAY, done=1, total=2).code == "collect"
