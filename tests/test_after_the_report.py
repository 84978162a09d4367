"""After the report (order No. 260, paras 12-13, 19-21, 37-43): who may read it, familiarisation in
working days, disagreement and calibration, the feedback meeting and the development plan."""
from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from sqlalchemy import select

from conftest import answer_all, campaign_ids, close_campaign, csrf, excel_csv
from survey.core.followup import Calibration, DevelopmentPlan, ReportOpening, ReportRelease
from survey.core.models import Assessment, Person
from survey.followup import workdays

TODAY = dt.date.today()


@pytest.fixture
def closed(app, store, open_campaign, runner):
    answer_all(app, store)
    close_campaign(runner, open_campaign)
    return open_campaign


def personal_links(client, store, name, download: str, prefix: str) -> dict[str, str]:
    """Press a button of the reports page that downloads links; employee id -> each link's path."""
    campaign_id = next(iter(campaign_ids(store, name).values()))[0]
    page = f"/hr/campaigns/{campaign_id}/reports"
    response = client.post(f"{page}/{download}", data={"csrf_token": csrf(client, page)})
    assert response.status_code == 200
    return {row["employee_id"]: prefix + row["url"].rsplit(prefix, 1)[1] for row in excel_csv(response.data, ",")}


def publish(client, store, name) -> dict[str, str]:
    return personal_links(client, store, name, "links.csv", "/report/")


def manager_links(client, store, name) -> dict[str, str]:
    return personal_links(client, store, name, "assessors.csv", "/assessor/")


# --- working days ----------------------------------------------------------------------------------

def test_working_days_skip_weekends_holidays_and_the_days_off_that_follow_them(tmp_path):
    calendar = workdays.load()
    assert calendar.add(dt.date(2026, 12, 14), 2) == dt.date(2026, 12, 17)  # 16 December, Independence Day
    assert calendar.add(dt.date(2026, 12, 11), 2) == dt.date(2026, 12, 15)  # a Friday: the weekend skipped
    # Nauryz 2026: 21 March is a Saturday, 22 a Sunday, so 24 and 25 March are days off too.
    assert calendar.add(dt.date(2026, 3, 20), 1) == dt.date(2026, 3, 26)
    own = tmp_path / "holidays.yaml"
    own.write_text("fixed: []\ndates: [{date: '2026-12-15', name: 'decree'}]\nworking: ['2026-12-12']\n")
    mine = workdays.load(own)
    assert mine.add(dt.date(2026, 12, 11), 2) == dt.date(2026, 12, 14)  # Saturday 12th works, 15th is off
    own.write_text("fixed: [{date: '02-30'}]\n")
    with pytest.raises(workdays.CalendarError, match="holidays.yaml"):
        workdays.load(own)


# --- who reads a report (para 21) ---------------------------------------------------------------------

def test_hr_runs_the_campaign_but_cannot_open_a_reports_contents(hr_client, head_client, store, closed):
    campaign_id, assessment_id = campaign_ids(store, closed)["S1"]
    base = f"/hr/campaigns/{campaign_id}"
    for path in (f"{base}/reports/{assessment_id}", f"{base}/reports/{assessment_id}.pdf", f"{base}/reports.zip",
                 f"{base}/reports/openings", f"{base}/calibrations", f"{base}/plans.xlsx"):
        assert hr_client.get(path).status_code == 403, path
        assert head_client.get(path).status_code == 200, path
    listing = hr_client.get(f"{base}/reports?lang=en").get_data(as_text=True)
    assert "Servant 1" in listing and "Not published" in listing
    assert "Overall result" not in listing and f"/reports/{assessment_id}" not in listing
    head = head_client.get(f"{base}/reports?lang=en").get_data(as_text=True)
    assert "Overall result" in head and f"/reports/{assessment_id}" in head
    links = publish(hr_client, store, closed)  # HR publishes without reading
    assert len(links) == 7


def test_every_opening_is_recorded_and_the_hr_head_sees_who_opened_what(app, hr_client, head_client, client, store,
                                                                       closed):
    links = publish(hr_client, store, closed)
    campaign_id, assessment_id = campaign_ids(store, closed)["S1"]
    assert client.get(links["S1"]).status_code == 200
    assert head_client.get(f"/hr/campaigns/{campaign_id}/reports/{assessment_id}").status_code == 200
    managers = manager_links(hr_client, store, closed)
    assert client.get(f"{managers['H1']}/{assessment_id}").status_code == 200
    with store.transaction() as session:
        seen = [(o.reader_kind, o.reader) for o in session.scalars(select(ReportOpening).order_by(ReportOpening.id))]
        assert session.get(ReportRelease, assessment_id).opened_at is not None
    assert seen == [("assessee", "Servant 1"), ("hr-head", "hr-head@body.kz"), ("manager", "H1 Head One")]
    page = head_client.get(f"/hr/campaigns/{campaign_id}/reports/openings?lang=en").get_data(as_text=True)
    assert "The direct manager: H1 Head One" in page and "The assessee: Servant 1" in page


def test_a_managers_link_lists_and_opens_only_their_direct_reports(hr_client, client, store, closed):
    managers = manager_links(hr_client, store, closed)
    assert sorted(managers) == ["D1", "H1"]  # the campaign's direct managers
    ids = campaign_ids(store, closed)
    home = client.get(managers["D1"] + "?lang=en").get_data(as_text=True)
    assert "Head One" in home and "Servant 1" not in home
    assert client.get(f"{managers['D1']}/{ids['H1'][1]}").status_code == 200
    for other in ("S1", "D1"):  # not a direct report: not found, as for a forged link
        response = client.get(f"{managers['D1']}/{ids[other][1]}")
        assert response.status_code == 404 and "Servant" not in response.get_data(as_text=True)
    h1 = client.get(managers["H1"]).get_data(as_text=True)
    assert all(f"Servant {i}" in h1 for i in range(1, 6)) and "Director" not in h1


def test_publishing_again_ends_the_old_links_and_a_revoked_link_is_not_found(hr_client, client, store, closed):
    first = publish(hr_client, store, closed)
    second = publish(hr_client, store, closed)
    assert client.get(first["S1"]).status_code == 404
    assert client.get(second["S1"]).status_code == 200
    from survey.followup import release

    with store.transaction() as session:
        release.revoke(session, session.get(ReportRelease, campaign_ids(store, closed)["S1"][1]))
    assert client.get(second["S1"]).status_code == 404


# --- familiarisation (para 12) ------------------------------------------------------------------------

def test_acknowledgement_and_overdue(app, hr_client, client, store, closed, runner):
    links = publish(hr_client, store, closed)
    ids = campaign_ids(store, closed)
    assert client.post(links["S1"] + "/read").status_code == 302
    assert "You confirmed on" in client.get(links["S1"] + "?lang=en").get_data(as_text=True)
    russian = client.get(links["S1"] + "?lang=ru").get_data(as_text=True)
    assert "Вы подтвердили ознакомление с результатами" in russian and "г.." not in russian  # the date's own stop
    with store.transaction() as session:  # two working days later, S2 has not read theirs
        for eid in ("S2", "S3"):
            session.get(ReportRelease, ids[eid][1]).due_on = TODAY - dt.timedelta(days=1)
    client.get(links["S3"])
    listing = hr_client.get(f"/hr/campaigns/{ids['S1'][0]}/reports?lang=en").get_data(as_text=True)
    rows = {eid: re.search(rf"\({eid}\)</span></td><td[^>]*>[^<]*</td>\s*<td[^>]*>([^<]+)</td>", listing).group(1)
            for eid in ("S1", "S2", "S3", "S4")}
    assert rows == {"S1": "Read", "S2": "Overdue: not confirmed within two working days",
                    "S3": "Overdue: not confirmed within two working days", "S4": "Published, not opened"}
    status = runner.invoke("reports", "status", closed)
    assert status.exit_code == 0 and "1 have read their results, 2 overdue" in status.output


def test_a_report_link_refuses_a_post_with_a_forged_token_before_reading_the_form(client, store, closed):
    assert client.post("/report/not-a-token/read", data={"text": "x" * 10}).status_code == 404
    assert client.post("/report/not-a-token/disagree").status_code == 404


# --- disagreement and calibration (para 13, chapter 5) ---------------------------------------------------

def test_a_disagreement_opens_a_calibration_with_its_deadlines(hr_client, head_client, client, store, closed):
    links = publish(hr_client, store, closed)
    ids = campaign_ids(store, closed)
    refused = client.post(links["S1"] + "/disagree?lang=en", data={"text": "The ethics figure is wrong"})
    assert refused.status_code == 422 and "first confirm that you have read" in refused.get_data(as_text=True)
    client.post(links["S1"] + "/read")
    assert client.post(links["S1"] + "/disagree", data={"text": "The ethics figure is wrong"}).status_code == 302
    calendar = workdays.load()
    with store.transaction() as session:
        calibration = session.scalar(select(Calibration))
        assert calibration.decide_by == calendar.add(TODAY, 3) and calibration.decision == "pending"
        cid = calibration.id
    again = client.post(links["S1"] + "/disagree?lang=en", data={"text": "Once more"})
    assert again.status_code == 422 and "already recorded" in again.get_data(as_text=True)

    page = f"/hr/campaigns/{ids['S1'][0]}/calibrations"
    token = csrf(head_client, page)
    decided = head_client.post(f"/hr/calibrations/{cid}/decide", data={"csrf_token": token, "decision": "granted",
                                                                       "by": "Аппарат басшысы", "on": TODAY.isoformat()})
    assert decided.status_code == 302
    even = head_client.post(f"/hr/calibrations/{cid}/convene?lang=en", data={
        "csrf_token": token, "members": "A\nB", "session_on": TODAY.isoformat(), "justification": ""})
    assert even.status_code == 422 and "odd number of members, at least three; 2 given" in even.get_data(as_text=True)
    convened = head_client.post(f"/hr/calibrations/{cid}/convene", data={
        "csrf_token": token, "members": "Member A\nMember B\nMember C", "session_on": TODAY.isoformat(),
        "justification": "Four colleagues agree"})
    assert convened.status_code == 302
    with store.transaction() as session:
        calibration = session.get(Calibration, cid)
        assert calibration.hold_by == calendar.add(TODAY, 10) and len(calibration.members) == 3
    shown = head_client.get(page).get_data(as_text=True)
    member = re.search(r"Member A: <code>[^<]*(/calibration/[^<]+)</code>", shown).group(1)
    assert "Servant 1" in client.get(member).get_data(as_text=True)
    concluded = head_client.post(f"/hr/calibrations/{cid}/conclude", data={"csrf_token": token, "outcome": "upheld",
                                                                           "text": "", "followup_on": TODAY.isoformat()})
    assert concluded.status_code == 302
    assert client.get(member).status_code == 404  # the session is over: the member's link stops
    assert "upheld the results" in client.get(links["S1"] + "?lang=en").get_data(as_text=True)


def test_a_disagreement_after_five_working_days_is_refused(hr_client, client, store, closed):
    links = publish(hr_client, store, closed)
    client.post(links["S2"] + "/read")
    with store.transaction() as session:
        release = session.get(ReportRelease, campaign_ids(store, closed)["S2"][1])
        release.acknowledged_at = dt.datetime.now() - dt.timedelta(days=12)
    response = client.post(links["S2"] + "/disagree?lang=en", data={"text": "Too late"})
    assert response.status_code == 422 and "five working days to disagree ended" in response.get_data(as_text=True)
    with store.transaction() as session:
        assert session.scalars(select(Calibration)).all() == []


# --- the feedback meeting and the development plan ----------------------------------------------------------

def plan_form(competency="communication", topic="", **extra):
    form = {"meeting_on": TODAY.isoformat(), "competency_1": competency, "actions_1": "Chair two unit meetings",
            "topic_1": topic, "due_1": (TODAY + dt.timedelta(days=90)).isoformat()}
    form.update(extra)
    return form


def test_a_plan_confirmed_by_the_assessee_reaches_the_trainers_without_names(app, hr_client, staff, client, store,
                                                                             closed):
    from survey.web.common import followup

    with app.app_context():
        catalogue = followup.topic_catalogue()
    topic = catalogue.for_competency("communication")[0].id
    links, managers = publish(hr_client, store, closed), manager_links(hr_client, store, closed)
    ids = campaign_ids(store, closed)
    page = f"{managers['H1']}/{ids['S1'][1]}"
    proposed = client.get(page).get_data(as_text=True)
    assert 'name="competency_1"' in proposed and "selected" in proposed  # pre-filled from the lowest averages
    none = client.post(page + "/plan?lang=en", data=plan_form(competency=""))
    assert none.status_code == 422 and "one to three competencies" in none.get_data(as_text=True)
    with store.transaction() as session:
        assert session.scalars(select(DevelopmentPlan)).all() == []
    for eid in ("S1", "S2", "S3"):
        saved = client.post(f"{managers['H1']}/{ids[eid][1]}/plan", data=plan_form(topic=topic))
        assert saved.status_code == 302
    trainer = staff("trainer")
    before = trainer.get(f"/trainer/?campaign={ids['S1'][0]}&lang=en").get_data(as_text=True)
    assert "No confirmed development plan names a training topic yet." in before
    for eid in ("S1", "S2", "S3"):
        assert client.post(links[eid] + "/confirm").status_code == 302
    after = trainer.get(f"/trainer/?campaign={ids['S1'][0]}&lang=en").get_data(as_text=True)
    section = after[after.index('id="h-demand"'):]
    title = catalogue.for_competency("communication")[0].title("en")
    assert re.search(rf"{re.escape(title)}</td><td class=\"num\"[^>]*>3</td>", section)
    assert "Servant" not in section
    listing = hr_client.get(f"/hr/campaigns/{ids['S1'][0]}/reports?lang=en").get_data(as_text=True)
    assert listing.count(">Confirmed<") == 3


def test_plans_export_and_the_next_campaign_shows_the_previous_plan(app, hr_client, client, store, closed, runner,
                                                                   tmp_path):
    managers = manager_links(hr_client, store, closed)
    ids = campaign_ids(store, closed)
    client.post(f"{managers['H1']}/{ids['S1'][1]}/plan", data=plan_form())
    out = tmp_path / "plans.xlsx"
    result = runner.invoke("reports", "plans", closed, "--out", str(out), "--lang", "ru")
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(io.BytesIO(out.read_bytes())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Идентификатор сотрудника"  # the reader's language
    assert rows[1][0] == "S1" and rows[1][6] == "Chair two unit meetings"
    from survey.followup import plans

    with store.transaction() as session:
        s1 = session.get(Assessment, ids["S1"][1])
        assert plans.previous(session, s1) is None


def test_an_assessee_who_is_a_manager_never_sees_reports_through_their_own_link(hr_client, client, store, closed):
    links = publish(hr_client, store, closed)
    ids = campaign_ids(store, closed)
    assert client.get(links["H1"].replace("/report/", "/assessor/")).status_code == 404
    assert client.get(f"{links['H1']}/{ids['S1'][1]}").status_code == 404


def test_the_managers_link_names_a_manager_of_the_snapshot_not_of_the_roster(hr_client, client, store, closed):
    """A move after closing changes nobody's access: the assessor is the campaign's direct manager."""
    with store.transaction() as session:
        d1 = session.scalar(select(Person).where(Person.employee_id == "D1"))
        s1 = session.scalar(select(Person).where(Person.employee_id == "S1"))
        s1.manager_id = d1.id
    managers = manager_links(hr_client, store, closed)
    ids = campaign_ids(store, closed)
    assert client.get(f"{managers['D1']}/{ids['S1'][1]}").status_code == 404
    assert client.get(f"{managers['H1']}/{ids['S1'][1]}").status_code == 200


# --- e-mail to the assessees ----------------------------------------------------------------------------

@pytest.fixture
def closed_with_email(app, store, mail_campaign, runner):
    answer_all(app, store)
    from conftest import MAIL_CAMPAIGN

    close_campaign(runner, MAIL_CAMPAIGN)
    return MAIL_CAMPAIGN


def test_publishing_e_mails_each_assessee_their_link_in_their_language_and_reminds(app, store, hr_client, client,
                                                                                  closed_with_email, smtp):
    from conftest import mail_address, wait_for_jobs

    ids = campaign_ids(store, closed_with_email)
    page = f"/hr/campaigns/{ids['S1'][0]}/reports"
    assert hr_client.post(f"{page}/mail", data={"csrf_token": csrf(hr_client, page)}).status_code == 302
    wait_for_jobs(store)
    received = smtp.inbox.messages()
    assert set(received) == {mail_address(e) for e in ("D1", "H1", "S1", "S2", "S3", "S4")}  # S5 has no address
    s1, s2 = received[mail_address("S1")], received[mail_address("S2")]
    assert s1["Subject"].startswith("Результаты оценки") and s2["Subject"].startswith("360 әдісімен")
    assert (s1["Content-Language"], s2["Content-Language"]) == ("ru", "kk")
    link = re.search(r"https?://\S+/report/(\S+)", s1.get_content()).group(0)
    assert client.get("/report/" + link.rsplit("/report/", 1)[1]).status_code == 200
    listing = hr_client.get(f"{page}?lang=en").get_data(as_text=True)
    assert "6 sent, 0 failed, 1 without an e-mail address" in listing and "Servant 5" in listing
    sheet = hr_client.get(f"{page}/sheets?lang=en").get_data(as_text=True)
    assert "Servant 5" in sheet and "Servant 1" not in sheet and "<svg" in sheet

    client.post("/report/" + link.rsplit("/report/", 1)[1] + "/read")
    smtp.inbox.received.clear()
    assert hr_client.post(f"{page}/remind", data={"csrf_token": csrf(hr_client, page)}).status_code == 302
    wait_for_jobs(store)
    reminded = smtp.inbox.messages()
    assert mail_address("S1") not in reminded and mail_address("S2") in reminded
    assert reminded[mail_address("S2")]["Subject"].startswith("Еске салу")


def test_the_hr_head_records_a_plan_and_the_next_report_shows_it_beside_the_change(app, store, head_client, hr_client,
                                                                                  client, closed, runner):
    from conftest import approve_and_open
    from survey.campaigns import lifecycle as campaigns
    from survey.core.models import Rater

    ids = campaign_ids(store, closed)
    page = f"/hr/campaigns/{ids['S1'][0]}/reports/{ids['S1'][1]}"
    shown = head_client.get(page + "?lang=en").get_data(as_text=True)
    assert 'name="competency_1"' in shown and "Feedback meeting and development plan" in shown
    form = {"csrf_token": csrf(head_client, page), **plan_form(competency="ethics")}
    assert head_client.post(page + "/plan", data=form).status_code == 302
    assert hr_client.post(page + "/plan", data={**form, "csrf_token": csrf(hr_client, "/hr/")}).status_code == 403
    with store.transaction() as session:
        plan = session.get(DevelopmentPlan, ids["S1"][1])
        assert plan.recorded_by == "hr-head hr-head@body.kz" and plan.items[0].competency_id == "ethics"
        # The next year's campaign, the same raters, answered and closed.
        later = campaigns.create(session, "Next", TODAY + dt.timedelta(days=400), app.extensions["survey.instruments"],
                                 repeat_reason="The next round")
        earlier = campaigns.get(session, closed)
        for assessment in earlier.assessments:
            target = next(a for a in later.assessments if a.assessee_id == assessment.assessee_id)
            for rater in assessment.raters:
                session.add(Rater(assessment_id=target.id, rater_id=rater.rater_id, relation=rater.relation))
        session.flush()
        approve_and_open(session, later)
    with store.transaction() as session:
        from conftest import submit_points
        from survey.core.models import Invitation

        for invitation in session.scalars(select(Invitation).join(Assessment).where(
                Assessment.campaign_id == later.id)):
            submit_points(session, app.extensions["survey.instruments"][invitation.assessment.instrument],
                          invitation, 2)
    close_campaign(runner, "Next")
    links = publish(hr_client, store, "Next")
    own = client.get(links["S1"] + "?lang=en").get_data(as_text=True)
    section = own[own.index("Your previous plan"):]
    assert f"Your previous plan ({closed})" in own and "Chair two unit meetings" in section
    assert re.search(r"then \d,\d\d, now \d,\d\d|then \d\.\d\d, now \d\.\d\d", section)


def test_long_lists_come_a_page_at_a_time_with_a_search(monkeypatch, hr_client, store, closed):
    from survey.web.common import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 3)
    campaign_id = campaign_ids(store, closed)["S1"][0]
    for path in (f"/hr/campaigns/{campaign_id}", f"/hr/campaigns/{campaign_id}/reports"):
        first = hr_client.get(path + "?lang=en").get_data(as_text=True)
        assert "Page 1 of 3 (7 in all)" in first and 'rel="next"' in first
        last = hr_client.get(path + "?lang=en&page=3").get_data(as_text=True)
        assert "Page 3 of 3 (7 in all)" in last and 'rel="next"' not in last
        names = {n for n in ("Director", "Head One", *(f"Servant {i}" for i in range(1, 6)))}
        seen = [n for n in names if n in first] + [n for n in names if n in last]
        assert len(seen) == 4  # three on the first page, one on the last
        found = hr_client.get(path + "?lang=en&q=servant+4").get_data(as_text=True)
        assert "Servant 4" in found and "Servant 3" not in found
