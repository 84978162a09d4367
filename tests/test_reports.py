"""Individual reports (appendices 7-8): figures, insights, HR pages, personal links, bulk build."""
from __future__ import annotations

import datetime as dt
import io
import re
import time
import zipfile
from urllib.parse import unquote

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select, update

from conftest import (S1_RATERS, S1_SELF, answer_about, approve_and_open, built_reports, campaign_ids, close_campaign,
                      csrf, excel_csv, points, read_csv, submit_points, wait_for_jobs)
from survey.campaigns import lifecycle as campaigns, tokens
from survey.core.followup import ReportRelease
from survey.core.models import Assessment, AuditEntry, Campaign, Invitation, Person, Rater
from survey.reports import advice, insights, links
from survey.web.common import downloads

@pytest.fixture
def closed(app, store, open_campaign, runner):
    """S1 as ``S1_RATERS`` and ``S1_SELF`` work out by hand; S2 with two respondents only (withheld); H1 with five; closed."""
    answer_about(app, store, "S1", [points(r) for r in S1_RATERS], self_points=points(S1_SELF))
    answer_about(app, store, "S2", [5, 1], self_points=4)
    answer_about(app, store, "H1", [4, 4, 5, 3, 4], self_points=5)
    close_campaign(runner, open_campaign)
    return open_campaign


def page(client, store, name, employee_id, **query):
    campaign_id, assessment_id = campaign_ids(store, name)[employee_id]
    return client.get(f"/hr/campaigns/{campaign_id}/reports/{assessment_id}", query_string=query)


def publish(head_client, store, name):
    """HR publishes: the personal links CSV, as rows keyed by employee id."""
    campaign_id = next(iter(campaign_ids(store, name).values()))[0]
    path = f"/hr/campaigns/{campaign_id}/reports"
    response = head_client.post(f"{path}/links.csv", data={"csrf_token": csrf(head_client, path)})
    assert response.status_code == 200, response.get_data(as_text=True)
    return {row["employee_id"]: row for row in excel_csv(response.data, ",")}


def token_of(url):
    return url.rsplit("/report/", 1)[1]


# --- the figures -------------------------------------------------------------------------------

def test_report_figures_equal_the_results_export(app, store, closed, runner, tmp_path):
    out = tmp_path / "results.csv"
    assert runner.invoke("results", "export", closed, "--out", str(out)).exit_code == 0
    exported = read_csv(out)
    built = built_reports(app, store, closed)
    compared = 0
    for employee_id, report in built.items():
        if report.withheld:
            assert exported[employee_id, "overall"]["average"] == ""
            continue
        for line in report.lines:
            row = exported[employee_id, line.competency_id]
            assert f"{line.average:.2f}" == row["average"] and line.band == row["band"]
            assert (f"{line.self_average:.2f}" if line.self_average is not None else "") == row["self_average"]
            compared += 1
        overall = exported[employee_id, "overall"]
        assert f"{report.overall:.2f}" == overall["average"] and report.band == overall["band"]
        assert str(report.respondents) == overall["respondents"]
    assert compared == 8 + 12  # S1 (8 competencies) and H1 (12)


def test_report_page_shows_the_hand_worked_figures(head_client, store, closed):
    """S1's report is in Russian, their language: the figures have a decimal comma."""
    body = page(head_client, store, closed, "S1").get_data(as_text=True)
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td><td class=\"num\">([\d,]+)</td><td class=\"num\">([\d,]+)</td>", body)
    assert [(n, avg, own) for n, _, avg, own in rows] == [
        ("1", "3,00", "5,00"), ("2", "4,00", "3,00"), ("3", "3,50", "4,00"), ("4", "3,00", "3,00"),
        ("5", "2,75", "4,00"), ("6", "4,00", "4,00"), ("7", "4,00", "4,00"), ("8", "4,00", "4,00")]
    assert "3,53" in body and "3.53" not in body and "Servant 1" in body


def test_withheld_report_shows_no_averages_charts_or_advice(head_client, store, closed):
    body = page(head_client, store, closed, "S2", lang="en").get_data(as_text=True)
    report = body[body.index('<article class="report"'):body.index("</article>")]
    assert "Servant 2" in report and "fewer than 3 colleagues answered" in report
    assert not re.search(r"\d\.\d\d", report)  # no average, overall or self-assessment figure at all
    assert "<img" not in report and "<svg" not in report
    assert "Competencies to develop first" not in report


def test_withheld_report_model_carries_no_figures(app, store, closed):
    s2 = built_reports(app, store, closed)["S2"]
    assert s2.withheld and s2.respondents == 2
    assert s2.lines == () and s2.overall is None and s2.self_overall is None
    assert s2.blind_spots == s2.hidden_strengths == s2.development == () and s2.previous is None


# --- what the report reads into the figures ----------------------------------------------------

def test_blind_spots_and_hidden_strengths_on_the_hand_fixture(app, store, closed):
    s1 = built_reports(app, store, closed)["S1"]
    assert [line.competency_id for line in s1.blind_spots] == ["communication", "decisions"]
    assert [line.competency_id for line in s1.hidden_strengths] == ["ethics"]
    assert [line.gap for line in s1.blind_spots] == [2.0, 1.25]


@pytest.mark.parametrize("own, others, blind, hidden", [
    (4.67, 3.67, True, False),   # exactly one point, as shown
    (4.66, 3.67, False, False),  # 0.99
    (3.50, 4.50, False, True),
    (3.51, 4.50, False, False),
    (None, 4.00, False, False),  # no self-assessment: nothing to compare
])
def test_gap_threshold_is_one_point_between_the_figures_as_shown(own, others, blind, hidden):
    assert insights.is_blind_spot(own, others) is blind
    assert insights.is_hidden_strength(own, others) is hidden


def test_agreement_in_words_from_the_spread_of_the_respondents(app, store, closed):
    s1 = {line.competency_id: line.agreement for line in built_reports(app, store, closed)["S1"].lines}
    assert (s1["communication"], s1["change"], s1["results"], s1["decisions"]) == ("agree", "partly", "disagree", "agree")


def test_agreement_is_not_given_for_fewer_than_three_respondents():
    assert insights.agreement([1.0, 5.0]) is None
    assert insights.agreement([1.0, 5.0, 3.0]) == "disagree"


def test_least_developed_are_the_three_lowest_with_their_advice(app, store, closed):
    s1 = built_reports(app, store, closed)["S1"]
    # decisions 2.75, then communication and results at 3.00 in questionnaire order.
    assert [d.line.competency_id for d in s1.development] == ["decisions", "communication", "results"]
    assert "Қажетті мәліметтерді таба алады" in [t.text.kk for t in s1.development[0].advice.effective]


def test_every_competency_of_every_questionnaire_has_advice_in_three_languages(app):
    data = advice.load()
    assert advice.missing(data, app.extensions["survey.instruments"]) == []
    for entry in data.values():
        assert all(line.text.kk and line.text.ru and line.text.en for line in entry.effective + entry.ineffective)


def test_report_compares_with_the_previous_closed_campaign(app, store, closed, runner):
    instrument_set = app.extensions["survey.instruments"]
    with store.transaction() as session:
        later = campaigns.create(session, "Test 2027", dt.date.today() + dt.timedelta(days=400), instrument_set,
                                 repeat_reason="The next round")
        previous = campaigns.get(session, closed)
        for assessment in previous.assessments:  # the same raters as the year before
            target = next(a for a in later.assessments if a.assessee_id == assessment.assessee_id)
            for rater in assessment.raters:
                session.add(Rater(assessment_id=target.id, rater_id=rater.rater_id, relation=rater.relation))
        session.flush()
        approve_and_open(session, later)
    answer_only(app, store, "Test 2027", "S1", [4, 4, 4, 4])
    close_campaign(runner, "Test 2027")
    s1 = built_reports(app, store, "Test 2027")["S1"]
    assert s1.previous.campaign_name == closed and s1.previous.overall == 3.53
    change = {line.competency_id: (line.previous, line.average, line.change) for line in s1.lines}
    assert change["decisions"] == (2.75, 4.0, 1.25) and change["ethics"] == (4.0, 4.0, 0.0)
    assert s1.overall_change == 0.47


def answer_only(app, store, campaign_name, assessee, rater_points):
    instrument_set = app.extensions["survey.instruments"]
    with store.transaction() as session:
        invitations = session.scalars(
            select(Invitation).join(Assessment, Assessment.id == Invitation.assessment_id)
            .join(Campaign, Campaign.id == Assessment.campaign_id).join(Person, Person.id == Assessment.assessee_id)
            .where(Person.employee_id == assessee, Campaign.name == campaign_name, Invitation.relation != "self")
            .order_by(Invitation.id)).all()
        for invitation, value in zip(invitations, rater_points):
            submit_points(session, instrument_set[invitation.assessment.instrument], invitation, value)


def test_first_campaign_says_there_is_nothing_to_compare(head_client, store, closed):
    assert "first closed campaign" in page(head_client, store, closed, "S1", lang="en").get_data(as_text=True)


# --- HR pages ----------------------------------------------------------------------------------

def test_report_is_in_the_assessees_language_and_hr_can_switch_it(head_client, store, closed):
    own = page(head_client, store, closed, "S1").get_data(as_text=True)  # S1's roster language is Russian
    assert '<article class="report" lang="ru">' in own and "Сотрудничество" in own
    switched = page(head_client, store, closed, "S1", lang="kk").get_data(as_text=True)
    assert '<article class="report" lang="kk">' in switched and "Ынтымақтастық" in switched


def test_campaign_reports_page_lists_every_assessee_with_links(head_client, store, closed):
    campaign_id = campaign_ids(store, closed)["S1"][0]
    body = head_client.get(f"/hr/campaigns/{campaign_id}/reports?lang=en").get_data(as_text=True)
    for employee_id, (cid, aid) in campaign_ids(store, closed).items():
        assert f"/hr/campaigns/{cid}/reports/{aid}\"" in body and f"/hr/campaigns/{cid}/reports/{aid}.pdf" in body
    assert "not enough responses" in body


def test_reports_wait_for_the_campaign_to_close(head_client, store, open_campaign):
    campaign_id, assessment_id = campaign_ids(store, open_campaign)["S1"]
    for path in (f"/hr/campaigns/{campaign_id}/reports", f"/hr/campaigns/{campaign_id}/reports/{assessment_id}",
                 f"/hr/campaigns/{campaign_id}/reports/{assessment_id}.pdf", f"/hr/campaigns/{campaign_id}/reports.zip"):
        assert head_client.get(path).status_code == 409, path


def test_report_pages_are_for_hr_only(staff, client, store, closed):
    campaign_id, assessment_id = campaign_ids(store, closed)["S1"]
    paths = [f"/hr/campaigns/{campaign_id}/reports", f"/hr/campaigns/{campaign_id}/reports/{assessment_id}",
             f"/hr/campaigns/{campaign_id}/reports/{assessment_id}.pdf", f"/hr/campaigns/{campaign_id}/reports.zip"]
    trainer = staff("trainer")
    for path in paths:
        assert trainer.get(path).status_code == 403, path
        assert client.get(path).status_code == 302, path
    assert staff("hr-head").get(paths[1]).status_code == 200


def test_report_of_an_assessment_of_another_campaign_is_not_found(head_client, store, closed):
    campaign_id, assessment_id = campaign_ids(store, closed)["S1"]
    assert head_client.get(f"/hr/campaigns/{campaign_id}/reports/{assessment_id + 1000}").status_code == 404


def test_opening_and_downloading_reports_is_audited(head_client, store, closed):
    campaign_id, assessment_id = campaign_ids(store, closed)["S1"]
    head_client.get(f"/hr/campaigns/{campaign_id}/reports/{assessment_id}")
    head_client.get(f"/hr/campaigns/{campaign_id}/reports/{assessment_id}.pdf")
    head_client.get(f"/hr/campaigns/{campaign_id}/reports.zip")
    publish(head_client, store, closed)
    with store.transaction() as session:
        entries = {(e.action, e.detail) for e in session.scalars(select(AuditEntry)) if e.actor == "hr-head@body.kz"}
    assert ("report-view", f"{closed}: S1") in entries
    assert ("report-download", f"{closed}: S1 (ru)") in entries
    assert ("reports-zip", f"{closed}: all units, 7 reports") in entries
    assert ("reports-publish", f"{closed}: 7 personal links, valid 30 days") in entries


def test_unit_zip_holds_only_that_units_reports(head_client, store, closed):
    with store.transaction() as session:
        moved = select(Person.id).where(Person.employee_id.in_(["S3", "S4"])).scalar_subquery()
        session.execute(update(Assessment).where(Assessment.assessee_id.in_(moved)).values(unit="Unit B"))
    campaign_id = campaign_ids(store, closed)["S1"][0]
    response = head_client.get(f"/hr/campaigns/{campaign_id}/reports.zip", query_string={"unit": "Unit B"})
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert sorted(name.split("_", 1)[0] for name in names) == ["S3", "S4"]


KAZAKH_UNIT = "Қаржы басқармасы"


def file_names(header: str) -> tuple[str, str | None]:
    """The ASCII ``filename`` and the decoded ``filename*`` of a Content-Disposition header."""
    plain = re.search(r'filename="([^"]*)"', header).group(1)
    utf8 = re.search(r"filename\*=UTF-8''([^;\s]+)", header)
    return plain, unquote(utf8.group(1), errors="strict") if utf8 else None


def test_a_download_name_has_an_ascii_fallback_and_the_real_name_in_utf8():
    """RFC 6266 and RFC 5987: a browser shows the unit's name as it is written; a client that
    knows only ``filename`` gets it in Latin letters, so that two units' files still differ, and
    never a raw byte of UTF-8 in the header."""
    header = downloads.disposition(f"reports-7-{KAZAKH_UNIT}.zip")
    assert header.isascii() and header.startswith("attachment; ")
    assert file_names(header) == ("reports-7-Qarzhy_basqarmasy.zip", f"reports-7-{KAZAKH_UNIT}.zip")
    assert file_names(downloads.disposition("S-101_Айгерим_Нурланова.pdf"))[0] == "S-101_Aigerim_Nurlanova.pdf"
    assert file_names(downloads.disposition("Ұлан_Үсенов_Ёлкина_Шұғыла.pdf"))[0] == "Ulan_Usenov_Elkina_Shugyla.pdf"
    assert "filename*" not in downloads.disposition("reports-7.zip")
    assert file_names(downloads.disposition("reports-7.zip")) == ("reports-7.zip", None)
    assert downloads.disposition("chart.svg", inline=True).startswith("inline; ")
    # What would break the header: a quote, a backslash, a line break, a semicolon.
    for name in ('a"b.csv', "a\\b.csv", "a\r\nSet-Cookie: x=1.csv", "a;b.csv"):
        header = downloads.disposition(name)
        plain, real = file_names(header)
        assert not set('"\\\r\n;') & set(plain) and "\n" not in header and "\r" not in header, header
        assert real == name


def test_a_units_zip_is_named_after_the_unit_in_its_own_letters(head_client, store, closed):
    with store.transaction() as session:
        moved = select(Person.id).where(Person.employee_id.in_(["S3", "S4"])).scalar_subquery()
        session.execute(update(Assessment).where(Assessment.assessee_id.in_(moved)).values(unit=KAZAKH_UNIT))
    campaign_id = campaign_ids(store, closed)["S1"][0]
    response = head_client.get(f"/hr/campaigns/{campaign_id}/reports.zip", query_string={"unit": KAZAKH_UNIT})
    assert response.status_code == 200
    header = response.headers["Content-Disposition"]
    assert header == downloads.disposition(f"reports-{campaign_id}-{KAZAKH_UNIT}.zip")
    assert file_names(header) == (f"reports-{campaign_id}-Qarzhy_basqarmasy.zip", f"reports-{campaign_id}-{KAZAKH_UNIT}.zip")


def test_a_large_unit_s_zip_is_prepared_by_a_job_and_then_downloaded(head_client, store, closed, monkeypatch):
    """Past archive.IN_REQUEST reports the address waits for a job per unit and language; the ZIP
    that comes holds that unit's reports only."""
    from survey.reports import archive
    monkeypatch.setattr(archive, "IN_REQUEST", 0)
    with store.transaction() as session:
        moved = select(Person.id).where(Person.employee_id.in_(["S3", "S4"])).scalar_subquery()
        session.execute(update(Assessment).where(Assessment.assessee_id.in_(moved)).values(unit="Unit B"))
    address = f"/hr/campaigns/{campaign_ids(store, closed)['S1'][0]}/reports.zip"
    waiting = head_client.get(address, query_string={"unit": "Unit B"})
    assert waiting.status_code == 202 and 'http-equiv="refresh"' in waiting.get_data(as_text=True)
    wait_for_jobs(store)
    response = head_client.get(address, query_string={"unit": "Unit B"})
    assert response.status_code == 200 and response.headers["Cache-Control"].startswith("no-store")
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert sorted(name.split("_", 1)[0] for name in names) == ["S3", "S4"]
    assert head_client.get(address).status_code == 202  # the whole campaign: a job of its own


# --- the assessee's personal link --------------------------------------------------------------

def test_each_personal_link_opens_its_own_report_and_no_other(head_client, client, store, closed):
    rows = publish(head_client, store, closed)
    names = {eid: row["full_name"] for eid, row in rows.items()}
    assert len(rows) == 7
    for employee_id, row in rows.items():
        response = client.get(f"/report/{token_of(row['url'])}")
        assert response.status_code == 200, employee_id
        body = response.get_data(as_text=True)
        assert names[employee_id] in body
        assert not [n for e, n in names.items() if e != employee_id and n in body], employee_id


def test_personal_link_needs_no_login_and_shows_no_staff_menu(head_client, client, store, closed):
    row = publish(head_client, store, closed)["S1"]
    body = client.get(f"/report/{token_of(row['url'])}").get_data(as_text=True)
    assert "3,53" in body and "/hr/" not in body


def test_personal_link_downloads_the_same_report_as_pdf(head_client, client, store, closed):
    row = publish(head_client, store, closed)["S1"]
    response = client.get(f"/report/{token_of(row['url'])}/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_altered_link_pointing_at_another_assessee_is_not_found(app, head_client, client, store, closed):
    rows = publish(head_client, store, closed)
    campaign_id, other = campaign_ids(store, closed)["S3"]
    payload, timestamp, signature = token_of(rows["S1"]["url"]).split(".")
    forged_payload = URLSafeTimedSerializer("anything", salt=links.REPORT.salt).dumps(
        [campaign_id, other, "0" * 32]).split(".")[0]
    for token in (f"{forged_payload}.{timestamp}.{signature}", f"{payload}.{timestamp}.{signature[:-2]}xx",
                  f"{payload}.{timestamp}", "x" * 300):
        response = client.get(f"/report/{token}")
        assert response.status_code == 404, token
        assert "Servant 3" not in response.get_data(as_text=True)


def test_link_signed_with_another_key_or_purpose_is_not_found(app, head_client, client, store, closed):
    publish(head_client, store, closed)
    campaign_id, assessment_id = campaign_ids(store, closed)["S1"]
    with store.transaction() as session:
        key = session.get(ReportRelease, assessment_id).key
    foreign = links.sign("another-installation", campaign_id, assessment_id, key)
    manager = links.ASSESSOR.sign(app.secret_key, campaign_id, assessment_id, key)  # another kind of link
    respondent = tokens.sign(app.secret_key, "0" * 32)  # a questionnaire link's token
    for token in (foreign, respondent, manager):
        assert client.get(f"/report/{token}").status_code == 404


def test_expired_link_is_gone(app, head_client, client, store, closed):
    publish(head_client, store, closed)
    campaign_id, assessment_id = campaign_ids(store, closed)["S1"]
    with store.transaction() as session:
        key = session.get(ReportRelease, assessment_id).key

    class MonthAgo(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - 31 * 86400

    old = URLSafeTimedSerializer(app.secret_key, salt=links.REPORT.salt, signer=MonthAgo).dumps(
        [campaign_id, assessment_id, key])
    response = client.get(f"/report/{old}")
    assert response.status_code == 410 and "Servant 1" not in response.get_data(as_text=True)
    app.config["REPORT_LINK_DAYS"] = 60
    assert client.get(f"/report/{old}").status_code == 200


def test_publishing_needs_the_page_token(head_client, store, closed):
    campaign_id = campaign_ids(store, closed)["S1"][0]
    assert head_client.post(f"/hr/campaigns/{campaign_id}/reports/links.csv").status_code == 400


def test_reports_links_command_writes_a_private_file_of_working_links(runner, client, closed, tmp_path):
    out = tmp_path / "report-links.csv"
    result = runner.invoke("reports", "links", closed, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o077 == 0
    rows = {row["employee_id"]: row for row in excel_csv(out.read_bytes(), ";")}
    assert client.get(f"/report/{token_of(rows['H1']['url'])}").status_code == 200


# --- the command line --------------------------------------------------------------------------

def test_reports_build_writes_html_pdf_png_and_a_zip(runner, closed, tmp_path):
    out, archive = tmp_path / "reports", tmp_path / "all.zip"
    result = runner.invoke("reports", "build", closed, "--out", str(out), "--zip", str(archive))
    assert result.exit_code == 0, result.output
    assert (out / "S1.pdf").read_bytes().startswith(b"%PDF") and (out / "S1.png").exists()
    assert not (out / "S2.png").exists()  # withheld: no chart
    assert sorted(zipfile.ZipFile(archive).namelist()) == sorted(p.name for p in out.glob("*.pdf"))
    assert len(list(out.glob("*.pdf"))) == 7
