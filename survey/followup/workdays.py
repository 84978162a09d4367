"""Working days in Kazakhstan: the deadlines of order No. 260 (two working days to make the
assessee familiar with the results, para 12; five to disagree, para 13; three to decide on a
calibration session and ten to hold it, para 38) skip weekends and public holidays.

The holidays are data (``holidays.yaml``, or the file ``SURVEY_HOLIDAYS_FILE`` names): they change
by decree, and a body must be able to follow without a new release.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_FILE = Path(__file__).resolve().parent / "holidays.yaml"


class CalendarError(Exception):
    """The holidays file cannot be read; the message names the file and the entry."""


@dataclass(frozen=True)
class Calendar:
    fixed: tuple[tuple[int, int, bool], ...]  # (month, day, moves to the next working day)
    dates: frozenset[dt.date]
    working: frozenset[dt.date]

    def days_off(self, year: int) -> frozenset[dt.date]:
        out = set(self.dates)
        out.update(dt.date(year, month, day) for month, day, _moves in self.fixed)
        for month, day, moves in self.fixed:  # after all of the year's holidays are known
            holiday = dt.date(year, month, day)
            if moves and holiday.weekday() >= 5:
                moved = holiday + dt.timedelta(days=1)
                while moved.weekday() >= 5 or moved in out:
                    moved += dt.timedelta(days=1)
                out.add(moved)
        return frozenset(out)

    def is_working(self, day: dt.date) -> bool:
        if day in self.working:
            return True
        return day.weekday() < 5 and day not in self.days_off(day.year)

    def add(self, start: dt.date, days: int) -> dt.date:
        """The day ``days`` working days after ``start`` (the deadline's last day)."""
        day, left = start, days
        while left > 0:
            day += dt.timedelta(days=1)
            if self.is_working(day):
                left -= 1
        return day


def load(path: str | Path | None = None) -> Calendar:
    path = Path(path or DEFAULT_FILE)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        fixed = tuple((int(e["date"][:2]), int(e["date"][3:5]), bool(e.get("moves", False)))
                      for e in data.get("fixed") or ())
        for month, day, _moves in fixed:
            dt.date(2024, month, day)  # a leap year: every month-day that exists
        dates = frozenset(dt.date.fromisoformat(str(e["date"])) for e in data.get("dates") or ())
        working = frozenset(dt.date.fromisoformat(str(e)) for e in data.get("working") or ())
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise CalendarError(f"{path}: {exc}") from None
    return Calendar(fixed, dates, working)
