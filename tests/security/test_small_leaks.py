"""The smaller findings: files readable by others, pages a cache may keep, two reports in one
file, a header that says its charset twice."""
from __future__ import annotations

import os
import stat
import types

from pathlib import Path

from flask import Flask

from survey import create_app
from survey.core import config as configuration
from survey.reports import bundle, individual


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_instance_folder_and_the_sqlite_files_are_private(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "DATABASE_URL": f"sqlite:///{instance / 'survey.sqlite'}", "JOBS_DIR": str(instance / "jobs")})
    database = app.extensions["survey.db"]
    database.create_all()
    with database.engine.connect() as connection:  # WAL and shared memory exist while connected
        connection.exec_driver_sql("SELECT count(*) FROM people")
        files = [p for p in instance.iterdir() if p.name.startswith("survey.sqlite")]
        assert files and all(_mode(p) == 0o600 for p in files), {p.name: oct(_mode(p)) for p in files}
    database.engine.dispose()
    bare = Flask("survey", instance_path=str(tmp_path / "default-instance"))
    configuration.load(bare, {"TESTING": True})  # no database URL: SQLite in the instance folder
    assert _mode(bare.instance_path) == 0o700 and _mode(Path(bare.instance_path) / "secret_key") == 0o600


def test_ids_that_differ_only_in_dot_and_underscore_get_files_of_their_own():
    people = [types.SimpleNamespace(employee_id=e, full_name="A B", assessment_id=n)
              for n, e in enumerate(("S.1", "S_1", "S 1", "S/1", "S1"))]
    stems = [individual.file_stem(p) for p in people]
    names = [bundle.pdf_name(p) for p in people]
    assert len(set(stems)) == len(stems) and len(set(names)) == len(names)
    assert all("/" not in n and "." not in s for s, n in zip(stems, names))


def test_csv_downloads_name_their_charset_once(hr_client, open_campaign):
    response = hr_client.get("/hr/campaigns/1/links.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_pages_with_answers_or_names_are_never_cached(app, store, client, hr_client, staff, open_campaign):
    from conftest import first_token, full_answers

    token = first_token(store, relation="other")
    page = client.get(f"/r/{token}").get_data(as_text=True)
    answers = full_answers(page)
    one = dict(list(answers.items())[:1])
    client.post(f"/r/{token}", data={"action": "save", **one})
    responses = {
        "respondent page with a saved draft": client.get(f"/r/{token}"),
        "the 422 re-display": client.post(f"/r/{token}", data={"action": "submit", **one}),
        "paper": hr_client.get("/hr/campaigns/1/paper"),
        "people": hr_client.get("/hr/people"),
        "campaign": hr_client.get("/hr/campaigns/1"),
        "raters": hr_client.get("/hr/campaigns/1/raters"),
        "audit": hr_client.get("/hr/audit"),
        "trainer": staff("trainer").get("/trainer/"),
        "quality": staff("hr-head").get("/hr/quality/"),
    }
    assert {k: r.status_code for k, r in responses.items() if r.status_code >= 400} == {"the 422 re-display": 422}
    assert {k: r.headers.get("Cache-Control") for k, r in responses.items()} == {k: "no-store" for k in responses}


def test_a_sealed_draft_does_not_tell_how_many_questions_were_answered():
    from survey.campaigns import drafts

    one = drafts.seal("secret", "key-1", {"ethics.1": 3})
    every = drafts.seal("secret", "key-1", {f"c{c}.{q}": 5 for c in range(12) for q in range(1, 4)})
    none = drafts.seal("secret", "key-1", {})
    assert len(one) == len(every) == len(none)
    assert drafts.unseal("secret", "key-1", one) == {"ethics.1": 3}
    assert len(drafts.unseal("secret", "key-1", every)) == 36
