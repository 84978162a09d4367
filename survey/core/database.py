"""Engine, schema migrations and the transaction that CLI work and jobs commit through.

Domain services receive a ``Session``, change things and flush; they never commit. A web request
commits in ``after_request`` when the response is a success and rolls back otherwise; a CLI command
commits through :func:`transaction`. So a half-done operation is never stored.
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from survey.core.reading import Reading, Statements


MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class JournalModeError(RuntimeError):
    """SQLite would not leave write-ahead logging: another process has the database open in it."""


def make_engine(url: str, *, busy_timeout: float = 30) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": busy_timeout})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - exercised by every test
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            # No earlier state on disk (docs/anonymity.md, "Database administrators and backups").
            # A write-ahead log keeps each commit until a checkpoint, and a copy of the folder can
            # be replayed commit by commit: a submit is one invitation done and one response, so
            # the replay names each rater's answers. A rollback journal holds only the pages one
            # transaction changes and is deleted when it commits, so a copy taken at any moment
            # outside a commit holds the committed state alone. A log checkpointed after each
            # commit costs the same (four syncs a submit, docs/performance.md) but keeps every
            # commit until its checkpoint runs, which readers can delay and other commits join.
            # What it costs is concurrency: a commit waits for readers to finish (busy_timeout).
            try:
                mode = cur.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            except sqlite3.OperationalError:  # leaving WAL needs the only connection to the file
                mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
            if mode not in ("delete", "memory"):  # "memory": an in-memory database, no file
                cur.close()
                raise JournalModeError(
                    f"the SQLite database stays in {mode} mode: another process has it open that "
                    "way (an older version of the platform?). Stop it, then start again.")
            # Deleted drafts and the responses each submit rewrites are overwritten with zeros
            # rather than left readable in free pages and freed cells.
            cur.execute("PRAGMA secure_delete=ON")
            # Off by default in SQLite.
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    # A lock held elsewhere (maintenance, a stuck session) must give a clear 503, not a hang.
    options = f"-c lock_timeout={int(busy_timeout * 1000)}"
    # No pre-ping (a round trip per request): a connection found dead is discarded with the whole
    # pool on first use, the request answers 503, and the next one connects afresh.
    return create_engine(url, connect_args={"connect_timeout": max(1, int(busy_timeout)), "options": options})


def _create_private(url: str) -> None:
    """A new SQLite file readable by its owner only; SQLite gives its -wal, -shm and journal files
    the mode of the database file, so they follow."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database)
    if path.parent.is_dir() and not path.exists():  # a missing folder stays an unreachable database
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


class Database:
    def __init__(self, url: str, *, busy_timeout: float = 30):
        _create_private(url)
        self.engine = make_engine(url, busy_timeout=busy_timeout)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        self._read_statements = Statements(self.engine.dialect)

    def reading(self) -> Reading:
        return Reading(self.engine, self._read_statements)

    def alembic_config(self, connection):
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        return config

    @contextmanager
    def _migrating(self):
        """A connection for migrations. SQLite changes a table by copying it and dropping the old
        one, which its foreign keys refuse while other rows point at it: they are switched off for
        the migration (only possible outside a transaction) and every row checked before the commit."""
        with self.engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.commit()
            try:
                with connection.begin():
                    yield connection
                    if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                        raise RuntimeError("the migration left rows pointing at rows that do not exist")
            finally:
                if sqlite:
                    connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                    connection.commit()

    def upgrade(self, revision: str = "head") -> None:
        """Bring the schema to the newest version through the migrations (also on a new database)."""
        from alembic import command

        with self._migrating() as connection:
            command.upgrade(self.alembic_config(connection), revision)

    def downgrade(self, revision: str) -> None:
        from alembic import command

        with self._migrating() as connection:
            command.downgrade(self.alembic_config(connection), revision)

    def revision(self, message: str) -> None:
        """Write a new migration from the difference between the models and the database."""
        from alembic import command

        with self.engine.begin() as connection:
            command.revision(self.alembic_config(connection), message=message, autogenerate=True)

    def create_all(self) -> None:
        self.upgrade()

    def drop_all(self) -> None:
        """Every table the database has, including those of older schema versions."""
        existing = MetaData()
        existing.reflect(self.engine)
        existing.drop_all(self.engine)

    def reorder_responses(self) -> None:
        """Rewrite the tables a submit changes, in the order of their keys and without the row
        versions the campaign left behind. Run after closing, outside a transaction.

        PostgreSQL stores new rows one after another, so a dump taken during a campaign lists
        responses in the order they were submitted, which can be matched against who was done when.
        CLUSTER rewrites them in key order. PostgreSQL also keeps the version an update or delete
        replaced in the table's file until vacuum reaches it: each submit leaves behind the
        invitation as it was (not done, with its draft) and the assessee's responses as they were,
        each stamped with the transactions that wrote and replaced it, which pairs an invitation
        with its response for anyone who reads the files. CLUSTER and VACUUM FULL write new files
        with the live rows only and remove the old ones; versions that a transaction open
        elsewhere can still see are kept, so close with no long-running session open.
        SQLite keeps no old versions (secure_delete, no write-ahead log) and stores responses in
        key order already (WITHOUT ROWID); VACUUM rebuilds the file so no page keeps an older layout.
        """
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if self.engine.dialect.name == "postgresql":
                conn.exec_driver_sql("CLUSTER responses USING pk_responses")
                conn.exec_driver_sql("VACUUM FULL invitations")
            elif self.engine.dialect.name == "sqlite":
                conn.exec_driver_sql("VACUUM")

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        session = self.sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
