"""What HR should do next with a campaign, judged from its state alone.

HR officers run a campaign once a year: the page must say the next step in words, not leave them
to infer it from figures. The rule is pure (values in, a step out) so that every state is tested
without a database, and the page and the campaign list give the same advice."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class NextStep:
    """``code`` names the advice (the page words it); the figures it quotes come with it."""
    code: str
    count: int = 0


def next_step(status: str, *, today: dt.date, closes_on: dt.date, approved: bool = False,
              short_of_raters: int = 0, rule_breaks: int = 0, done: int = 0, total: int = 0) -> NextStep:
    """Draft: raters first (the 3–7 rule and para 36), then the approval of para 11, then opening.
    Open: answers are still coming in until the last day; after it, close. Closed: the reports."""
    if status == "draft":
        if short_of_raters:
            return NextStep("choose-raters", short_of_raters)
        if rule_breaks:
            return NextStep("fix-rules", rule_breaks)
        if not approved:
            return NextStep("approve")
        return NextStep("open")
    if status == "open":
        if closes_on < today:
            return NextStep("close")
        if done >= total:
            return NextStep("all-answered")
        return NextStep("collect", total - done)
    if status == "closing":
        return NextStep("wait")
    return NextStep("publish")
