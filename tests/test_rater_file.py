"""The raters' CSV: made in the request for a small body, prepared by a job for a large one, and
never served as the raters were before a change."""
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import excel_csv, small_body, staffed, wait_for_jobs
from survey.campaigns import lifecycle, people, raters, roster
from survey.core.models import Assessment, AuditEntry, Campaign, Job, Person, Rater
from survey.core.tables import Row

URL = "/hr/campaigns/1/raters.csv?lang=ru"


@pytest.fixture
def draft(app, store) -> int:
    """A draft over ``small_body`` with the suggested raters stored, open to changes."""
    with store.transaction() as session:
        people.apply_rows(session, roster.validate(small_body(), "body", {}))
        campaign = lifecycle.create(session, "Draft 2026", dt.date.today() + dt.timedelta(days=10),
                                    app.extensions["survey.instruments"])
        staffed(session, campaign)
        return campaign.id


def prepared(client, store, url=URL):
    """Asked while only a job may make it: the waiting page, then the file once the job is done."""
    waiting = client.get(url)
    assert waiting.status_code == 202 and 'http-equiv="refresh"' in waiting.get_data(as_text=True)
    wait_for_jobs(store)
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def pairs(data: bytes, delimiter=";") -> set[tuple[str, str, str]]:
    return {(r["assessee_id"], r["rater_id"], r["relation"]) for r in excel_csv(data, delimiter)}


def add_rater(store, campaign_id, assessee, rater, relation):
    with store.transaction() as session:
        campaign = session.get(Campaign, campaign_id)
        assessment = next(a for a in campaign.assessments if a.assessee.employee_id == assessee)
        raters.add_by_employee_id(session, campaign, assessment, rater, relation)


def test_a_small_body_s_raters_csv_is_made_in_the_request_and_logged(hr_client, store, draft):
    response = hr_client.get(URL)
    assert response.status_code == 200 and response.headers["Cache-Control"].startswith("no-store")
    assert ("S1", "H1", "manager") in pairs(response.data)
    with store.transaction() as session:
        assert not session.scalars(select(Job)).first()
        assert session.scalar(select(AuditEntry.detail).where(AuditEntry.action == "raters-export")) == "Draft 2026"


def test_a_large_body_s_raters_csv_is_prepared_by_a_job_with_the_same_rows(app, store, hr_client, draft):
    inline = hr_client.get(URL)
    app.config["RESULTS_IN_REQUEST"] = 0
    response = prepared(hr_client, store)
    assert response.data == inline.data and response.headers["Cache-Control"].startswith("no-store")
    assert response.data.decode("utf-8-sig").splitlines()[0].count(";") == 4
    assert hr_client.get(URL.replace("ru", "en")).status_code == 202  # another separator, another file
    with store.transaction() as session:
        done = session.scalars(select(Job).where(Job.kind == "raters-csv", Job.status == "done")).one()
        entries = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "raters-export")).all()
    assert done.requested_by == "hr@body.kz"
    assert f"Draft 2026: {len(pairs(inline.data))} raters" in entries


@pytest.mark.parametrize("change", ["add", "remove", "relation"])
def test_a_prepared_raters_csv_is_not_served_after_the_raters_change(app, store, hr_client, draft, change):
    app.config["RESULTS_IN_REQUEST"] = 0
    before = pairs(prepared(hr_client, store).data)
    with store.transaction() as session:
        rater = session.scalars(select(Rater).join(Assessment).join(Person, Person.id == Assessment.assessee_id)
                                .where(Person.employee_id == "D1", Rater.relation == "peer")
                                .order_by(Rater.id)).first()
        removed = (rater.assessment.assessee.employee_id, rater.rater.employee_id, rater.relation)
        if change == "relation":
            rater.relation = "subordinate"
        elif change == "remove":
            raters.remove(session, session.get(Campaign, draft), rater)
    if change == "add":
        add_rater(store, draft, "D1", "S3", "peer")
    after = pairs(prepared(hr_client, store).data)
    if change == "add":
        assert after == before | {("D1", "S3", "peer")}
    elif change == "remove":
        assert after == before - {removed}
    else:
        assert after == (before - {removed}) | {("D1", removed[1], "subordinate")}


def test_two_raters_exchanging_relations_is_a_new_file(app, store, hr_client, draft):
    """The same raters, the same number of each relation: only which rater has which moved, as
    one upload can do. A sum over raters and relations alone stays the same."""
    app.config["RESULTS_IN_REQUEST"] = 0
    before = pairs(prepared(hr_client, store).data)
    with store.transaction() as session:
        director = session.scalars(select(Assessment).join(Person, Person.id == Assessment.assessee_id)
                                   .where(Person.employee_id == "D1")).one()
        by_relation = {r.relation: r for r in director.raters}
        by_relation["subordinate"].relation, by_relation["peer"].relation = "peer", "subordinate"
        moved = {by_relation["subordinate"].rater.employee_id, by_relation["peer"].rater.employee_id}
    after = pairs(prepared(hr_client, store).data)
    assert {(a, r, rel) for a, r, rel in before ^ after} == {
        ("D1", rater, relation) for rater in moved for relation in ("peer", "subordinate")}


def test_a_campaign_without_raters_gets_the_suggestion_by_either_path(app, store, hr_client):
    with store.transaction() as session:
        people.apply_rows(session, roster.validate(small_body(), "body", {}))
        lifecycle.create(session, "Empty 2026", dt.date.today() + dt.timedelta(days=10),
                         app.extensions["survey.instruments"])
    inline = hr_client.get(URL)
    assert ("S1", "H1", "manager") in pairs(inline.data)
    app.config["RESULTS_IN_REQUEST"] = 0
    assert prepared(hr_client, store).data == inline.data


def test_a_trainer_gets_no_prepared_raters_csv(app, store, staff, draft):
    app.config["RESULTS_IN_REQUEST"] = 0
    prepared(staff("hr"), store)
    assert staff("trainer").get(URL).status_code == 403


def test_only_the_file_of_the_raters_as_they_are_is_kept(app, store, hr_client, draft):
    app.config["RESULTS_IN_REQUEST"] = 0
    prepared(hr_client, store)
    add_rater(store, draft, "D1", "S3", "peer")
    prepared(hr_client, store)
    assert len([f for f in Path(app.config["JOBS_DIR"]).iterdir() if f.name.startswith("raters-")]) == 1


def test_a_rater_renamed_by_a_roster_import_is_a_new_file(app, store, hr_client, draft):
    """The file carries the raters' names from the roster: an import that renames one of them
    leaves the raters as they were, yet the file made before shows the old name."""
    app.config["RESULTS_IN_REQUEST"] = 0
    names = {r["rater_id"]: r["rater_name"] for r in excel_csv(prepared(hr_client, store).data, ";")}
    renamed = [Row(row.number, {**row.values, "full_name": "Әсем Жаңаева"} if row.values["employee_id"] == "H1"
                   else row.values) for row in small_body()]
    with store.transaction() as session:
        people.apply_rows(session, roster.validate(renamed, "body", {}))
    after = {r["rater_id"]: r["rater_name"] for r in excel_csv(prepared(hr_client, store).data, ";")}
    assert names["H1"] != "Әсем Жаңаева" and after["H1"] == "Әсем Жаңаева"


def test_a_person_counts_changes_not_imports_that_change_nothing(store, draft):
    with store.transaction() as session:
        before = {p.employee_id: p.revision for p in session.scalars(select(Person))}
        people.apply_rows(session, roster.validate(small_body(), "body", {}))  # the same roster again
    with store.transaction() as session:
        assert {p.employee_id: p.revision for p in session.scalars(select(Person))} == before
        session.scalars(select(Person).where(Person.employee_id == "S1")).one().unit = "Жаңа бөлім"
    with store.transaction() as session:
        revisions = {p.employee_id: p.revision for p in session.scalars(select(Person))}
    assert revisions == {**before, "S1": before["S1"] + 1}
