"""Rate-limit counters in a SQLite file, so that every worker process of one machine counts together.

flask-limiter's default keeps its counters in the memory of each process: with gunicorn's two
workers, "10 sign-ins a minute" meant twenty, and a restart forgot them all. The platform's default
set-up is one machine without Redis, so the counters live in a small SQLite file of the instance
folder (``sqlite:////path/to/ratelimits.sqlite``), apart from the platform's own database so that
counting a respondent's page never waits for an answer being stored. Several servers share their
counters through Redis instead (``SURVEY_RATELIMIT_STORAGE_URI=redis://…``).

Only the fixed-window strategy (flask-limiter's default) is offered: each counter is one row, and
one ``INSERT … ON CONFLICT`` statement adds to it atomically across processes.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from limits.storage import Storage

SCHEMA = "CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, hits INTEGER NOT NULL, expires REAL NOT NULL)"
# Expired rows are swept now and then rather than on every hit.
SWEEP_EVERY = 500


class SqliteCounters(Storage):
    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        path = urlparse(uri or "").path
        if not path or path == "/":
            raise ValueError("a rate-limit counter file is given as sqlite:////absolute/path.sqlite")
        self.path = Path(path[1:])  # as SQLAlchemy reads it: four slashes for an absolute path
        self._local = threading.local()
        self._hits = 0

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        """One connection per thread and process: a connection must not cross a fork or a thread."""
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(SCHEMA)
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        (hits,) = self._db().execute(
            "INSERT INTO counters (key, hits, expires) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO UPDATE SET "
            "hits = CASE WHEN expires <= ?4 THEN ?2 ELSE hits + ?2 END, "
            "expires = CASE WHEN expires <= ?4 THEN ?3 ELSE expires END RETURNING hits",
            (key, amount, now + expiry, now)).fetchone()
        self._hits += 1
        if self._hits % SWEEP_EVERY == 0:
            self._db().execute("DELETE FROM counters WHERE expires <= ?", (now,))
        return hits

    def get(self, key: str) -> int:
        row = self._db().execute("SELECT hits FROM counters WHERE key = ? AND expires > ?",
                                 (key, time.time())).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._db().execute("SELECT expires FROM counters WHERE key = ? AND expires > ?",
                                 (key, time.time())).fetchone()
        return row[0] if row else time.time()

    def check(self) -> bool:
        try:
            self._db().execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._db().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        self._db().execute("DELETE FROM counters WHERE key = ?", (key,))
