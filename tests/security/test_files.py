"""Files the platform writes about a campaign belong to that campaign of that database: replacing
the database (a restore, a new demo) or purging the campaign leaves none of them to be offered."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from conftest import answer_all, small_body, staff_and_open
from survey.campaigns import lifecycle, people, roster
from survey.core.models import Campaign
from survey.operations import jobs, prepared
from survey.reports import archive
from survey.results import files  # noqa: F401 - its prepared files are swept too


def _closed_campaign(app, store, name="Test 2026") -> None:
    instruments = app.extensions["survey.instruments"]
    with store.transaction() as session:
        if session.scalar(select(Campaign).where(Campaign.name == name)) is None:
            people.apply_rows(session, roster.validate(small_body(), "body", {}))
            staff_and_open(session, lifecycle.create(session, name, dt.date.today() + dt.timedelta(days=9), instruments))
    answer_all(app, store)
    with store.transaction() as session:
        lifecycle.close(session, lifecycle.get(session, name))


def _prepared_zip(app, store, name="Test 2026"):
    with store.transaction() as session:
        jobs.start(session, archive.KIND, lifecycle.get(session, name), "hr@body.kz")
    jobs.run_pending(store, app.config)
    with store.transaction() as session:
        return archive.ready(session, app.config, lifecycle.get(session, name))


def test_a_zip_prepared_before_the_database_was_replaced_is_never_offered(app, store, open_campaign):
    _closed_campaign(app, store)
    first = _prepared_zip(app, store)
    assert first is not None and first.exists()

    store.drop_all()  # what a restore or a new demo does to the database; the instance folder stays
    store.create_all()
    _closed_campaign(app, store)  # the same name and the same id, other answers
    with store.transaction() as session:
        campaign = lifecycle.get(session, "Test 2026")
        assert campaign.id == 1 and archive.ready(session, app.config, campaign) is None

    second = _prepared_zip(app, store)
    assert second is not None and second != first
    assert not first.exists(), "the other database's reports are still on disk"


def test_sweeping_leaves_only_the_newest_zip_of_each_campaign_of_this_database(app, store, open_campaign):
    _closed_campaign(app, store)
    older = _prepared_zip(app, store)
    newer = _prepared_zip(app, store)
    assert older != newer and newer.exists() and not older.exists()
    stray = newer.parent / "reports-9-9-20200101000000000000.zip"
    stray.write_bytes(b"PK")
    workbook = newer.parent / "results-ru-9-9-20200101000000000000.xlsx"  # a results file no job owns
    workbook.write_bytes(b"PK")
    other = newer.parent / "kept.txt"  # not the platform's: left alone
    other.write_text("x")
    with store.transaction() as session:
        assert prepared.sweep(session, app.config) == 2
    assert not stray.exists() and not workbook.exists() and newer.exists() and other.exists()


def test_a_restore_leaves_no_zip_of_the_replaced_database(app, store, open_campaign, runner, tmp_path):
    backup = tmp_path / "before.backup"
    assert runner.invoke("backup", "--out", str(backup)).exit_code == 0
    _closed_campaign(app, store)
    prepared = _prepared_zip(app, store)
    assert prepared.exists()
    store.engine.dispose()
    assert runner.invoke("restore", str(backup), "--yes").exit_code == 0
    assert not prepared.exists()
