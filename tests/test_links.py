"""Exported links: one per invitation, each opening its own questionnaire, kept private."""
import os
import stat

from conftest import excel_csv, wait_for_jobs


def read(path):
    return excel_csv(path.read_bytes(), ";")


def test_links_export_lists_every_invitation_with_a_working_url(runner, client, open_campaign, tmp_path):
    out = tmp_path / "links.csv"
    result = runner.invoke("links", "export", open_campaign, "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = read(out)
    assert list(rows[0]) == ["assessee_id", "assessee_name", "relation", "rater_id", "rater_name", "rater_email",
                             "language", "url"]
    assert len(rows) == 7 + sum(1 for r in rows if r["relation"] != "self")  # 7 self-assessments
    assert {r["relation"] for r in rows} == {"self", "manager", "subordinate", "peer"}
    assert len({r["url"] for r in rows}) == len(rows)
    row = next(r for r in rows if r["assessee_id"] == "S4" and r["relation"] == "manager")
    assert row["rater_id"] == "H1" and row["url"].startswith("http://survey.test/r/")
    page = client.get(row["url"].removeprefix("http://survey.test")).get_data(as_text=True)
    assert "Servant 4" in page


def test_links_file_is_readable_by_its_owner_only(runner, open_campaign, tmp_path):
    out = tmp_path / "links.csv"
    runner.invoke("links", "export", open_campaign, "--out", str(out))
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_links_of_a_draft_campaign_are_refused(runner, app, store, tmp_path):
    import datetime as dt

    from conftest import small_body
    from survey.campaigns import lifecycle as campaigns, people, roster

    with store.transaction() as session:
        people.apply_rows(session, roster.validate(small_body(), "body", {}))
        campaigns.create(session, "Draft", dt.date.today(), app.extensions["survey.instruments"])
    result = runner.invoke("links", "export", "Draft", "--out", str(tmp_path / "l.csv"))
    assert result.exit_code == 1 and "draft" in result.output


def test_a_large_body_s_links_are_prepared_by_a_job_with_the_reader_s_separator(app, store, hr_client, open_campaign):
    """Past RESULTS_IN_REQUEST assessees the links CSV is a job's, per separator; the file that
    comes is the one the request makes, working links and all."""
    inline = hr_client.get("/hr/campaigns/1/links.csv?lang=ru")
    assert inline.status_code == 200
    app.config["RESULTS_IN_REQUEST"] = 0
    waiting = hr_client.get("/hr/campaigns/1/links.csv?lang=ru")
    assert waiting.status_code == 202 and 'http-equiv="refresh"' in waiting.get_data(as_text=True)
    wait_for_jobs(store)
    prepared = hr_client.get("/hr/campaigns/1/links.csv?lang=ru")
    assert prepared.status_code == 200 and prepared.headers["Cache-Control"].startswith("no-store")
    assert prepared.data == inline.data and prepared.data.decode("utf-8-sig").splitlines()[0].count(";") == 7
    assert hr_client.get("/hr/campaigns/1/links.csv?lang=en").status_code == 202  # another separator, another file


def test_links_read_in_parts_are_all_of_them_in_code_point_order(store, open_campaign):
    from survey.campaigns import lifecycle
    with store.transaction() as session:
        campaign = lifecycle.get(session, open_campaign)
        parts = list(lifecycle.links_in_parts(session, campaign, size=5))
        whole = lifecycle.links(session, campaign)
    assert len(parts) > 3 and all(len(part) <= 5 for part in parts)
    assert [link for part in parts for link in part] == whole
    assert whole == sorted(whole, key=lambda r: (r.assessee_id, r.relation != "self", r.relation, r.rater_id))
