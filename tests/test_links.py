"""Exported links: one per invitation, each opening its own questionnaire, kept private."""
import os
import stat

from conftest import excel_csv


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
