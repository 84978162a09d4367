"""Backups and restores of the whole database.

SQLite is copied with its online backup API, which is safe while the site is serving; PostgreSQL
with ``pg_dump`` (custom format) and restored with ``pg_restore``. A backup holds exactly what the
database holds, no more: in particular nothing that ties a response to a rater (docs/anonymity.md).
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

from survey.core.messages import N_, DomainError


class BackupError(DomainError):
    pass


def _libpq_url(engine: Engine) -> str:
    return make_url(engine.url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(N_("%(tool)s is not installed; it comes with the PostgreSQL client package"), tool=name)
    return path


def backup(engine: Engine, out: Path) -> None:
    out = Path(out)
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            target = sqlite3.connect(out)
            with target:
                raw.driver_connection.backup(target)
            target.close()
        finally:
            raw.close()
    elif engine.dialect.name == "postgresql":
        result = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(out),
                                 _libpq_url(engine)], capture_output=True, text=True)
        if result.returncode:
            raise BackupError(N_("pg_dump failed: %(reason)s"), reason=result.stderr.strip()[:500])
    else:
        raise BackupError(N_("no backup method for %(dialect)s"), dialect=engine.dialect.name)
    out.chmod(0o600)


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's contents with the backup's. Stop the site first."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(N_("%(file)s: no such backup file"), file=str(source))
    if engine.dialect.name == "sqlite":
        try:
            backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            backup_db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(N_("%(file)s is not a SQLite backup: %(reason)s"), file=str(source), reason=str(exc)) from None
        engine.dispose()
        raw = engine.raw_connection()
        try:
            with backup_db:
                backup_db.backup(raw.driver_connection)
        finally:
            raw.close()
            backup_db.close()
    elif engine.dialect.name == "postgresql":
        engine.dispose()
        result = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                                 "--dbname", _libpq_url(engine), str(source)], capture_output=True, text=True)
        if result.returncode:
            raise BackupError(N_("%(file)s: pg_restore failed: %(reason)s"), file=str(source),
                              reason=result.stderr.strip()[:500])
    else:
        raise BackupError(N_("no restore method for %(dialect)s"), dialect=engine.dialect.name)
