"""The methodologist's view: figures read from a closed campaign, compared with hand computations;
anonymity (thresholds, closed campaigns only, no names); the HR head only; XLSX, charts and CLI.

The fixture (``small_body``): servants S1..S5 have five raters each, the heads D1 and H1 three and
six. Servants' raters answer ``ethics`` with the rows below, ``cooperation`` with 5 everywhere and
every other competency with 4 everywhere. S4 gets two responses only (withheld, so excluded) and S5
none; the heads answer too, but two heads are fewer than the threshold of three assessees.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import re

import openpyxl
import pytest
from sqlalchemy import select

from conftest import ROOT, prepared, staff_and_open, wait_for_jobs
from survey.campaigns import lifecycle as campaigns, respond
from survey.quality import charts as quality_charts, figures as quality, gather
from survey.results import scoring
from survey.core import instruments as instrument_files
from survey.core.models import Assessment, AuditEntry, Campaign, Invitation, Job, Person

ETHICS = {
    "S1": [(5, 4, 5), (4, 4, 4), (5, 5, 4)],
    "S2": [(3, 3, 2), (2, 3, 3), (3, 2, 2)],
    "S3": [(4, 3, 4), (3, 3, 3), (5, 4, 4)],
    "S4": [(1, 1, 1), (1, 1, 1)],  # two respondents: withheld, so it must change nothing below
}
SELF_ETHICS = {"S1": (5, 5, 5), "S2": (4, 4, 4), "S3": (4, 4, 5), "S4": (5, 5, 5)}
LENIENT = "cooperation"
NAMES = ["Director", "Head One"] + [f"Servant {i}" for i in range(1, 6)]
IDS = re.compile(r"\b(?:S[1-5]|H1|D1)\b")
NAN = re.compile(r"\b(?:nan|inf)\b", re.IGNORECASE)

# --- hand computations for ``ethics`` over S1, S2, S3 (nine responses, 27 answers) ------------------
# answers: sum 96, sum of squares 366 -> mean 32/9, SS = 366 - 96²/27 = 74/3, SD = sqrt(74/3 / 26)
MEAN = 32 / 9
SD = math.sqrt(37 / 39)
SHARES = (0, 4 / 27, 9 / 27, 9 / 27, 5 / 27)  # points 1..5 given 0, 4, 9, 9, 5 times
# questions' SS 86/9, 56/9, 74/9; totals 14 12 14 8 8 7 11 9 13, SS 60 -> alpha = 3/2 (1 - 216/540)
ALPHA = 0.9
ITEM_REST = (115 / math.sqrt(86 * 224), 100 / math.sqrt(56 * 284), 109 / math.sqrt(74 * 248))
ALPHA_WITHOUT = (47 / 56, 62 / 71, 53 / 62)
# respondents' means: S1 14/3 4 14/3, S2 8/3 8/3 7/3, S3 11/3 3 13/3; assessees' means 40/9, 23/9, 33/9
# SSB = 3 ((8/9)² + 1 + (1/9)²) = 146/27, MSB = 73/27; SSW = 102/81, MSW = 17/81; k0 = 3
ICC1 = 202 / 253
ICC2 = 202 / 219
BETWEEN_SD = math.sqrt(73) / 9  # SD of 40/9, 23/9, 33/9
WITHIN_SD = math.sqrt(17) / 9
# self 5, 4, 13/3 against others 40/9, 23/9, 11/3: mean self 40/9, mean others 32/9, gap 8/9
SELF_MEAN, OTHERS_MEAN, GAP = 40 / 9, 32 / 9, 8 / 9
# overall (mean of the 8 competencies; self and others equal on the other seven):
# differences (5 - 40/9)/8, (4 - 23/9)/8, (13/3 - 11/3)/8 = 5/72, 13/72, 6/72 -> mean 1/9
GROUP_GAP = 1 / 9


def points(competency_id, ethics):
    if competency_id == "ethics":
        return ethics
    return (5, 5, 5) if competency_id == LENIENT else (4, 4, 4)


def _form(instrument, ethics):
    form = {}
    for competency in instrument.competencies:
        for question, value in zip(competency.questions, points(competency.id, ethics)):
            form[question.id] = str(value)
    return form


def answer(app, store, campaign_name, assessee, rows, own=None):
    """Submit one invitation about ``assessee`` per row of ``rows`` (its ethics answers)."""
    instrument_set = app.extensions["survey.instruments"]
    with store.transaction() as session:
        invitations = session.scalars(
            select(Invitation).join(Assessment, Assessment.id == Invitation.assessment_id)
            .join(Campaign, Campaign.id == Assessment.campaign_id)
            .join(Person, Person.id == Assessment.assessee_id)
            .where(Person.employee_id == assessee, Campaign.name == campaign_name).order_by(Invitation.id)).all()
        instrument = instrument_set[invitations[0].assessment.instrument]
        others = [i for i in invitations if i.relation != "self"]
        assert len(others) >= len(rows)
        for invitation, ethics in zip(others, rows):
            respond.submit(session, invitation, respond.read_answers(instrument, _form(instrument, ethics)))
        if own is not None:
            invitation = next(i for i in invitations if i.relation == "self")
            respond.submit(session, invitation, respond.read_answers(instrument, _form(instrument, own)))


def answer_body(app, store, name, ethics=ETHICS, own=SELF_ETHICS):
    for assessee, rows in ethics.items():
        answer(app, store, name, assessee, rows, own.get(assessee))
    answer(app, store, name, "H1", [(4, 4, 4)] * 6, (4, 4, 4))
    answer(app, store, name, "D1", [(4, 4, 4)] * 3, (4, 4, 4))


@pytest.fixture
def closed_campaign(app, store, open_campaign, runner):
    answer_body(app, store, open_campaign)
    assert runner.invoke("campaign", "close", open_campaign).exit_code == 0
    return open_campaign


def campaign_quality(app, store, name, threshold=None):
    with store.transaction() as session:
        return gather.campaign_quality(session, campaigns.get(session, name), app.extensions["survey.instruments"],
                                        threshold=threshold or app.config["ANONYMITY_THRESHOLD"])


def earlier_campaign(app, store, runner, name="Test 2025"):
    """A second closed campaign over the same body, closing earlier: everyone very lenient on ethics."""
    instrument_set = app.extensions["survey.instruments"]
    with store.transaction() as session:
        campaign = campaigns.create(session, name, dt.date.today() + dt.timedelta(days=5), instrument_set,
                                    repeat_reason="An earlier round")
        staff_and_open(session, campaign)
    lenient = {"S1": [(5, 5, 5)] * 3, "S2": [(5, 5, 5), (5, 5, 5), (4, 4, 4)], "S3": [(5, 5, 5)] * 3}
    answer_body(app, store, name, ethics=lenient, own={k: (5, 5, 5) for k in lenient})
    assert runner.invoke("campaign", "close", name).exit_code == 0
    return name


# --- figures against the hand computation -----------------------------------------------------------

def test_competency_figures_match_the_hand_computation(app, store, closed_campaign):
    servants = campaign_quality(app, store, closed_campaign).group("servant")
    ethics = servants.competency("ethics")
    assert (ethics.assessees, ethics.responses, ethics.answers) == (3, 9, 27)
    assert ethics.mean == pytest.approx(MEAN) and ethics.sd == pytest.approx(SD)
    assert ethics.shares == pytest.approx(SHARES)
    assert ethics.alpha == pytest.approx(ALPHA)
    assert ethics.agreement.icc1 == pytest.approx(ICC1) and ethics.agreement.icc2 == pytest.approx(ICC2)
    assert ethics.agreement.between_sd == pytest.approx(BETWEEN_SD)
    assert ethics.agreement.within_sd == pytest.approx(WITHIN_SD)


def test_question_figures_match_the_hand_computation(app, store, closed_campaign):
    ethics = campaign_quality(app, store, closed_campaign).group("servant").competency("ethics")
    assert [q.question_id for q in ethics.questions] == ["ethics.1", "ethics.2", "ethics.3"]
    assert [q.item_rest for q in ethics.questions] == pytest.approx(ITEM_REST)
    assert [q.alpha_if_deleted for q in ethics.questions] == pytest.approx(ALPHA_WITHOUT)
    # question 1: 5 4 5 3 2 3 4 3 5 -> mean 34/9, SS 86/9, three 5s of nine
    first = ethics.questions[0]
    assert first.mean == pytest.approx(34 / 9) and first.sd == pytest.approx(math.sqrt(86 / 9 / 8))
    assert first.top_share == pytest.approx(3 / 9) and first.answers == 9
    assert not any(q.flags for q in ethics.questions)


def test_self_and_others_gap_matches_the_hand_computation(app, store, closed_campaign):
    servants = campaign_quality(app, store, closed_campaign).group("servant")
    ethics = servants.competency("ethics")
    assert ethics.self_assessees == 3
    assert (ethics.self_mean, ethics.others_mean, ethics.gap) == pytest.approx((SELF_MEAN, OTHERS_MEAN, GAP))
    assert [f.code for f in ethics.flags] == ["over_rating"]
    assert servants.gap == pytest.approx(GROUP_GAP) and servants.self_assessees == 3
    assert servants.flags == ()  # 0.11 points: no group-wide over-rating


def test_withheld_and_missing_assessees_are_excluded(app, store, closed_campaign):
    servants = campaign_quality(app, store, closed_campaign).group("servant")
    # S4 (two respondents) and S5 (none) are left out; their answers would have pulled the mean down.
    assert (servants.assessees, servants.included, servants.excluded) == (5, 3, 2)
    assert servants.responses == 9


def test_a_group_of_fewer_assessees_than_the_threshold_is_withheld(app, store, closed_campaign):
    heads = campaign_quality(app, store, closed_campaign).group("head")
    assert heads.withheld and heads.competencies == () and heads.gap is None
    assert (heads.assessees, heads.included) == (2, 2)


def test_zero_variance_is_not_computable_and_flags_no_discrimination(app, store, closed_campaign):
    communication = campaign_quality(app, store, closed_campaign).group("servant").competency("communication")
    assert communication.mean == 4 and communication.sd == 0
    assert communication.alpha is None
    assert communication.agreement.icc1 is None and communication.agreement.icc2 is None
    assert communication.agreement.between_sd == 0
    assert all(q.item_rest is None and q.alpha_if_deleted is None for q in communication.questions)
    assert [f.code for f in communication.flags] == ["no_discrimination"]


def test_answers_piled_at_the_top_flag_leniency(app, store, closed_campaign):
    cooperation = campaign_quality(app, store, closed_campaign).group("servant").competency(LENIENT)
    assert cooperation.top_share == 1
    assert [f.code for f in cooperation.flags] == ["leniency", "no_discrimination"]


def test_a_single_assessee_gives_no_agreement_figure(app, store, open_campaign, runner):
    # With a threshold of one, a group of one assessee is shown; agreement needs two.
    answer(app, store, open_campaign, "S1", ETHICS["S1"])
    runner.invoke("campaign", "close", open_campaign)
    servants = campaign_quality(app, store, open_campaign, threshold=1).group("servant")
    ethics = servants.competency("ethics")
    assert servants.included == 1
    assert ethics.agreement.icc1 is None and ethics.agreement.icc2 is None and ethics.agreement.between_sd is None
    # S1's rows: questions' SS 2/3 each, totals 14 12 14 with SS 8/3: alpha = 3/2 (1 - 2 / (8/3)) = 3/8
    assert ethics.alpha == pytest.approx(3 / 8)
    assert not any(f.code == "low_agreement" for f in ethics.flags)


def test_self_figures_are_withheld_under_the_threshold(app, store, open_campaign, runner):
    for assessee in ("S1", "S2", "S3"):
        answer(app, store, open_campaign, assessee, ETHICS[assessee], SELF_ETHICS[assessee] if assessee != "S3" else None)
    runner.invoke("campaign", "close", open_campaign)
    servants = campaign_quality(app, store, open_campaign).group("servant")
    assert servants.self_assessees == 2 and servants.gap is None and servants.self_overall is None
    ethics = servants.competency("ethics")
    assert ethics.self_assessees == 2 and ethics.self_mean is None and ethics.gap is None


def test_an_open_campaign_is_refused(app, store, open_campaign):
    answer(app, store, open_campaign, "S1", ETHICS["S1"])
    with pytest.raises(campaigns.CampaignError, match="once it is closed"):
        campaign_quality(app, store, open_campaign)


# --- the analysis on plain values (no database) ---------------------------------------------------

@pytest.fixture(scope="module")
def servant_instrument():
    return instrument_files.load_all(ROOT / "survey" / "questionnaires")["servant"]


def responses(instrument, rows, own=None):
    out = [scoring.ScoredResponse(False, {q: v for q, v in _answers(instrument, row).items()}) for row in rows]
    if own is not None:
        out.append(scoring.ScoredResponse(True, _answers(instrument, own)))
    return out


def _answers(instrument, ethics):
    return {q.id: v for c in instrument.competencies for q, v in zip(c.questions, points(c.id, ethics))}


def test_a_question_that_measures_something_else_is_flagged(servant_instrument):
    # ethics.1 and ethics.2 rise and fall together; ethics.3 wanders on its own.
    body = [responses(servant_instrument, [(5, 5, 3), (4, 5, 4), (5, 4, 3)]),
            responses(servant_instrument, [(1, 2, 3), (2, 1, 4), (1, 1, 3)]),
            responses(servant_instrument, [(3, 3, 4), (3, 3, 3), (4, 3, 4)])]
    ethics = quality.analyse_group(servant_instrument, body, threshold=3).competency("ethics")
    codes = {f.code for f in ethics.flags}
    assert "low_consistency" in codes
    weak = [q.question_id for q in ethics.questions if any(f.code == "weak_question" for f in q.flags)]
    assert weak == ["ethics.3"]
    assert ethics.questions[2].item_rest < 0.1 and ethics.questions[0].item_rest > 0.8


def test_leniency_needs_more_than_half_at_the_top(servant_instrument):
    # Two respondents per assessee: (5 5 4) and (5 4 4) put 3 of 6 ethics answers at 5, exactly half.
    exactly = [responses(servant_instrument, [(5, 5, 4), (5, 4, 4)]) for _ in range(3)]
    ethics = quality.analyse_group(servant_instrument, exactly, threshold=2).competency("ethics")
    assert ethics.top_share == 0.5 and "leniency" not in {f.code for f in ethics.flags}
    # (5 5 4) twice: 4 of 6.
    above = [responses(servant_instrument, [(5, 5, 4), (5, 5, 4)]) for _ in range(3)]
    ethics = quality.analyse_group(servant_instrument, above, threshold=2).competency("ethics")
    assert ethics.top_share == pytest.approx(4 / 6) and "leniency" in {f.code for f in ethics.flags}


def test_heads_over_rating_more_than_servants_is_named(servant_instrument):
    head = instrument_files.load_all(ROOT / "survey" / "questionnaires")["head"]

    def body(instrument, own_points):
        return [[scoring.ScoredResponse(False, {q.id: 3 for q in instrument.questions})] * 3
                + [scoring.ScoredResponse(True, {q.id: own_points for q in instrument.questions})] for _ in range(3)]

    groups = (quality.analyse_group(head, body(head, 4), threshold=3),
              quality.analyse_group(servant_instrument, body(servant_instrument, 3), threshold=3))
    result = quality.CampaignQuality(1, "x", 3, groups)
    assert groups[0].gap == 1 and groups[1].gap == 0
    assert [f.code for f in groups[0].flags] == ["over_rating"] and groups[1].flags == ()
    assert result.largest_gap().instrument.id == "head"


# --- role boundaries --------------------------------------------------------------------------

def quality_urls(campaign_id=1, other=2):
    return ["/hr/quality/", f"/hr/quality/?campaign={campaign_id}", f"/hr/quality/{campaign_id}/quality.xlsx",
            f"/hr/quality/{campaign_id}/charts/servant/distribution.png",
            f"/hr/quality/compare?a={other}&b={campaign_id}", f"/hr/quality/compare.xlsx?a={other}&b={campaign_id}",
            f"/hr/quality/compare/charts/servant.png?a={other}&b={campaign_id}"]


@pytest.mark.parametrize("role", ["hr", "trainer"])
def test_hr_and_trainers_are_refused(app, store, closed_campaign, runner, staff, role):
    earlier_campaign(app, store, runner)
    client = staff(role)
    for url in quality_urls():
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_sign_in(client, closed_campaign):
    for url in quality_urls():
        response = client.get(url)
        assert response.status_code == 302 and "/hr/login" in response.headers["Location"], url


def test_the_hr_head_reaches_every_page(app, store, closed_campaign, runner, staff):
    earlier_campaign(app, store, runner)
    client = staff("hr-head")
    for url in quality_urls():
        assert prepared(client, url).status_code == 200, url


# --- the page ---------------------------------------------------------------------------------

def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_the_page_shows_the_figures_and_flags_in_plain_words(closed_campaign, staff):
    html = page(staff("hr-head"), "/hr/quality/?lang=en")
    assert "Measurement quality" in html and closed_campaign in html
    assert f"{ALPHA:.2f}" in html and f"{ICC1:.2f}" in html and f"{MEAN:.2f}" in html and f"{SD:.2f}" in html
    assert "Over-rating: assessees rate themselves 0.89 points higher than their raters do" in html
    assert "Leniency: 100% of the answers are the top option" in html
    assert "No discrimination" in html
    assert "not computable" in html  # alpha of the competencies answered 4 by everyone
    assert "withheld: fewer than 3 assessees with enough respondents" in html  # the heads
    assert not NAN.search(html)


def test_the_page_of_an_open_campaign_says_why_nothing_is_shown(app, store, open_campaign, staff):
    with store.transaction() as session:
        campaign_id = campaigns.get(session, open_campaign).id
    client = staff("hr-head")
    response = client.get(f"/hr/quality/?campaign={campaign_id}&lang=en")
    assert response.status_code == 409 and "once it is closed" in response.get_data(as_text=True)
    assert client.get(f"/hr/quality/{campaign_id}/quality.xlsx").status_code == 404
    assert client.get(f"/hr/quality/{campaign_id}/charts/servant/reliability.png").status_code == 404


def test_no_name_appears_in_any_page_chart_or_export(app, store, closed_campaign, runner, staff, tmp_path):
    earlier_campaign(app, store, runner)
    client = staff("hr-head")
    texts = []
    for language in ("kk", "ru", "en"):
        texts += [page(client, f"/hr/quality/?lang={language}"), page(client, f"/hr/quality/compare?a=2&b=1&lang={language}")]
    for kind in quality_charts.CHARTS:
        texts.append(client.get(f"/hr/quality/1/charts/servant/{kind}.svg").get_data(as_text=True))
    texts.append(client.get("/hr/quality/compare/charts/servant.svg?a=2&b=1").get_data(as_text=True))
    for url in ("/hr/quality/1/quality.xlsx", "/hr/quality/compare.xlsx?a=2&b=1"):
        texts.append(xlsx_text(prepared(client, url).data))
    out = tmp_path / "q.xlsx"
    result = runner.invoke("quality", "export", closed_campaign, "--out", str(out), "--compare", "Test 2025",
                           "--charts", str(tmp_path / "charts"))
    texts += [result.output, xlsx_text(out.read_bytes())]
    texts += [p.read_text(encoding="utf-8") for p in (tmp_path / "charts").glob("*.svg")]
    for text in texts:
        for name in NAMES:
            assert name not in text
        assert not IDS.search(text), IDS.search(text)


def xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row
                     if v is not None)


def test_charts_are_png_and_svg(closed_campaign, staff):
    client = staff("hr-head")
    for kind in quality_charts.CHARTS:
        png = client.get(f"/hr/quality/1/charts/servant/{kind}.png")
        assert png.mimetype == "image/png" and png.data[:8] == b"\x89PNG\r\n\x1a\n"
        svg = client.get(f"/hr/quality/1/charts/servant/{kind}.svg?download=1")
        assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
        assert "attachment" in svg.headers["Content-Disposition"]
    assert client.get("/hr/quality/1/charts/head/distribution.png").status_code == 404  # withheld group
    assert client.get("/hr/quality/1/charts/servant/other.png").status_code == 404


# --- the XLSX export --------------------------------------------------------------------------

def sheet_rows(book, title):
    sheet = book[title]
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_xlsx_has_the_figures(app, store, closed_campaign, staff):
    client = staff("hr-head")
    response = prepared(client, "/hr/quality/1/quality.xlsx", lang="en")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["About", "Groups", "Competencies", "Questions", "Flags", "Charts"]
    competencies = {(r["Group"], r["Competency id"]): r for r in sheet_rows(book, "Competencies")}
    ethics = competencies["Corps-B servants", "ethics"]
    expected = {"Assessees": 3, "Responses": 9, "Answers": 27, "Mean": MEAN, "SD": SD, "Cronbach's alpha": ALPHA,
                "SD across assessees": BETWEEN_SD, "SD within assessees": WITHIN_SD, "ICC(1)": ICC1, "ICC(2)": ICC2,
                "Self-assessments": 3, "Mean self": SELF_MEAN, "Mean others": OTHERS_MEAN, "Self minus others": GAP}
    expected.update({f"Share of {p}": s for p, s in zip(range(1, 6), SHARES)})
    for column, value in expected.items():
        assert ethics[column] == pytest.approx(value, abs=1e-4), column
    assert "Over-rating" in ethics["Flags"]
    communication = competencies["Corps-B servants", "communication"]
    assert communication["Cronbach's alpha"] == "not computable" and communication["ICC(1)"] == "not computable"
    assert not any(k[0] == "Unit heads" for k in competencies)  # withheld group: no figures
    questions = {r["Question id"]: r for r in sheet_rows(book, "Questions")}
    for question, r, a in zip(("ethics.1", "ethics.2", "ethics.3"), ITEM_REST, ALPHA_WITHOUT):
        assert questions[question]["Correlation with the rest of its competency"] == pytest.approx(r, abs=1e-4)
        assert questions[question]["Alpha without this question"] == pytest.approx(a, abs=1e-4)
    groups = {r["Group"]: r for r in sheet_rows(book, "Groups")}
    assert groups["Corps-B servants"]["Self minus others"] == pytest.approx(GROUP_GAP, abs=1e-4)
    assert groups["Unit heads"]["Assessees included"] == 2 and "withheld" in groups["Unit heads"]["Flags"]
    flags = {(r["Competency"], r["Flag"]) for r in sheet_rows(book, "Flags")}
    assert ("Cooperation", "leniency") in flags and ("Adherence to ethical norms and principles", "over-rating") in flags
    assert book["Charts"]._images  # the charts are in the workbook too
    assert not NAN.search(xlsx_text(response.data))
    with store.transaction() as session:
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "quality-export")) is not None


def test_the_workbook_is_drawn_by_a_job_once_per_language_and_kept(app, store, closed_campaign, staff):
    """Its charts take about a second to draw: the request returns at once with the page that
    waits, and the file drawn is served to every later download in that language."""
    client = staff("hr-head")
    waiting = client.get("/hr/quality/1/quality.xlsx?lang=ru")
    assert waiting.status_code == 202 and 'http-equiv="refresh"' in waiting.get_data(as_text=True)
    assert "Скачать показатели и диаграммы (.xlsx)" in waiting.get_data(as_text=True)
    wait_for_jobs(store)
    first = client.get("/hr/quality/1/quality.xlsx?lang=ru")
    assert first.status_code == 200 and first.data[:2] == b"PK"
    assert openpyxl.load_workbook(io.BytesIO(first.data)).sheetnames[0] == "Сведения"
    assert client.get("/hr/quality/1/quality.xlsx?lang=ru").data == first.data  # kept, not drawn again
    assert client.get("/hr/quality/1/quality.xlsx?lang=kk").status_code == 202  # another language, another file
    wait_for_jobs(store)
    with store.transaction() as session:
        kinds = session.scalars(select(Job.params).where(Job.kind == "quality-xlsx").order_by(Job.id)).all()
    assert kinds == ['{"language": "ru"}', '{"language": "kk"}']


def test_the_comparison_puts_the_same_figures_side_by_side(app, store, closed_campaign, runner, staff):
    earlier = earlier_campaign(app, store, runner)
    client = staff("hr-head")
    html = page(client, "/hr/quality/compare?a=2&b=1&lang=en")
    assert earlier in html and closed_campaign in html
    # ethics mean: earlier (24 fives and 3 fours of 27) 132/27 = 4.89, later 32/9 = 3.56
    assert "4.89" in html and f"{MEAN:.2f}" in html
    book = openpyxl.load_workbook(io.BytesIO(client.get("/hr/quality/compare.xlsx?a=2&b=1&lang=en").data))
    ethics = {(r["Group"], r["Competency id"]): r for r in sheet_rows(book, "Competencies")}["Corps-B servants", "ethics"]
    assert ethics[f"Mean — {earlier}"] == pytest.approx(132 / 27, abs=1e-4)
    assert ethics[f"Mean — {closed_campaign}"] == pytest.approx(MEAN, abs=1e-4)
    # earlier: eight rows of 5 5 5 and one of 4 4 4 -> questions' SS 8/9 each, totals' SS 8: alpha = 1
    assert ethics[f"Cronbach's alpha — {earlier}"] == pytest.approx(1.0, abs=1e-4)
    assert ethics[f"Share of 5 — {earlier}"] == pytest.approx(24 / 27, abs=1e-4)
    assert "leniency" in {r["Flag"] for r in sheet_rows(book, "Flags") if r["Campaign"] == earlier}


def options(html: str, field: str) -> list[str]:
    select = re.search(f'<select id="{field}" name="{field}">(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="\d+"(?: selected)?>([^<]*)</option>', select)


REFUSED = {"en": "is not earlier than", "kk": "ерте емес", "ru": "не раньше"}
SAME = {"en": "cannot be compared with itself", "kk": "өзімен салыстыруға болмайды", "ru": "нельзя сравнить с ней же"}


def test_a_later_or_the_same_campaign_as_the_earlier_one_is_refused_in_the_readers_words(
        app, store, closed_campaign, runner, staff):
    earlier_campaign(app, store, runner)  # id 2, closing before 'Test 2026' (id 1)
    client = staff("hr-head")
    for language in ("en", "kk", "ru"):
        for query, words in (("a=1&b=2", REFUSED), ("a=1&b=1", SAME), ("a=2&b=2", SAME)):
            response = client.get(f"/hr/quality/compare?{query}&lang={language}")
            html = response.get_data(as_text=True)
            assert response.status_code == 409 and words[language] in html, (query, language)
            assert f'<html lang="{language}">' in html and "<select" in html  # the form, to choose again
    for url in ("/hr/quality/compare.xlsx?a=1&b=2", "/hr/quality/compare/charts/servant.png?a=1&b=2",
                "/hr/quality/compare.xlsx?a=1&b=1"):
        assert client.get(url).status_code == 404, url


def test_the_command_refuses_a_later_campaign_as_the_earlier_one(app, store, closed_campaign, runner, tmp_path):
    earlier = earlier_campaign(app, store, runner)
    out = tmp_path / "q.xlsx"
    result = runner.invoke("quality", "export", earlier, "--out", str(out), "--compare", closed_campaign)
    assert result.exit_code == 1 and "is not earlier than" in result.output and not out.exists()


def test_the_forms_offer_only_earlier_campaigns_as_the_earlier_one(app, store, closed_campaign, runner, staff):
    earlier = earlier_campaign(app, store, runner)
    oldest = earlier_campaign(app, store, runner, name="Test 2024")
    with store.transaction() as session:  # closing before the others
        campaigns.get(session, oldest).closes_on = dt.date.today() - dt.timedelta(days=30)
    client = staff("hr-head")
    home = page(client, "/hr/quality/?lang=en")
    assert options(home, "a") == [earlier, oldest] and options(home, "b") == [closed_campaign, earlier]
    chosen = page(client, "/hr/quality/compare?a=3&b=2&lang=en")
    assert options(chosen, "a") == [oldest] and options(chosen, "b") == [closed_campaign, earlier]
    latest = page(client, "/hr/quality/compare?a=3&b=1&lang=en")
    assert options(latest, "a") == [earlier, oldest]


# --- the command ------------------------------------------------------------------------------

def test_quality_export_command_writes_the_figures_and_charts(closed_campaign, runner, tmp_path):
    out = tmp_path / "quality.xlsx"
    result = runner.invoke("quality", "export", closed_campaign, "--out", str(out), "--lang", "en",
                           "--charts", str(tmp_path / "charts"))
    assert result.exit_code == 0, result.output
    assert "Withheld" in result.output and "head" in result.output
    book = openpyxl.load_workbook(out)
    ethics = {(r["Group"], r["Competency id"]): r for r in sheet_rows(book, "Competencies")}["Corps-B servants", "ethics"]
    assert ethics["Cronbach's alpha"] == pytest.approx(ALPHA, abs=1e-4)
    assert ethics["ICC(1)"] == pytest.approx(ICC1, abs=1e-4)
    charts = sorted(p.name for p in (tmp_path / "charts").iterdir())
    assert charts == sorted(f"Test_2026-servant-{kind}.{fmt}" for kind in quality_charts.CHARTS
                            for fmt in ("png", "svg"))


def test_quality_export_command_refuses_an_open_campaign_and_other_file_types(open_campaign, runner, tmp_path):
    result = runner.invoke("quality", "export", open_campaign, "--out", str(tmp_path / "q.xlsx"))
    assert result.exit_code == 1 and "once it is closed" in result.output
    assert not (tmp_path / "q.xlsx").exists()
    result = runner.invoke("quality", "export", open_campaign, "--out", str(tmp_path / "q.csv"))
    assert result.exit_code == 1 and ".xlsx" in result.output
