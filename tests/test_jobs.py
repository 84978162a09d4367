"""Bulk work outside the request: runs once, shows progress on every reload, survives a worker's death."""
import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from conftest import answer_about, csrf, wait_for_jobs
from survey.operations import jobs
from survey.staff.accounts import now
from survey.core.models import Campaign, Job


def campaign(session):
    return session.scalar(select(Campaign))


def test_a_second_officers_click_joins_the_running_job(app, store, mail_campaign, smtp, head_client):
    with store.transaction() as session:  # a colleague's job is already queued
        first, new = jobs.start(session, "email-invitations", campaign(session), "colleague@body.kz")
        assert new
    path = f"/hr/campaigns/{mail_campaign}/email"
    response = head_client.post(path + "/invitations", data={"csrf_token": csrf(head_client, path)})
    assert response.status_code == 302 and "joined=1" in response.headers["Location"]
    wait_for_jobs(store)
    with store.transaction() as session:
        assert session.query(Job).count() == 1
    assert len(smtp.inbox.received) == 6  # one batch, not two
    page = head_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "already started by a colleague" in page and "6 / 6" in page and "finished" in page


def test_the_database_refuses_two_active_jobs_of_one_kind(store, open_campaign):
    with store.transaction() as session:
        c = campaign(session)
        session.add(Job(kind="email-reminders", campaign_id=c.id, status="queued", requested_by="a", created_at=now()))
    with pytest.raises(IntegrityError), store.transaction() as session:
        session.add(Job(kind="email-reminders", campaign_id=campaign(session).id, status="running",
                        requested_by="b", created_at=now()))


def test_a_page_shows_progress_and_refreshes_while_a_job_is_active(store, mail_campaign, head_client):
    with store.transaction() as session:
        job, _ = jobs.start(session, "email-reminders", campaign(session), "hr@body.kz")
        job.status, job.done, job.total = "running", 2, 5
    page = head_client.get(f"/hr/campaigns/{mail_campaign}/email").get_data(as_text=True)
    assert "2 / 5" in page and "in progress" in page and 'http-equiv="refresh"' in page


def test_a_job_whose_worker_died_is_marked_failed_not_run_again(app, store, open_campaign):
    with store.transaction() as session:
        job, _ = jobs.start(session, "email-invitations", campaign(session), "hr@body.kz")
        job.status, job.heartbeat_at = "running", now() - dt.timedelta(hours=1)
    assert jobs.run_one(store, app.config) is None
    with store.transaction() as session:
        job = session.scalar(select(Job))
        assert job.status == "failed" and "interrupted" in job.outcome


def test_jobs_work_once_runs_the_queue_from_the_command_line(app, store, mail_campaign, smtp, runner):
    with store.transaction() as session:
        jobs.start(session, "email-invitations", campaign(session), "hr@body.kz")
    result = runner.invoke("jobs", "work", "--once")
    assert result.exit_code == 0 and "Ran 1 job" in result.output
    assert len(smtp.inbox.received) == 6
    with store.transaction() as session:
        assert session.scalar(select(Job.status)) == "done"


def test_all_reports_are_prepared_as_a_job_and_downloaded_when_ready(app, store, open_campaign, head_client, runner):
    import io
    import zipfile

    answer_about(app, store, "S1", [4, 3, 5, 4], self_points=5)
    runner.invoke("campaign", "close", open_campaign)
    page = "/hr/campaigns/1/reports"
    assert head_client.get("/hr/campaigns/1/reports-all.zip").status_code == 404  # nothing prepared yet
    response = head_client.post("/hr/campaigns/1/reports/prepare", data={"csrf_token": csrf(head_client, page)})
    assert response.status_code == 302
    wait_for_jobs(store)
    html = head_client.get(page).get_data(as_text=True)
    assert "Download all reports (ZIP)" in html and "Prepared" in html
    archive = zipfile.ZipFile(io.BytesIO(head_client.get("/hr/campaigns/1/reports-all.zip").data))
    names = archive.namelist()
    assert len(names) == 7 and all(n.endswith(".pdf") for n in names)
    assert archive.read(next(n for n in names if n.startswith("S1"))).startswith(b"%PDF")
