"""Attacks that exist on one database only run in that database's pass of the suite (``.ci/run``
runs it on SQLite, then on PostgreSQL): elsewhere they are deselected, not skipped."""
from __future__ import annotations

import os


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: an attack on SQLite's files")
    config.addinivalue_line("markers", "postgresql_only: an attack on PostgreSQL's storage")


def pytest_collection_modifyitems(config, items):
    other = "sqlite_only" if os.environ.get("SURVEY_TEST_DATABASE_URL", "").startswith("postgresql") else "postgresql_only"
    dropped = [item for item in items if item.get_closest_marker(other)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.get_closest_marker(other)]
