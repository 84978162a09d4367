"""Training needs (order No. 260, para 37): figures against a hand computation, suppression of small
units, no names for trainers, HR's cohorts, charts, the command-line export and the topics catalogue.

The fixture campaign has four units. Every assessee has three raters; K4 (servant) and HL (head) get
only two answers, so their results are withheld and must count nowhere. The averages below are the
hand-made input; the expected figures in the tests are worked out from them by hand.
"""
from __future__ import annotations

import datetime as dt
import html
import io
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from conftest import PASSWORD, answer_about, approve_and_open, sign_in, wait_for_jobs
from PIL import Image

from survey.campaigns import lifecycle as campaigns, people, raters, roster
from survey import create_app
from survey.training import charts, needs as training, topics
from survey.core.models import AuditEntry, Job
from survey.core.tables import Row

NAME = "Training 2025"
FINANCE, HR_UNIT, LEGAL, TOP = "Қаржы басқармасы", "Кадр қызметі", "Заң бөлімі", "Басшылық"

# employee_id -> (full name, role, manager, unit). Ids and names are distinctive so that a test can
# look for them in any page or file.
ROSTER = {
    "KZ001Q": ("Ахметов Ерлан Серікұлы", "head", "", TOP),
    "KZ002Q": ("Жұмабаева Әйгерім Нұрланқызы", "head", "KZ001Q", FINANCE),
    "KZ003Q": ("Смагулов Дәурен Болатұлы", "head", "KZ001Q", HR_UNIT),
    "KZ004Q": ("Петрова Ольга Викторовна", "head", "KZ001Q", LEGAL),
    "KZ011Q": ("Оспанова Гүлнар Асқарқызы", "servant", "KZ002Q", FINANCE),
    "KZ012Q": ("Ким Андрей Сергеевич", "servant", "KZ002Q", FINANCE),
    "KZ013Q": ("Төлеуов Асхат Маратұлы", "servant", "KZ002Q", FINANCE),
    "KZ014Q": ("Иванова Наталья Петровна", "servant", "KZ002Q", FINANCE),
    "KZ021Q": ("Бекенова Сәуле Қайратқызы", "servant", "KZ003Q", HR_UNIT),
    "KZ022Q": ("Нұрғалиев Талғат Ержанұлы", "servant", "KZ003Q", HR_UNIT),
    "KZ023Q": ("Соколова Ирина Андреевна", "servant", "KZ003Q", HR_UNIT),
    "KZ024Q": ("Ибраев Бауыржан Әсетұлы", "servant", "KZ003Q", HR_UNIT),
    "KZ031Q": ("Қасымова Меруерт Серікқызы", "servant", "KZ004Q", LEGAL),
    "KZ032Q": ("Федоров Алексей Игоревич", "servant", "KZ004Q", LEGAL),
}
D1, HF, HK, HL = "KZ001Q", "KZ002Q", "KZ003Q", "KZ004Q"
F1, F2, F3, F4, K1, K2, K3, K4, L1, L2 = ("KZ011Q", "KZ012Q", "KZ013Q", "KZ014Q", "KZ021Q", "KZ022Q", "KZ023Q",
                                          "KZ024Q", "KZ031Q", "KZ032Q")

SERVANT = ("communication", "ethics", "change", "results", "decisions", "cooperation", "promptness",
           "self_development")
# Servants: the points of raters 1, 2 and 3 per competency, in the order of SERVANT.
SERVANT_POINTS = {
    #       com        eth        chg        res        dec        coo        pro        sdv
    F1: [(2, 2, 2), (4, 4, 4), (3, 3, 3), (4, 4, 4), (2, 3, 2), (5, 5, 5), (3, 3, 4), (4, 4, 4)],
    F2: [(3, 3, 3), (5, 5, 5), (4, 4, 4), (2, 2, 2), (3, 3, 3), (4, 4, 4), (4, 4, 4), (3, 3, 3)],
    F3: [(2, 3, 3), (4, 4, 4), (4, 4, 4), (3, 3, 3), (3, 3, 3), (4, 4, 4), (2, 2, 2), (5, 5, 5)],
    F4: [(4, 4, 4), (3, 3, 3), (5, 5, 5), (4, 4, 4), (4, 4, 4), (2, 2, 2), (3, 3, 3), (4, 4, 5)],
    K1: [(3, 3, 3), (4, 4, 4), (2, 2, 2), (4, 4, 4), (3, 3, 3), (4, 4, 4), (5, 5, 5), (2, 2, 2)],
    K2: [(1, 1, 1), (5, 5, 5), (4, 4, 4), (3, 3, 3), (4, 4, 4), (3, 3, 3), (4, 4, 4), (4, 4, 4)],
    K3: [(4, 4, 4), (4, 4, 4), (3, 3, 3), (5, 5, 5), (2, 2, 2), (4, 4, 4), (3, 3, 3), (4, 4, 4)],
    L1: [(2, 2, 2), (3, 3, 3), (4, 4, 3), (4, 4, 4), (4, 4, 4), (4, 4, 4), (4, 4, 4), (5, 5, 5)],
    L2: [(3, 3, 3), (4, 4, 4), (4, 4, 4), (3, 3, 3), (2, 2, 2), (5, 5, 5), (2, 2, 2), (4, 4, 4)],
}
# Heads: every rater gives 4 except these.
HEAD_POINTS = {
    D1: {"leadership": 2, "team": 3, "management": 3},
    HF: {"leadership": 3, "initiative": 2, "change": 3},
    HK: {"communication": 2, "leadership": 3, "team": 3},
}
NAMES_AND_IDS = [v[0] for v in ROSTER.values()] + list(ROSTER)


def _rows():
    return [Row(i, {"employee_id": eid, "full_name": name, "position": "Бас сарапшы" if role == "servant" else "Басшы",
                    "unit": unit, "role": role, "manager_id": manager, "email": "", "language": "kk"})
            for i, (eid, (name, role, manager, unit)) in enumerate(ROSTER.items(), 2)]


def _relation(assessee, rater):
    if ROSTER[assessee][2] == rater:
        return "manager"
    return "subordinate" if ROSTER[rater][2] == assessee else "peer"


def _build(app, store, *, close=True, name=NAME):
    instruments = app.extensions["survey.instruments"]
    ids = list(ROSTER)
    with store.transaction() as session:
        people.apply_rows(session, roster.validate(_rows(), "body", {}))
        campaign = campaigns.create(session, name, dt.date.today() + dt.timedelta(days=10), instruments,
                                    repeat_reason="A second round")
        rows, n = [], 2
        for i, assessee in enumerate(ids):  # three raters each: the next three people of the roster
            for k in range(1, 4):
                rater = ids[(i + k) % len(ids)]
                rows.append(Row(n, {"assessee_id": assessee, "rater_id": rater, "relation": _relation(assessee, rater)}))
                n += 1
        raters.apply(session, campaign, rows, "raters")
        for assessment in campaign.assessments:  # the next three in the roster, not the structure
            assessment.rater_rule_reason = "Raters chosen for the figures of these tests"
        approve_and_open(session, campaign)
    for assessee, table in SERVANT_POINTS.items():
        answer_about(app, store, assessee, [lambda c, r=r, t=table: t[SERVANT.index(c)][r] for r in range(3)], self_points=5)
    for assessee, special in HEAD_POINTS.items():
        answer_about(app, store, assessee, [lambda c, s=special: s.get(c, 4)] * 3)
    answer_about(app, store, K4, [1, 1])  # withheld: would pull every servant figure down if counted
    answer_about(app, store, HL, [1, 1])
    if close:
        with store.transaction() as session:
            campaigns.close(session, campaigns.get(session, name))
    with store.transaction() as session:
        return campaigns.get(session, name).id


@pytest.fixture
def closed(app, store):
    return _build(app, store)


def _picture(app, store, **filters):
    with store.transaction() as session:
        population = training.population(session, campaigns.get(session, NAME), app.extensions["survey.instruments"],
                                         threshold=3)
    return training.picture(population, threshold=3, **filters)


def text(response):
    return response.get_data(as_text=True)


# --- figures ------------------------------------------------------------------------------------

def test_servant_figures_equal_a_hand_computation(app, store, closed):
    section = _picture(app, store, instrument="servant").section("servant")
    assert section.assessees == 9 and section.withheld == 1  # K4 is not counted
    got = {n.competency_id: (n.rank, round(n.mean, 2), n.among_weakest, n.below_low) for n in section.needs}
    # Means over the nine assessees, e.g. communication (2+3+8/3+4+3+1+4+2+3)/9 = 74/27. Ties at the
    # third place count: F2 has results 2 then communication, decisions, self-development all at 3.
    assert got == {
        "communication": (1, 2.74, 7, 4),
        "decisions": (2, 3.04, 6, 3),
        "promptness": (3, 3.37, 4, 2),       # 4 among the weakest, like results and change, but 2 under 3.0
        "results": (4, 3.56, 4, 1),          # ties with change on both counts; the lower mean first
        "change": (5, 3.63, 4, 1),
        "cooperation": (6, 3.89, 2, 1),
        "self_development": (7, 3.93, 2, 1),
        "ethics": (8, 4.00, 2, 0),
    }
    assert all(n.assessees == 9 for n in section.needs)


def test_head_figures_equal_a_hand_computation(app, store, closed):
    section = _picture(app, store, instrument="head").section("head")
    assert section.assessees == 3 and section.withheld == 1  # HL is not counted
    ranked = [(n.competency_id, round(n.mean, 2), n.among_weakest, n.below_low) for n in section.needs]
    assert ranked[:6] == [
        ("leadership", 2.67, 3, 1),
        ("team", 3.33, 2, 0),
        ("communication", 3.33, 1, 1),  # ties with initiative on every figure: questionnaire order
        ("initiative", 3.33, 1, 1),
        ("management", 3.67, 1, 0),
        ("change", 3.67, 1, 0),
    ]
    assert [c for c, *_ in ranked[6:]] == ["ethics", "results", "decisions", "cooperation", "promptness",
                                           "self_development"]
    assert all(mean == 4.0 and weakest == 0 for _, mean, weakest, _ in ranked[6:])


def test_unit_figures_equal_a_hand_computation(app, store, closed):
    section = _picture(app, store, instrument="servant", unit=FINANCE).section("servant")
    assert section.hidden is None and section.assessees == 4 and section.withheld is None
    got = {n.competency_id: (n.rank, round(n.mean, 2), n.among_weakest, n.below_low, round(n.body_mean, 2))
           for n in section.needs}
    assert got == {
        "communication": (1, 2.92, 3, 2, 2.74),
        "decisions": (2, 3.08, 3, 1, 3.04),
        "promptness": (3, 3.08, 2, 1, 3.37),
        "results": (4, 3.25, 2, 1, 3.56),
        "cooperation": (5, 3.75, 1, 1, 3.89),
        "ethics": (6, 4.00, 1, 0, 4.00),
        "change": (7, 4.00, 1, 0, 3.63),
        "self_development": (8, 4.08, 1, 0, 3.93),
    }


def test_weakest_takes_in_ties_at_the_third_place():
    assert training.weakest_of({"a": 2.0, "b": 3.0, "c": 3.0, "d": 3.0, "e": 4.0}) == {"a", "b", "c", "d"}
    assert training.weakest_of({"a": 1.0, "b": 2.0, "c": 3.0, "d": 3.001}) == {"a", "b", "c", "d"}  # as shown: 3.00
    assert training.weakest_of({"a": 1.0, "b": 2.0, "c": 3.0, "d": 3.01}) == {"a", "b", "c"}


def test_results_of_an_open_campaign_give_no_figures(app, store, staff):
    campaign_id = _build(app, store, close=False)
    trainer = staff("trainer")
    page = text(trainer.get("/trainer/"))
    assert "No closed campaign yet" in page and NAME not in page
    assert trainer.get(f"/trainer/?campaign={campaign_id}").status_code == 404
    assert trainer.get(f"/trainer/needs.xlsx?campaign={campaign_id}").status_code == 404
    assert trainer.get(f"/trainer/charts/servant/ranking.png?campaign={campaign_id}").status_code == 404


def test_cli_refuses_an_open_campaign(app, store, runner, tmp_path):
    _build(app, store, close=False)
    result = runner.invoke("training", "export", NAME, "--out", str(tmp_path / "t.xlsx"))
    assert result.exit_code == 1 and "available once it is closed" in result.output
    assert not (tmp_path / "t.xlsx").exists()


# --- suppression --------------------------------------------------------------------------------

def test_a_unit_with_fewer_than_three_assessees_has_no_cell_value(app, store, closed):
    heatmap = _picture(app, store, instrument="servant").section("servant").heatmap
    columns = {c.unit: c for c in heatmap.columns}
    legal = columns[LEGAL]  # L1 and L2 only
    assert legal.hidden == training.FEW and legal.assessees is None and legal.means == {}
    # Shown, Кадр қызметі (3) would give away Заң бөлімі (2) through the body's figures.
    assert columns[HR_UNIT].hidden == training.COMPLEMENT and columns[HR_UNIT].means == {}
    assert columns[FINANCE].hidden is None and columns[FINANCE].assessees == 4
    assert round(columns[FINANCE].means["communication"], 2) == 2.92
    # The two hidden units pooled (K1-K3, L1, L2): nothing that body minus Қаржы does not tell.
    assert heatmap.others.assessees == 5
    assert {c: round(v, 2) for c, v in heatmap.others.means.items()} == {
        "communication": 2.60, "ethics": 4.00, "change": 3.33, "results": 3.80, "decisions": 3.00,
        "cooperation": 4.00, "promptness": 3.60, "self_development": 3.80}
    assert heatmap.competencies[:2] == ("communication", "decisions")  # rows in the order of the ranking


def test_every_head_unit_is_hidden_and_no_pool_repeats_the_body(app, store, closed):
    heatmap = _picture(app, store, instrument="head").section("head").heatmap
    assert [c.unit for c in heatmap.columns] == [TOP, HR_UNIT, FINANCE]  # Kazakh alphabetical order
    assert all(c.hidden == training.FEW for c in heatmap.columns) and heatmap.others is None
    assert heatmap.body.assessees == 3


def test_the_page_shows_hidden_cells_as_hidden(staff, closed):
    page = text(staff("trainer").get("/trainer/?instrument=servant&lang=en"))
    table = page[page.index('<table class="heat">'):]
    table = table[:table.index("</table>")]
    header, body = table.split("<tbody>")
    assert LEGAL in header and HR_UNIT in header
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    assert len(rows) == 8
    for row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        # whole body, Заң бөлімі (fewer than 3), Кадр қызметі (hidden to protect it), Қаржы, pooled
        assert [c.strip() for c in cells[1:3]] == ["&lt; 3", "—"]
        assert all(re.fullmatch(r"\d\.\d\d", c.strip()) for c in (cells[0], cells[3], cells[4]))
    assert 'title="fewer than 3"' in body


def test_hidden_units_follow_the_threshold():
    from survey.core.models import Person

    def profile(unit):
        return training.Profile(Person(employee_id="x", full_name="x", unit=unit), None, {}, frozenset())

    sizes = {"A": 4, "B": 3, "C": 1, "D": 2}
    body = [profile(u) for u, n in sizes.items() for _ in range(n)]
    assert training._hidden_units(body, 3) == {"C": training.FEW, "D": training.FEW}  # pooled 3: enough
    assert training._hidden_units(body, 4) == {"B": training.FEW, "C": training.FEW, "D": training.FEW}
    assert training._hidden_units([profile("A")] * 5 + [profile("B")] * 4 + [profile("C")], 3) == {
        "C": training.FEW, "B": training.COMPLEMENT}  # the smallest shown unit joins C


def test_a_hidden_unit_shows_no_figures_anywhere(staff, closed, runner, tmp_path):
    trainer = staff("trainer")
    for unit, words in ((LEGAL, "Fewer than 3 assessees"), (HR_UNIT, "would give away")):
        page = text(trainer.get("/trainer/", query_string={"instrument": "servant", "unit": unit, "lang": "en"}))
        assert words in page and '<table class="needs">' not in page
        for kind in ("ranking", "means"):
            assert trainer.get(f"/trainer/charts/servant/{kind}.png", query_string={"unit": unit}).status_code == 404
        book = openpyxl.load_workbook(io.BytesIO(trainer.get(
            "/trainer/needs.xlsx", query_string={"instrument": "servant", "unit": unit, "lang": "en"}).data))
        values = [c for row in book["Training needs"].iter_rows(min_row=2, values_only=True) for c in row if c is not None]
        assert not any(isinstance(v, float) for v in values)
        out = tmp_path / f"{unit}.xlsx"
        assert runner.invoke("training", "export", NAME, "--out", str(out), "--unit", unit,
                             "--lang", "en").exit_code == 0
        values = [c for row in openpyxl.load_workbook(out)["Training needs"].iter_rows(min_row=2, values_only=True)
                  for c in row if c is not None]
        assert not any(isinstance(v, float) for v in values)


# --- no names for trainers ----------------------------------------------------------------------

def _trainer_urls(campaign_id):
    urls = ["/trainer/", "/trainer/style.css", f"/trainer/?campaign={campaign_id}"]
    for lang in ("kk", "ru", "en"):
        for instrument in ("", "head", "servant"):
            for unit in ("", FINANCE, HR_UNIT, LEGAL, TOP):
                query = f"campaign={campaign_id}&lang={lang}&instrument={instrument}&unit={unit}"
                urls += [f"/trainer/?{query}", f"/trainer/needs.xlsx?{query}"]
    for instrument in ("head", "servant"):
        for kind in ("ranking", "means", "heatmap"):
            for fmt in ("png", "svg"):
                urls.append(f"/trainer/charts/{instrument}/{kind}.{fmt}?campaign={campaign_id}&lang=kk")
        urls.append(f"/trainer/charts/servant/ranking.svg?campaign={campaign_id}&unit={FINANCE}&download=1")
    return urls


def _readable(response) -> str:
    """The text of a page, a stylesheet, an SVG, or every part of an .xlsx."""
    data = response.data
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return "\n".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
    return data.decode("utf-8", "replace")


def test_no_trainer_page_or_export_names_anyone(staff, closed):
    trainer = staff("trainer")
    reached = 0
    for url in _trainer_urls(closed):
        response = trainer.get(url)
        assert response.status_code in (200, 404), url
        if response.status_code == 200:
            reached += 1
            body = _readable(response)
            for value in NAMES_AND_IDS:
                assert value not in body, (url, value)
                assert value.encode() not in response.data, (url, value)
    assert reached > 60


def test_a_trainer_gets_403_from_hr_downloads_and_pages(staff, closed):
    trainer = staff("trainer")
    for url in (f"/trainer/cohorts.xlsx?campaign={closed}", "/trainer/cohorts.xlsx", f"/hr/campaigns/{closed}",
                f"/hr/campaigns/{closed}/results.xlsx", "/hr/people"):
        assert trainer.get(url).status_code == 403, url
    assert "cohorts.xlsx" not in text(trainer.get("/trainer/"))


def test_hr_and_hr_head_see_the_view_and_the_cohorts_link(staff, closed):
    for role in ("hr", "hr-head"):
        page = text(staff(role).get("/trainer/?lang=en"))
        assert "Training needs" in page and "cohorts.xlsx" in page


# --- HR's cohorts -------------------------------------------------------------------------------

def _cohorts(client, **query):
    response = client.get("/trainer/cohorts.xlsx", query_string={"lang": "en", **query})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book["Cohorts"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    return book, rows


def test_cohorts_list_the_assessees_whose_weakest_include_the_topic(app, store, staff, closed):
    hr = staff("hr")
    book, rows = _cohorts(hr)
    catalogue = app.extensions["survey.topics"]
    title = {t.id: t.title("en") for t in catalogue.topics}
    by_topic = {}
    for row in rows:
        for topic in row["Topics"].split("; "):
            by_topic.setdefault(topic, set()).add(row["Employee id"])
    assert len({(r["Competency"], r["Employee id"]) for r in rows}) == len(rows)  # once per competency
    expected = {  # from the weakest three of each assessee, worked out by hand (ties included)
        "communication": {F1, F2, F3, K1, K2, L1, L2, HK},
        "ethics": {F4, L1},
        "change": {F1, K1, K3, L1, HF},
        "results": {F2, F3, K2, L2},
        "decisions": {F1, F2, F3, K1, K3, L2},
        "cooperation": {F4, K2},
        "promptness": {F3, F4, K3, L2},
        "self_development": {F2, K1},
        "leadership": {D1, HF, HK},
        "team": {D1, HK},
        "management": {D1},
        "initiative": {HF},
    }
    for competency, members in expected.items():
        for topic in catalogue.for_competency(competency):
            assert by_topic[title[topic.id]] == members, topic.id
    assert set(by_topic) == {title[t.id] for c in expected for t in catalogue.for_competency(c)}
    assert not {K4, HL} & {r["Employee id"] for r in rows}  # withheld: in no cohort
    one = next(r for r in rows if r["Employee id"] == K2 and r["Competency"] == "Building effective communication")
    assert one["Full name"] == ROSTER[K2][0] and one["Unit"] == HR_UNIT and one["Position"] == "Бас сарапшы"
    assert one["Their average"] == pytest.approx(1.0) and one["Questionnaire"] == "Corps-B servants"
    sizes = {r[0]: r[2] for r in book["Topics"].iter_rows(min_row=2, max_row=len(by_topic) + 1, values_only=True)}
    assert sizes[title["business_communication"]] == 8
    assert list(sizes)[:3] == [title[t.id] for t in catalogue.for_competency("communication")]  # largest first
    assert one["Topics"] == "; ".join(title[t.id] for t in catalogue.for_competency("communication"))
    with store.transaction() as session:
        entry = session.query(AuditEntry).filter_by(action="training-cohorts-export").one()
    assert entry.actor == "hr@body.kz" and NAME in entry.detail


def test_cohorts_follow_the_filters(staff, closed):
    _, rows = _cohorts(staff("hr-head"), campaign=closed, instrument="servant", unit=FINANCE)
    assert {r["Employee id"] for r in rows} == {F1, F2, F3, F4}
    assert {r["Unit"] for r in rows} == {FINANCE}


def test_a_large_body_s_cohorts_are_prepared_by_a_job_for_each_language_and_filter(app, store, staff, closed):
    """Above RESULTS_IN_REQUEST assessees the workbook is a job's: the page waits and reloads
    itself; the file that comes is the one the request would have made, per language and filter."""
    hr = staff("hr")
    inline_book, inline_rows = _cohorts(hr, instrument="servant")
    app.config["RESULTS_IN_REQUEST"] = 0
    waiting = hr.get("/trainer/cohorts.xlsx", query_string={"lang": "en", "instrument": "servant"})
    assert waiting.status_code == 202 and 'http-equiv="refresh"' in text(waiting)
    other = hr.get("/trainer/cohorts.xlsx", query_string={"lang": "en", "unit": FINANCE})  # another filter, another job
    assert other.status_code == 202
    wait_for_jobs(store)
    with store.transaction() as session:
        params = sorted(session.scalars(select(Job.params).where(Job.kind == "training-cohorts")))
    assert params == ['{"instrument": "servant", "language": "en"}', f'{{"language": "en", "unit": "{FINANCE}"}}']
    book, rows = _cohorts(hr, instrument="servant")
    assert rows == inline_rows and book.sheetnames == inline_book.sheetnames
    assert {r["Unit"] for r in _cohorts(hr, unit=FINANCE)[1]} == {FINANCE}
    assert hr.get("/trainer/cohorts.xlsx", query_string={"lang": "ru", "instrument": "servant"}).status_code == 202


def test_cohorts_from_the_command_line(runner, closed, tmp_path):
    out = tmp_path / "cohorts.xlsx"
    result = runner.invoke("training", "cohorts", NAME, "--out", str(out), "--lang", "en", "--instrument", "head")
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(out)["Cohorts"].iter_rows(min_row=2, values_only=True))
    assert {r[3] for r in rows} == {D1, HF, HK}  # the employee ids


# --- charts -------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_charts_are_valid_images_in_the_page_language(staff, closed, lang):
    trainer = staff("trainer")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for instrument in ("head", "servant"):
            for kind in ("ranking", "means", "heatmap"):
                png = trainer.get(f"/trainer/charts/{instrument}/{kind}.png?lang={lang}")
                assert png.status_code == 200 and png.mimetype == "image/png"
                image = Image.open(io.BytesIO(png.data))
                image.verify()
                assert image.format == "PNG" and image.size[0] >= 1600
                svg = trainer.get(f"/trainer/charts/{instrument}/{kind}.svg?lang={lang}&download=1")
                assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
                assert svg.headers["Content-Disposition"].startswith("attachment")
                assert ET.fromstring(svg.data).tag == "{http://www.w3.org/2000/svg}svg"
    # Every Kazakh letter of the competency names is in DejaVu Sans: matplotlib warns of none missing.
    assert not [w for w in caught if "missing from" in str(w.message)]


def test_chart_labels_follow_the_page_language(app, store, closed):
    section = _picture(app, store, instrument="servant").section("servant")
    assert section.needs[0].name("kk") == "Тиімді коммуникацияларды құру"
    assert section.needs[0].name("ru") == "Выстраивание эффективных коммуникаций"
    kk, ru = (charts.chart(section, "ranking", charts.ChartText(title="t", subtitle="", language=lang), "svg")
              for lang in ("kk", "ru"))
    assert kk != ru  # the competency names are drawn in the chosen language
    again = charts.chart(section, "ranking", charts.ChartText(title="t", subtitle="", language="kk"), "svg")
    assert again == kk  # no date or random ids: the same figures give the same file


def test_a_heatmap_too_wide_to_read_keeps_its_colours_and_says_where_the_figures_are(app, store, closed,
                                                                                     monkeypatch):
    """Past LABELLED_COLUMNS columns no figure or unit name is drawn (they would overlap, and
    drawing them was most of the chart's time); the note under the chart says so."""
    section = _picture(app, store, instrument="servant").section("servant")
    text = charts.ChartText(title="t", subtitle="", language="en", too_many="The figures are in the table.")
    readable = charts.chart(section, "heatmap", text, "svg")
    monkeypatch.setattr(charts, "LABELLED_COLUMNS", 1)
    wide = charts.chart(section, "heatmap", text, "svg")
    assert wide != readable
    assert wide.count(b"<use ") < readable.count(b"<use ")  # text is drawn as glyphs, each a <use>
    monkeypatch.setattr(charts, "LABELLED_COLUMNS", 30)
    assert charts.chart(section, "heatmap", text, "svg") == readable  # a narrow one is drawn as before


# --- the command-line export --------------------------------------------------------------------

def _sheets(data_or_path):
    book = openpyxl.load_workbook(data_or_path if isinstance(data_or_path, Path) else io.BytesIO(data_or_path))
    return {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}


@pytest.mark.parametrize("args,query", [
    ((), {}),
    (("--instrument", "servant", "--unit", FINANCE), {"instrument": "servant", "unit": FINANCE}),
])
def test_cli_export_matches_the_view(staff, closed, runner, tmp_path, args, query):
    out = tmp_path / "needs.xlsx"
    result = runner.invoke("training", "export", NAME, "--out", str(out), "--lang", "ru", *args)
    assert result.exit_code == 0, result.output
    web = staff("trainer").get("/trainer/needs.xlsx", query_string={"lang": "ru", "campaign": closed, **query})
    assert web.status_code == 200
    assert _sheets(out) == _sheets(web.data)


def test_export_figures_are_those_of_the_page(staff, closed, runner, tmp_path):
    out = tmp_path / "needs.xlsx"
    assert runner.invoke("training", "export", NAME, "--out", str(out), "--lang", "en").exit_code == 0
    sheets = _sheets(out)
    needs = sheets["Training needs"]
    header = needs[0]
    rows = [dict(zip(header, r)) for r in needs[1:]]
    first = next(r for r in rows if r["Questionnaire"] == "Corps-B servants" and r["Rank"] == 1)
    assert first["Competency"] == "Building effective communication"
    assert (first["Mean"], first["Among the three least developed"], first["Averages under 3.0"],
            first["Assessees"]) == (2.74, 7, 4, 9)
    page = text(staff("trainer").get("/trainer/?lang=en&instrument=servant"))
    ranking = page[page.index('<table class="stack needs">'):]
    body = ranking[ranking.index("<tbody>"):]
    first_row = re.sub(r"<[^>]+>", " ", body[:body.index("</tr>")])
    assert first_row.split() == ["1", "Building", "effective", "communication", "7", "(78%)", "4", "2.74"]
    heat = sheets["By unit"]
    legal_column = next(row.index(LEGAL) for row in heat if row and LEGAL in row)
    assert all(not isinstance(row[legal_column], float) for row in heat if row and len(row) > legal_column)


def test_export_refuses_other_file_types_and_unknown_units(runner, closed, tmp_path):
    result = runner.invoke("training", "export", NAME, "--out", str(tmp_path / "n.csv"))
    assert result.exit_code == 1 and "expected an .xlsx" in result.output
    result = runner.invoke("training", "export", NAME, "--out", str(tmp_path / "n.xlsx"), "--unit", "Nowhere")
    assert result.exit_code == 1 and "Nowhere" in result.output


# --- the topics catalogue -----------------------------------------------------------------------

def test_the_catalogue_covers_every_competency_in_three_languages(app):
    catalogue = app.extensions["survey.topics"]
    assert isinstance(catalogue, topics.Catalogue)
    competencies = {c.id for i in app.extensions["survey.instruments"].values() for c in i.competencies}
    assert set(catalogue.by_competency) == competencies
    for competency, found in catalogue.by_competency.items():
        assert 2 <= len(found) <= 3, competency
        for topic in found:
            for language in ("kk", "ru", "en"):
                assert topic.title(language) and topic.description(language)
            assert re.search("[әғқңөұүһі]", topic.title.kk + topic.description.kk, re.I), topic.id  # Kazakh, not Russian


COMPETENCIES = {"communication": "servant questionnaire", "ethics": "servant questionnaire"}
GOOD = """competencies:
  communication:
    - id: talk
      title: {kk: "Іскерлік коммуникация", ru: "Деловая коммуникация", en: "Business communication"}
      description: {kk: "Сипаттама", ru: "Описание", en: "Description"}
  ethics:
    - id: code
      title: {kk: "Әдеп", ru: "Этика", en: "Ethics"}
      description: {kk: "Сипаттама", ru: "Описание", en: "Description"}
"""


def _errors(source):
    with pytest.raises(topics.TopicErrors) as caught:
        topics.parse("topics.yaml", source, COMPETENCIES)
    return [str(e) for e in caught.value.errors]


def test_catalogue_errors_name_the_file_and_line():
    assert len(topics.parse("topics.yaml", GOOD, COMPETENCIES).topics) == 2
    assert _errors(GOOD.replace("  ethics:", "  etihcs:")) == [
        "topics.yaml:6: 'etihcs' is not a competency of the questionnaires (known: communication, ethics)",
        "topics.yaml:2: competency 'ethics' (in servant questionnaire) has no training topics"]
    assert _errors(GOOD.replace(', ru: "Деловая коммуникация"', "")) == [
        "topics.yaml:4: topic 'talk' title has no 'ru' text"]
    assert _errors(GOOD.replace("id: code", "id: talk")) == [
        "topics.yaml:7: duplicate topic id 'talk' (first at line 3)"]
    assert _errors(GOOD.replace("      description: {kk: \"Сипаттама\", ru: \"Описание\", en: \"Description\"}\n  ethics",
                                "  ethics")) == ["topics.yaml:3: topic of 'communication': missing 'description'"]
    assert _errors(GOOD + "  bad: [unclosed\n")[0].startswith("topics.yaml:")
    assert _errors("")[0] == "topics.yaml:1: the file is empty"


def test_a_broken_catalogue_is_named_on_the_page_and_the_platform_still_runs(database_url, tmp_path, store):
    broken = tmp_path / "topics.yaml"
    broken.write_text(GOOD, encoding="utf-8")  # only two of the twelve competencies
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "k" * 32,
                      "RATELIMIT_ENABLED": False, "TOPICS_FILE": str(broken)})
    from survey.staff import accounts
    from survey.web.common import database as database

    with database.get_db(app).transaction() as session:
        accounts.create(session, "hr@body.kz", PASSWORD, "hr")
    _build(app, database.get_db(app))
    client = app.test_client()
    sign_in(client, "hr@body.kz")
    page = html.unescape(text(client.get("/trainer/?lang=en")))
    assert "The training-topics catalogue has problems" in page
    assert f"{broken}:2: competency 'change' (in head questionnaire) has no training topics" in page
    assert "Building effective communication" in page  # the figures are still there
    assert client.get("/trainer/cohorts.xlsx").status_code == 404
    assert client.get("/r/not-a-token").status_code == 404  # respondents are not turned away
    database.get_db(app).engine.dispose()


def test_topics_check_command(runner, tmp_path):
    result = runner.invoke("training", "topics-check")
    assert result.exit_code == 0 and "34 topics for 12 competencies" in result.output
    broken = tmp_path / "topics.yaml"
    broken.write_text(GOOD.replace("  ethics:", "  etihcs:"), encoding="utf-8")
    result = runner.invoke("training", "topics-check", str(broken))
    assert result.exit_code == 1
    assert f"{broken}:6: 'etihcs' is not a competency of the questionnaires" in result.output


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_body_s_own_questionnaire_is_named_by_its_title_never_its_id(app, language):
    """A body with its own questionnaires (SURVEY_INSTRUMENTS_DIR) may give them other ids: the
    trainers' pages, charts and workbooks name them by their title, as the quality pages do."""
    from dataclasses import replace

    from babel.support import NullTranslations

    from survey.quality.figures import group_label

    servant = app.extensions["survey.instruments"]["servant"]
    own = replace(servant, id="body-2026")
    gettext = NullTranslations().gettext
    assert group_label(own, gettext, language) == servant.title(language)
    assert group_label(servant, lambda text, **_: text, language) == "Corps-B servants"
