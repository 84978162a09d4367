"""The results workbook HR reads: in the reader's language, a sheet per questionnaire, bands named
and coloured, the self-assessment apart, and a sheet that says what the figures are."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from sqlalchemy import select

from conftest import answer_about, wait_for_jobs
from survey.core.models import Campaign, Job
from survey.results import files

SHEETS = {
    "en": ["About the figures", "Heads of units", "Corps-B servants", "Self-assessment, heads",
           "Self-assessment, servants"],
    "ru": ["О показателях", "Руководители подразделений", "Служащие корпуса «Б»", "Самооценка, руководители",
           "Самооценка, служащие"],
    "kk": ["Көрсеткіштер туралы", "Бөлімше басшылары", "«Б» корпусының қызметшілері", "Өзін-өзі бағалау, басшылар",
           "Өзін-өзі бағалау, қызметшілер"],
}
PERSON = {"en": ["Employee id", "Full name", "Position", "Unit"],
          "ru": ["Идентификатор сотрудника", "Фамилия, имя, отчество", "Должность", "Структурное подразделение"],
          "kk": ["Қызметкердің идентификаторы", "Тегі, аты, әкесінің аты", "Лауазымы", "Құрылымдық бөлімше"]}
EFFECTIVE = {"en": "Performs functional duties effectively", "ru": "Выполняет функциональные обязанности эффективно",
             "kk": "Функционалдық міндеттерін тиімді атқарады"}
OVERALL = {"en": "Overall result", "ru": "Общий результат", "kk": "Жалпы нәтиже"}
GREEN, GREY = "C6EFCE", "EDEDED"


@pytest.fixture
def closed(app, store, open_campaign, runner):
    """H1: six raters, averaging 4 everywhere (effective); S1: four raters and a self-assessment of 5;
    S2: two raters, withheld."""
    assert answer_about(app, store, "H1", [4, 4, 5, 3, 4, 4]) == 6
    answer_about(app, store, "S1", [4, 4, 3, 3], self_points=5)
    answer_about(app, store, "S2", [5, 1], self_points=4)
    assert runner.invoke("campaign", "close", open_campaign).exit_code == 0
    return open_campaign


def exported(runner, name, tmp_path, language):
    out = tmp_path / f"results-{language}.xlsx"
    result = runner.invoke("results", "export", name, "--out", str(out), "--lang", language)
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(out)


def rows(sheet) -> dict[str, dict]:
    header = [c.value for c in sheet[1]]
    return {row[0].value: {h: c for h, c in zip(header, row)} for row in sheet.iter_rows(min_row=2)}


def fill(cell) -> str:
    return cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else ""


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_sheets_and_headers_are_in_the_readers_language(app, runner, closed, tmp_path, language):
    book = exported(runner, closed, tmp_path, language)
    assert book.sheetnames == SHEETS[language]
    instrument = app.extensions["survey.instruments"]["head"]
    header = [c.value for c in book.worksheets[1][1]]
    assert header[:4] == PERSON[language]
    names = [c.name(language) for c in instrument.competencies]
    assert header[5::2] == names + [OVERALL[language]]
    assert all(h.startswith(n) and h != n for h, n in zip(header[6::2], names + [OVERALL[language]]))


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_each_figure_has_its_band_named_and_coloured(runner, closed, tmp_path, language):
    heads = rows(exported(runner, closed, tmp_path, language).worksheets[1])
    h1 = list(heads["H1"].values())
    assert h1[4].value == 6  # respondents, the self-assessment not among them
    figures, bands = h1[5::2], h1[6::2]
    assert [f.value for f in figures] == pytest.approx([4.0] * 12 + [4.0])
    assert all(f.number_format == "0.00" for f in figures)
    assert {b.value for b in bands} == {EFFECTIVE[language]}
    assert {fill(c) for c in figures + bands} == {GREEN}


def test_withheld_results_say_so_in_words_and_grey(runner, closed, tmp_path):
    servants = rows(exported(runner, closed, tmp_path, "ru").worksheets[2])
    s2 = list(servants["S2"].values())
    assert s2[4].value == 2
    assert {c.value for c in s2[5::2]} == {None}
    assert {c.value for c in s2[6::2]} == {"Недостаточно ответов"}
    assert {fill(c) for c in s2[5:]} == {GREY}


def test_the_self_assessment_is_on_its_own_sheet_and_in_no_average(runner, closed, tmp_path):
    book = exported(runner, closed, tmp_path, "en")
    s1 = rows(book["Corps-B servants"])["S1"]
    assert s1["Overall result"].value == pytest.approx(3.5)  # 4, 4, 3, 3: the self-assessment's 5 not counted
    own = rows(book["Self-assessment, servants"])
    assert own["S1"]["Overall result"].value == pytest.approx(5.0)
    assert own["S2"]["Overall result"].value == pytest.approx(4.0)
    competencies = len(own["S1"]) - 4
    assert book["Corps-B servants"].max_column == 5 + 2 * competencies  # person, respondents, figures and bands


def test_header_and_names_stay_in_view_and_can_be_filtered(runner, closed, tmp_path):
    book = exported(runner, closed, tmp_path, "kk")
    for sheet in book.worksheets[1:]:
        assert sheet.freeze_panes == "C2"
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
        assert sheet.column_dimensions["B"].width >= 25 and sheet.column_dimensions["F"].width >= 12
    heads = book.worksheets[1]
    assert heads.column_dimensions["G"].width >= 25  # a band's words


def test_the_first_sheet_explains_the_figures(runner, closed, tmp_path):
    about = exported(runner, closed, tmp_path, "ru").worksheets[0]
    cells = {row[0].value: row[1] for row in about.iter_rows(min_row=2)}
    assert cells["Кампания оценки"].value == closed
    assert cells["Последний день для ответов"].value.endswith("г.")
    text = " ".join(str(c.value) for c in cells.values())
    assert "сумма баллов" in text and "кроме самого оцениваемого" in text
    assert [cells[str(p)].value for p in range(1, 6)][0] == "Компетенция не проявляется"
    assert cells[EFFECTIVE["ru"]].value == "от 4,00 до 5,00" and fill(cells[EFFECTIVE["ru"]]) == GREEN
    assert cells["Выполняет функциональные обязанности неудовлетворительно"].value == "ниже 2,00"
    assert "менее 3 коллег" in cells["Недостаточно ответов"].value and fill(cells["Недостаточно ответов"]) == GREY


def test_hr_downloads_the_workbook_in_the_page_language_and_the_csv_for_systems(hr_client, closed):
    workbook = hr_client.get("/hr/campaigns/1/results.xlsx?lang=ru")
    assert workbook.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(workbook.data)).sheetnames == SHEETS["ru"]
    machine = hr_client.get("/hr/campaigns/1/results.csv?lang=ru")
    assert machine.status_code == 200 and machine.headers["Content-Type"] == "text/csv; charset=utf-8"
    table = list(csv.DictReader(io.StringIO(machine.data.decode("utf-8-sig"))))
    assert list(table[0]) == ["assessee_id", "assessee_name", "instrument", "competency", "average", "band",
                              "answers", "respondents", "self_average"]
    overall = next(r for r in table if r["assessee_id"] == "S1" and r["competency"] == "overall")
    assert overall["average"] == "3.50" and overall["band"] == "proper" and overall["self_average"] == "5.00"


def test_the_results_csv_is_refused_while_open(hr_client, open_campaign):
    assert hr_client.get("/hr/campaigns/1/results.csv").status_code == 422


def test_a_large_campaign_s_files_are_prepared_by_a_job_and_then_downloaded(hr_client, app, store, closed):
    """Above RESULTS_IN_REQUEST assessees the download page starts a job and reloads itself until
    the file is there; the same file is then served again without being made anew."""
    app.config["RESULTS_IN_REQUEST"] = 0
    waiting = hr_client.get("/hr/campaigns/1/results.xlsx?lang=ru")
    assert waiting.status_code == 202 and 'http-equiv="refresh"' in waiting.get_data(as_text=True)
    assert hr_client.get("/hr/campaigns/1/results.xlsx?lang=ru").status_code in (200, 202)  # joins, never twice
    wait_for_jobs(store)
    with store.transaction() as session:
        kinds = session.scalars(select(Job.kind).where(Job.kind.like("results-%"))).all()
    assert kinds == ["results-xlsx-ru"]
    workbook = hr_client.get("/hr/campaigns/1/results.xlsx?lang=ru")
    assert workbook.status_code == 200 and workbook.headers["Cache-Control"].startswith("no-store")
    assert openpyxl.load_workbook(io.BytesIO(workbook.data)).sheetnames == SHEETS["ru"]
    in_kazakh = hr_client.get("/hr/campaigns/1/results.xlsx?lang=kk")  # another language, another file
    assert in_kazakh.status_code == 202
    assert hr_client.get("/hr/campaigns/1/results.csv").status_code == 202
    wait_for_jobs(store)
    assert openpyxl.load_workbook(io.BytesIO(hr_client.get("/hr/campaigns/1/results.xlsx?lang=kk").data)).sheetnames \
        == SHEETS["kk"]
    machine = hr_client.get("/hr/campaigns/1/results.csv").data.decode("utf-8-sig")
    with app.app_context(), store.transaction() as session:
        inline = io.BytesIO()
        files.write_csv(inline, session, session.get(Campaign, 1), app.config)
    assert inline.getvalue().decode("utf-8-sig") == machine  # the job writes what the request would


def test_results_read_in_parts_are_the_whole_in_the_same_order(app, store, closed):
    from survey.results import export
    instruments = app.extensions["survey.instruments"]
    with store.transaction() as session:
        campaign = session.get(Campaign, 1)
        whole = export.campaign_results(session, campaign, instruments)
        parts = list(export.in_parts(session, campaign, instruments, size=2))
    assert len(parts) > 2 and all(len(part) <= 2 for part in parts)
    assert [(i.assessment_id, i.result) for part in parts for i in part] == [(i.assessment_id, i.result) for i in whole]
