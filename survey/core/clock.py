"""The one clock every stored time is read from."""
from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    """UTC without a zone, as every time in the database is stored."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
