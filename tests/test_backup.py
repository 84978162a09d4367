"""Backups round-trip: the results export is identical after a restore; /healthz tells the database's state."""
import os
import stat

from sqlalchemy import select

from conftest import answer_about
from survey.core.models import Campaign


def test_backup_and_restore_round_trip_keeps_the_results(app, store, open_campaign, runner, tmp_path):
    answer_about(app, store, "S1", [4, 3, 5, 4], self_points=5)
    answer_about(app, store, "H1", [3, 3, 4, 2, 5])
    runner.invoke("campaign", "close", open_campaign)
    before = tmp_path / "before.csv"
    assert runner.invoke("results", "export", open_campaign, "--out", str(before)).exit_code == 0
    backup = tmp_path / "survey.backup"
    result = runner.invoke("backup", "--out", str(backup))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    with store.transaction() as session:  # something changes after the backup
        session.delete(session.scalar(select(Campaign)))
    assert runner.invoke("results", "export", open_campaign, "--out", str(tmp_path / "x.csv")).exit_code == 1
    result = runner.invoke("restore", str(backup), "--yes")
    assert result.exit_code == 0, result.output
    after = tmp_path / "after.csv"
    assert runner.invoke("results", "export", open_campaign, "--out", str(after)).exit_code == 0
    assert after.read_bytes() == before.read_bytes()


def test_restoring_something_that_is_not_a_backup_fails_clearly(runner, tmp_path, store):
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"this is not a database")
    result = runner.invoke("restore", str(junk), "--yes")
    assert result.exit_code == 1 and "junk.backup" in result.output


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok\n"
    assert "Set-Cookie" not in response.headers


def test_healthz_answers_503_when_the_database_does_not(database_url, tmp_path):
    from survey import create_app

    unreachable = ("postgresql+psycopg://postgres@127.0.0.1:1/nothing" if database_url.startswith("postgresql")
                   else f"sqlite:///{tmp_path / 'no' / 'dir' / 'x.sqlite'}")
    app = create_app({"DATABASE_URL": unreachable, "SECRET_KEY": "x", "DATABASE_TIMEOUT": 1})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_data(as_text=True) == "unavailable\n"
