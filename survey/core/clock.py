"""The one clock every stored time is read from."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def now() -> dt.datetime:
    """UTC without a zone, as every time in the database is stored."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def today(zone: str | None = None) -> dt.date:
    """The date in the body's zone: at one in the morning in Astana it is already the next day,
    while UTC still says the last day of answering."""
    if zone is None:
        return dt.date.today()
    return dt.datetime.now(ZoneInfo(zone)).date()
