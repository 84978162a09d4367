"""Who a campaign assesses, and how (order No. 260, paras 6 and 7).

Para 6: a servant with less than three months in the post during the period is not assessed; one
on leave, sick leave, a business trip, an internship, retraining or training during the assessment
is assessed without their participation. Para 7: one dismissed before the end of the period is
assessed without their participation. "Without participation" means here: no self-assessment and
no invitations as a rater; their raters still answer about them.

Where the order is silent the rules are ours: someone who left before the period began is not in
it at all; an absence that ended before the campaign is created does not count; an absence with no
end date lasts until further notice.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Protocol

AWAY = ("leave", "sick", "trip", "training")


class Standing(Protocol):
    in_post_since: dt.date | None
    status: str
    status_since: dt.date | None
    status_until: dt.date | None


@dataclass(frozen=True)
class Decision:
    assessed: bool
    participation: str = "full"  # "full" or "without"
    rule: str = ""  # why not assessed: "short-tenure" or "left"
    absence: str = ""  # the status behind "without"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day where it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_away(person: Standing, today: dt.date) -> bool:
    """Absent now: on one of para 6's absences that has not ended before ``today``."""
    return person.status in AWAY and (person.status_until is None or person.status_until >= today)


def has_left(person: Standing) -> bool:
    return person.status == "dismissed"


def decide(person: Standing, period: int, today: dt.date) -> Decision:
    start, end = dt.date(period, 1, 1), dt.date(period, 12, 31)
    left = has_left(person)
    if left and person.status_since is not None and person.status_since < start:
        return Decision(False, rule="left")
    last_day = min(end, person.status_since) if left and person.status_since else end
    if person.in_post_since is not None:
        began = max(person.in_post_since, start)
        if add_months(began, 3) > last_day + dt.timedelta(days=1):
            return Decision(False, rule="short-tenure")
    return participation(person, today)


def participation(person: Standing, today: dt.date) -> Decision:
    """How someone assessed takes part: not at all if gone or away (paras 6-7)."""
    if has_left(person):
        return Decision(True, "without", absence="dismissed")
    if is_away(person, today):
        return Decision(True, "without", absence=person.status)
    return Decision(True)
