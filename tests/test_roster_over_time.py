"""A body's roster over the years and the campaigns made from it (order No. 260, paras 5-7, 11, 34,
36): who is assessed and how, the snapshot a campaign keeps, who may rate, the schedule and dates."""
from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from sqlalchemy import select, update

from conftest import answer_all, approve_and_open, close_campaign, person_row, prepared, small_body
from survey.campaigns import eligibility, exclusions, opening, people, raters, roster
from survey.campaigns import lifecycle as campaigns
from survey.core.models import Assessment, Campaign, Exclusion, Invitation, Person, Rater
from survey.core.tables import Row

TODAY = dt.date.today()
YEAR = TODAY.year


def standing_row(number, eid, name, role, manager="", **extra):
    row = person_row(number, eid, name, role, manager)
    row.values.update({k: v for k, v in extra.items()})
    return row


def body_with_standing(**by_eid) -> list[Row]:
    """``small_body`` with time and status columns; ``by_eid`` sets them for some people."""
    rows = []
    for row in small_body():
        values = dict(row.values, in_post_since="", status="", status_since="", status_until="", category="")
        values.update(by_eid.get(row.values["employee_id"], {}))
        rows.append(Row(row.number, values))
    return rows


def load(store, rows, **kw):
    with store.transaction() as session:
        return people.apply_rows(session, roster.validate(rows, "body", people.managers(session),
                                                          departed=people.departed(session), **kw), **kw)


def create(app, store, name="Year", **kw):
    with store.transaction() as session:
        campaign = campaigns.create(session, name, TODAY + dt.timedelta(days=10), app.extensions["survey.instruments"],
                                    **kw)
        return campaign.id


def staff_raters(session, campaign, extra=()):
    rows = [Row(i, {"assessee_id": s.assessee_id, "rater_id": s.rater_id, "relation": s.relation})
            for i, s in enumerate(raters.suggest_for(session, campaign), 2)]
    rows += [Row(90 + i, {"assessee_id": a, "rater_id": r, "relation": rel}) for i, (a, r, rel) in enumerate(extra)]
    raters.apply(session, campaign, rows, "raters")


def assessment_of(session, campaign_id, eid) -> Assessment | None:
    return session.scalar(select(Assessment).join(Person, Person.id == Assessment.assessee_id)
                          .where(Assessment.campaign_id == campaign_id, Person.employee_id == eid))


# --- the rules, as plain Python ----------------------------------------------------------------------

class Standing:
    def __init__(self, in_post_since=None, status="active", status_since=None, status_until=None):
        self.in_post_since, self.status = in_post_since, status
        self.status_since, self.status_until = status_since, status_until


@pytest.mark.parametrize("appointed, assessed", [
    (dt.date(2026, 10, 1), True),    # 1 Oct to 31 Dec: three months exactly
    (dt.date(2026, 10, 2), False),   # a day short
    (dt.date(2019, 5, 5), True),     # long in post
    (dt.date(2027, 1, 5), False),    # appointed after the period
])
def test_three_months_in_post_in_the_period(appointed, assessed):
    decision = eligibility.decide(Standing(appointed), 2026, dt.date(2027, 1, 3))
    assert decision.assessed is assessed
    assert decision.rule == ("" if assessed else "short-tenure")


def test_absence_during_the_assessment_means_without_participation():
    today = dt.date(2026, 12, 20)
    on_leave = eligibility.decide(Standing(status="leave", status_until=dt.date(2027, 1, 15)), 2026, today)
    assert (on_leave.assessed, on_leave.participation, on_leave.absence) == (True, "without", "leave")
    back = eligibility.decide(Standing(status="sick", status_until=dt.date(2026, 12, 1)), 2026, today)
    assert (back.assessed, back.participation) == (True, "full")
    open_ended = eligibility.decide(Standing(status="trip"), 2026, today)
    assert open_ended.participation == "without"


def test_dismissed_in_the_period_is_assessed_without_participation_and_before_it_not_at_all():
    today = dt.date(2027, 1, 5)
    during = eligibility.decide(Standing(dt.date(2015, 1, 1), "dismissed", dt.date(2026, 9, 30)), 2026, today)
    assert (during.assessed, during.participation, during.absence) == (True, "without", "dismissed")
    before = eligibility.decide(Standing(dt.date(2015, 1, 1), "dismissed", dt.date(2025, 12, 1)), 2026, today)
    assert not before.assessed
    # Appointed in September and gone in October: under three months in post in the period.
    short = eligibility.decide(Standing(dt.date(2026, 9, 1), "dismissed", dt.date(2026, 10, 15)), 2026, today)
    assert (short.assessed, short.rule) == (False, "short-tenure")


@pytest.mark.parametrize("text, role", [("C-4", "servant"), ("с-о-1", "head"), ("D-1", "head"), ("E-3", "servant"),
                                        ("D-3", None), ("С-3", None)])
def test_categories_decide_the_questionnaire_except_those_that_may_head_a_unit(text, role):
    from survey.campaigns import categories

    category = categories.normalise(text)
    assert categories.is_valid(category)
    assert categories.role_of(category) == role


# --- the roster file ----------------------------------------------------------------------------------

def test_roster_columns_of_time_and_status_in_both_languages_and_date_forms(store):
    rows = body_with_standing(S1={"in_post_since": "01.03.2024", "status": "Демалыс", "status_since": "2026-11-01",
                                  "status_until": "15.01.2027"},
                              S2={"status": "командировка"}, S3={"category": "с-4", "in_post_since": "45000"})
    load(store, rows)
    with store.transaction() as session:
        got = {p.employee_id: (p.status, p.in_post_since, p.status_since, p.status_until, p.category)
               for p in session.scalars(select(Person))}
    assert got["S1"] == ("leave", dt.date(2024, 3, 1), dt.date(2026, 11, 1), dt.date(2027, 1, 15), "")
    assert got["S2"][0] == "trip"
    assert got["S3"] == ("active", dt.date(2023, 3, 15), None, None, "C-4")  # an Excel date cell's serial number
    assert got["S4"][0] == "active"


def test_every_roster_problem_of_time_is_named_and_nothing_is_imported(store):
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    rows = body_with_standing(
        S1={"status": "on holiday"}, S2={"in_post_since": future}, S3={"status": "leave", "status_since": "2026-10-10",
                                                                       "status_until": "2026-10-01"},
        S4={"category": "D-1"}, S5={"in_post_since": "31.02.2026"})
    with pytest.raises(roster.RosterErrors) as caught:
        roster.validate(rows, "body.csv", {})
    messages = [str(e) for e in caught.value.errors]
    assert messages == [
        "body.csv:5: status 'on holiday' is not one of: active, leave, sick, trip, training, dismissed",
        f"body.csv:6: in_post_since {future} is in the future",
        "body.csv:7: status_until 2026-10-01 is before the status began (2026-10-10)",
        "body.csv:8: category D-1 is a unit head's (order No. 260, para 2), but role is servant",
        "body.csv:9: in_post_since '31.02.2026' is not a date (YYYY-MM-DD or DD.MM.YYYY)"]
    assert store_is_empty(store)


def store_is_empty(store) -> bool:
    with store.transaction() as session:
        return session.scalars(select(Person)).first() is None


def test_a_manager_who_has_left_is_refused(store):
    rows = body_with_standing(H1={"status": "dismissed", "status_since": "2026-06-30"})
    with pytest.raises(roster.RosterErrors) as caught:
        roster.validate(rows, "body.csv", {})
    assert [str(e) for e in caught.value.errors] == [
        f"body.csv:{n}: manager_id 'H1' names someone who has left; give the current manager" for n in range(5, 10)]


def test_a_whole_body_import_marks_who_it_leaves_out_as_gone_and_brings_back_who_returns(store, runner, tmp_path):
    load(store, small_body())
    header = "employee_id,full_name,position,unit,role,manager_id,email,language\n"
    without_s5 = header + "".join(f"{r.values['employee_id']},{r.values['full_name']},Expert,Unit A,{r.values['role']},"
                                  f"{r.values['manager_id']},,kk\n" for r in small_body()[:-1])
    (tmp_path / "now.csv").write_text(without_s5, encoding="utf-8")
    result = runner.invoke("roster", "import", str(tmp_path / "now.csv"), "--whole-body")
    assert result.exit_code == 0 and "1 marked as having left" in result.output
    with store.transaction() as session:
        s5 = session.scalar(select(Person).where(Person.employee_id == "S5"))
        assert (s5.status, s5.status_since) == ("dismissed", TODAY)
    everyone = without_s5 + "S5,Servant 5,Expert,Unit A,servant,H1,,kk\n"
    (tmp_path / "back.csv").write_text(everyone, encoding="utf-8")
    assert runner.invoke("roster", "import", str(tmp_path / "back.csv"), "--whole-body").exit_code == 0
    with store.transaction() as session:
        assert session.scalar(select(Person.status).where(Person.employee_id == "S5")) == "active"
    # A whole-body file that drops a manager but keeps their staff is refused whole.
    (tmp_path / "headless.csv").write_text(header + "".join(line + "\n" for line in everyone.splitlines()[1:]
                                                            if not line.startswith("H1,")), encoding="utf-8")
    refused = runner.invoke("roster", "import", str(tmp_path / "headless.csv"), "--whole-body")
    assert refused.exit_code == 1 and "manager_id 'H1' names someone who has left" in refused.output
    with store.transaction() as session:
        assert session.scalar(select(Person.status).where(Person.employee_id == "H1")) == "active"


# --- who a campaign assesses ---------------------------------------------------------------------------

def test_three_months_short_is_not_assessed_and_is_listed_with_the_reason(app, store):
    recent = (TODAY - dt.timedelta(days=20)).isoformat()
    load(store, body_with_standing(S5={"in_post_since": recent}))
    campaign_id = create(app, store, period=YEAR)
    with store.transaction() as session:
        campaign = session.get(Campaign, campaign_id)
        assert assessment_of(session, campaign_id, "S5") is None
        assert [(e.person.employee_id, e.rule) for e in campaign.exclusions] == [("S5", "short-tenure")]
        assert [(line.employee_id, line.kind) for line in exclusions.listing(session, campaign)] == [("S5", "short-tenure")]
        # HR may take them in, the reason recorded, and leave someone else out.
        exclusions.include(session, campaign, "S5", "Acting head of the unit since October")
        exclusions.exclude(session, campaign, "S4", "Seconded to the ministry for the year")
        lines = {(line.employee_id, line.kind, line.detail) for line in exclusions.listing(session, campaign)}
    assert lines == {("S5", "included", "Acting head of the unit since October"),
                     ("S4", "by-hand", "Seconded to the ministry for the year")}


def test_on_leave_is_assessed_without_self_assessment_and_invites_no_one(app, store):
    until = (TODAY + dt.timedelta(days=40)).isoformat()
    load(store, body_with_standing(S3={"status": "leave", "status_until": until}))
    campaign_id = create(app, store)
    with store.transaction() as session:
        campaign = session.get(Campaign, campaign_id)
        s3 = assessment_of(session, campaign_id, "S3")
        assert (s3.participation, s3.absence) == ("without", "leave")
        staff_raters(session, campaign, [("D1", "S1", "peer"), ("D1", "S2", "peer")])
        chosen = session.scalars(select(Rater).join(Person, Person.id == Rater.rater_id)
                                 .where(Person.employee_id == "S3")).all()
        assert chosen == []  # never suggested
        with pytest.raises(campaigns.CampaignError, match="away or has left"):
            raters.add_by_employee_id(session, campaign, assessment_of(session, campaign_id, "S1"), "S3", "peer")
        approve_and_open(session, campaign)
        invited = session.execute(select(Person.employee_id, Invitation.relation)
                                  .join(Person, Person.id == Invitation.rater_id)
                                  .join(Assessment, Assessment.id == Invitation.assessment_id)
                                  .where(Assessment.campaign_id == campaign_id)).all()
    assert ("S3", "self") not in invited and not [r for r in invited if r[0] == "S3"]
    assert len([r for r in invited if r[1] == "self"]) == 6  # everyone else answers about themself
    assert s3.raters  # their colleagues still answer about them


def test_a_rater_who_goes_on_leave_before_opening_is_not_invited_and_is_listed(app, store):
    load(store, small_body())
    campaign_id = create(app, store)
    with store.transaction() as session:
        campaign = session.get(Campaign, campaign_id)
        staff_raters(session, campaign, [("D1", "S1", "peer"), ("D1", "S2", "peer"), ("D1", "S3", "peer")])
        s3 = session.scalar(select(Person).where(Person.employee_id == "S3"))
        people.change_standing(session, s3, {"status": "sick", "status_until": (TODAY + dt.timedelta(days=9)).isoformat()})
        ready = opening.readiness(session, campaign, 3, 7)
        assert {(r.rater.employee_id, r.assessment.assessee.employee_id) for r in ready.withheld} == {
            ("S3", "D1"), ("S3", "H1"), ("S3", "S1"), ("S3", "S2"), ("S3", "S4"), ("S3", "S5")}
        approve_and_open(session, campaign)
        assert not session.scalars(select(Invitation).where(Invitation.rater_id == s3.id,
                                                            Invitation.relation != "self")).all()


def test_dismissed_is_assessed_without_participation(app, store):
    load(store, body_with_standing(S2={"status": "dismissed", "status_since": dt.date(YEAR, 1, 31).isoformat()}))
    campaign_id = create(app, store, period=YEAR)
    with store.transaction() as session:
        s2 = assessment_of(session, campaign_id, "S2")
        assert (s2.participation, s2.absence) == ("without", "dismissed")
        campaign = session.get(Campaign, campaign_id)
        staff_raters(session, campaign, [("D1", "S1", "peer"), ("D1", "S3", "peer")])
        approve_and_open(session, campaign)
        assert session.scalars(select(Invitation).where(Invitation.rater_id == s2.assessee_id)).all() == []


def test_scope_of_chosen_units_and_the_second_campaign_of_a_year(app, store):
    rows = small_body() + [person_row(9, "B1", "Other Unit Head", "head", "D1", unit="Unit B")]
    load(store, rows)
    with store.transaction() as session:
        with pytest.raises(campaigns.CampaignError, match="no one on the roster works in: Unit Z"):
            campaigns.create(session, "Z", TODAY + dt.timedelta(days=5), app.extensions["survey.instruments"],
                             units=["Unit Z"])
    first = create(app, store, "Unit B only", units=["Unit B"], period=YEAR)
    with store.transaction() as session:
        assert [a.assessee.employee_id for a in session.get(Campaign, first).assessments] == ["B1"]
        with pytest.raises(campaigns.CampaignError, match="para 34") as caught:
            campaigns.create(session, "Everyone", TODAY + dt.timedelta(days=5), app.extensions["survey.instruments"],
                             period=YEAR)
        assert [str(d) for d in caught.value.details] == ["B1 Other Unit Head: in 'Unit B only'"]
    again = create(app, store, "Everyone", period=YEAR, repeat_reason="The first round was annulled by order No. 12")
    with store.transaction() as session:
        campaign = session.get(Campaign, again)
        assert len(campaign.assessments) == 8 and campaign.repeat_reason.startswith("The first round")


# --- frozen at creation -------------------------------------------------------------------------------

def _normalised(text: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*value="[^"]+"|value="[^"]+"([^>]*name="csrf_token")', "", text)


def _xlsx_cells(data: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [[cell for cell in row] for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def test_a_move_after_closing_changes_no_figure_of_the_closed_campaign(app, store, open_campaign, runner, staff, tmp_path):
    answer_all(app, store)
    close_campaign(runner, open_campaign)
    hr, head, trainer = staff("hr"), staff("hr-head"), staff("trainer")
    with store.transaction() as session:
        campaign = campaigns.get(session, open_campaign)
        cid = campaign.id
        aids = [a.id for a in campaign.assessments]
    pages = [(hr, f"/hr/campaigns/{cid}"), (head, f"/hr/campaigns/{cid}/reports"), (trainer, f"/trainer/?campaign={cid}"),
             (trainer, f"/trainer/?campaign={cid}&unit=Unit+A"), (head, f"/hr/quality/?campaign={cid}")]
    pages += [(head, f"/hr/campaigns/{cid}/reports/{aid}") for aid in aids]
    files = [(hr, f"/hr/campaigns/{cid}/results.xlsx"), (trainer, f"/trainer/needs.xlsx?campaign={cid}"),
             (head, f"/hr/quality/{cid}/quality.xlsx")]

    def snapshot():
        shown = []
        for client, url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            shown.append(_normalised(response.get_data(as_text=True)))
        for client, url in files:
            response = prepared(client, url)
            assert response.status_code == 200, url
            shown.append(_xlsx_cells(response.data))
        out = tmp_path / "results.csv"
        assert runner.invoke("results", "export", open_campaign, "--out", str(out)).exit_code == 0
        shown.append(out.read_text(encoding="utf-8-sig"))
        return shown

    before = snapshot()
    assert any("Servant 3" in str(item) and "Unit A" in str(item) for item in before)
    # S3 moves to another unit under another manager, is renamed and promoted; H1 leaves.
    with store.transaction() as session:
        d1 = session.scalar(select(Person.id).where(Person.employee_id == "D1"))
        session.execute(update(Person).where(Person.employee_id == "S3").values(
            unit="Unit B", full_name="Servant Three-Renamed", position="Head of sector", role="head", manager_id=d1))
        session.execute(update(Person).where(Person.employee_id == "H1").values(status="dismissed",
                                                                                status_since=TODAY))
    after = snapshot()
    for old, new in zip(before, after):
        assert old == new
    assert not any("Renamed" in str(item) or "Unit B" in str(item) for item in after)


def test_the_snapshot_is_taken_at_creation_and_kept_in_a_draft(app, store):
    load(store, small_body())
    campaign_id = create(app, store)
    with store.transaction() as session:
        session.execute(update(Person).where(Person.employee_id == "S1").values(unit="Unit B", full_name="Moved"))
    with store.transaction() as session:
        s1 = assessment_of(session, campaign_id, "S1")
        h1 = session.scalar(select(Person.id).where(Person.employee_id == "H1"))
        assert (s1.full_name, s1.unit, s1.position, s1.manager_id, s1.instrument) == ("Servant 1", "Unit A", "Expert",
                                                                                    h1, "servant")


# --- who rates (para 36) -------------------------------------------------------------------------------

def test_opening_refuses_a_missing_direct_manager_and_a_wrong_relation_naming_them(app, store):
    load(store, small_body())
    campaign_id = create(app, store)
    with store.transaction() as session:
        campaign = session.get(Campaign, campaign_id)
        staff_raters(session, campaign, [("D1", "S1", "peer"), ("D1", "S2", "peer")])
        s1 = assessment_of(session, campaign_id, "S1")
        # The file import and the page refuse a wrong relation at once ...
        with pytest.raises(raters.RaterErrors, match="Servant 2 is not the direct manager of Servant 1"):
            raters.apply(session, campaign, [Row(2, {"assessee_id": "S1", "rater_id": "S2", "relation": "manager"})],
                         "fix.csv")
        s2 = assessment_of(session, campaign_id, "S2")
        raters.remove(session, campaign, next(r for r in s2.raters if r.rater.employee_id == "H1"))
        session.expire(s2, ["raters"])
        with pytest.raises(campaigns.CampaignError, match="Head One is the direct manager of Servant 2"):
            raters.add_by_employee_id(session, campaign, s2, "H1", "peer")
        raters.add_by_employee_id(session, campaign, s2, "H1", "manager")
        # ... and opening finds those that got in another way, with a missing manager.
        manager = next(r for r in s1.raters if r.relation == "manager")
        session.delete(manager)
        s2_peer = next(r for r in s1.raters if r.rater.employee_id == "S2")
        s2_peer.relation = "subordinate"
        session.add(Rater(assessment=s1, rater=session.scalar(select(Person).where(Person.employee_id == "D1")),
                          relation="peer"))
        session.flush()
        session.expire(s1, ["raters"])
        campaigns.approve(session, campaign, "Akim", TODAY)
        with pytest.raises(campaigns.CampaignError, match="para 36") as caught:
            campaigns.open_(session, campaign)
        assert sorted(str(d) for d in caught.value.details) == [
            "S1 Servant 1: the direct manager Head One is not among the raters",
            "Servant 2 does not report to Servant 1"]
        assert campaign.status == "draft"
        # A recorded reason lets the missing manager stand; the wrong relation must still be fixed.
        raters.record_rule_reason(session, campaign, s1, "Head One is on the appointing commission")
        s2_peer.relation = "peer"
        session.flush()
        assert campaigns.open_(session, campaign) > 0


def test_a_head_with_subordinates_needs_one_among_the_raters(app, store):
    load(store, small_body())
    campaign_id = create(app, store)
    with store.transaction() as session:
        campaign = session.get(Campaign, campaign_id)
        h1 = assessment_of(session, campaign_id, "H1")
        rows = [Row(2, {"assessee_id": "H1", "rater_id": "D1", "relation": "manager"})]
        raters.apply(session, campaign, rows, "h1.csv")
        ready = opening.readiness(session, campaign, 1, 7)
        assert "H1 Head One: a unit head with 5 subordinate(s), none among the raters" in [str(p) for p in ready.rules]
        assert h1.raters


def test_suggestions_prefer_the_same_unit_and_level(app, store):
    rows = [person_row(2, "D1", "Director", "head"), person_row(3, "H1", "Head A", "head", "D1", unit="Unit A"),
            person_row(4, "H2", "Head B", "head", "D1", unit="Unit B"),
            person_row(5, "X1", "Adviser", "servant", "D1", unit="Unit A"),
            person_row(6, "H3", "Head A2", "head", "D1", unit="Unit A")]
    load(store, rows)
    campaign_id = create(app, store)
    with store.transaction() as session:
        suggestion = [(s.rater_id, s.relation) for s in raters.suggest_for(session, session.get(Campaign, campaign_id))
                      if s.assessee_id == "H1"]
    assert suggestion == [("D1", "manager"), ("H3", "peer"), ("X1", "peer"), ("H2", "peer")]


# --- the schedule and the dates (paras 5, 11) ---------------------------------------------------------

def test_dates_approval_and_deleting_a_draft(app, store, runner):
    load(store, small_body())
    instruments = app.extensions["survey.instruments"]
    with store.transaction() as session:
        with pytest.raises(campaigns.CampaignError, match="has already passed"):
            campaigns.create(session, "Late", TODAY - dt.timedelta(days=1), instruments)
    campaign_id = create(app, store, period=YEAR)
    with store.transaction() as session:
        campaign = session.get(Campaign, campaign_id)
        staff_raters(session, campaign, [("D1", "S1", "peer"), ("D1", "S2", "peer")])
        with pytest.raises(campaigns.CampaignError, match="para 11"):
            campaigns.open_(session, campaign)
        with pytest.raises(campaigns.CampaignError, match="in the future"):
            campaigns.approve(session, campaign, "Akim", TODAY + dt.timedelta(days=1))
        with pytest.raises(campaigns.CampaignError, match="already passed"):
            campaigns.extend(session, campaign, TODAY - dt.timedelta(days=1))
        campaign.closes_on = dt.date(YEAR + 1, 1, 20)
        assert "para 5" in str(campaigns.late_warning(campaign))
        campaign.closes_on = dt.date(YEAR + 1, 1, 10)
        assert campaigns.late_warning(campaign) is None
    assert runner.invoke("campaign", "approve", "Year", "--by", "Аппарат басшысы", "--on", TODAY.isoformat()).exit_code == 0
    shown = runner.invoke("campaign", "show", "Year")
    assert "Schedule approved: Аппарат басшысы" in shown.output
    assert runner.invoke("campaign", "delete", "Year").exit_code == 0
    with store.transaction() as session:
        assert session.get(Campaign, campaign_id) is None
        assert session.scalars(select(Exclusion)).all() == [] and session.scalars(select(Assessment)).all() == []
        assert len(session.scalars(select(Person)).all()) == 7  # the roster stays


def test_an_open_campaign_cannot_be_deleted(runner, open_campaign):
    result = runner.invoke("campaign", "delete", open_campaign)
    assert result.exit_code == 1 and "is open; this needs it to be draft" in result.output


def test_the_cli_creates_for_a_period_and_units_and_excludes_with_a_reason(app, store, runner):
    load(store, small_body() + [person_row(9, "B1", "Other Unit Head", "head", "D1", unit="Unit B")])
    closes = (TODAY + dt.timedelta(days=9)).isoformat()
    created = runner.invoke("campaign", "create", "A", "--closes", closes, "--period", str(YEAR), "--units", "Unit A")
    assert created.exit_code == 0, created.output
    assert f"for {YEAR} created with 7 assessees" in created.output
    excluded = runner.invoke("campaign", "exclude", "A", "S5", "--reason", "Long-term secondment")
    assert excluded.exit_code == 0, excluded.output
    shown = runner.invoke("campaign", "show", "A")
    assert "Not assessed: S5 Servant 5 (Long-term secondment)" in shown.output
    assert "Scope: Unit A" in shown.output
    refused = runner.invoke("campaign", "exclude", "A", "S4", "--reason", " ")
    assert refused.exit_code == 1 and "give the reason" in refused.output


# --- the browser ---------------------------------------------------------------------------------------

def test_hr_edits_a_status_in_the_browser_and_it_is_audited(app, store, hr_client):
    from conftest import csrf
    from survey.core.models import AuditEntry

    load(store, small_body())
    with store.transaction() as session:
        s2 = session.scalar(select(Person).where(Person.employee_id == "S2"))
    path = f"/hr/people/{s2.id}"
    bad = hr_client.post(path, data={"csrf_token": csrf(hr_client, path), "status": "leave",
                                     "status_since": "2026-10-10", "status_until": "2026-10-01", "category": ""})
    assert bad.status_code == 422 and "before the status began" in bad.get_data(as_text=True)
    good = hr_client.post(path, data={"csrf_token": csrf(hr_client, path), "status": "leave",
                                      "status_since": "2026-10-10", "status_until": "2027-02-01", "category": "C-4"})
    assert good.status_code == 302
    with store.transaction() as session:
        s2 = session.get(Person, s2.id)
        assert (s2.status, s2.status_until, s2.category) == ("leave", dt.date(2027, 2, 1), "C-4")
        assert session.scalar(select(AuditEntry.detail).where(AuditEntry.action == "person-standing")).startswith("S2: leave")
    listed = hr_client.get("/hr/people?q=S2&lang=ru").get_data(as_text=True)
    assert "В отпуске" in listed


def test_hr_creates_approves_excludes_and_deletes_in_the_browser(app, store, hr_client):
    from conftest import csrf

    load(store, small_body())
    created = hr_client.post("/hr/campaigns", data={"csrf_token": csrf(hr_client, "/hr/"), "name": "Web",
                                                    "closes": (TODAY + dt.timedelta(days=9)).isoformat(),
                                                    "period": str(YEAR), "units": ["Unit A"]})
    assert created.status_code == 302
    page_path = created.headers["Location"]
    excluded = hr_client.post(page_path + "/exclude", data={"csrf_token": csrf(hr_client, page_path),
                                                            "employee_id": "S5", "reason": "Secondment"})
    assert excluded.status_code == 302
    page = hr_client.get(page_path + "?lang=kk").get_data(as_text=True)
    assert "Secondment" in page and "S5" in page
    confirm = hr_client.get(page_path + "/delete")
    assert confirm.status_code == 200
    deleted = hr_client.post(page_path + "/delete", data={"csrf_token": csrf(hr_client, page_path + "/delete")})
    assert deleted.status_code == 302
    with store.transaction() as session:
        assert session.scalars(select(Campaign)).all() == []


# --- the migration ---------------------------------------------------------------------------------------

def test_the_migration_gives_existing_campaigns_their_snapshot_and_period(app, store, open_campaign):
    store.downgrade("0006")
    with store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE people SET unit = 'Unit Q' WHERE employee_id = 'S4'")
    store.upgrade()
    with store.transaction() as session:
        campaign = campaigns.get(session, open_campaign)
        s4 = next(a for a in campaign.assessments if a.assessee.employee_id == "S4")
        h1 = session.scalar(select(Person.id).where(Person.employee_id == "H1"))
        assert (s4.unit, s4.full_name, s4.manager_id, s4.participation) == ("Unit Q", "Servant 4", h1, "full")
        assert campaign.period == campaigns.default_period(campaign.closes_on)
        assert session.scalar(select(Person.status).where(Person.employee_id == "S4")) == "active"
