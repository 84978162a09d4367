"""Results export and reports from a campaign with known answers."""
from __future__ import annotations

import openpyxl
import pytest

from conftest import answer_about, read_csv


def test_results_export_csv_gives_averages_without_self(app, store, open_campaign, runner, tmp_path):
    # S1 has 5 raters (manager H1 + 4 peers); 4 of them answer.
    answer_about(app, store, "S1", [lambda c: 4 if c == "ethics" else 3, lambda c: 5 if c == "ethics" else 3,
                                    lambda c: 3, lambda c: 2 if c == "ethics" else 3], self_points=5)
    runner.invoke("campaign", "close", open_campaign)
    out = tmp_path / "results.csv"
    result = runner.invoke("results", "export", open_campaign, "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    ethics = rows["S1", "ethics"]
    assert ethics["average"] == "3.50" and ethics["answers"] == "12" and ethics["respondents"] == "4"
    assert ethics["self_average"] == "5.00" and ethics["band"] == "proper"
    overall = rows["S1", "overall"]
    assert overall["average"] == f"{(3 * 7 + 3.5) / 8:.2f}"
    assert overall["respondents"] == "4" and overall["instrument"] == "servant"
    assert list(rows["S1", "ethics"].keys()) == ["assessee_id", "assessee_name", "instrument", "competency", "average",
                                                  "band", "answers", "respondents", "self_average"]


def test_results_export_withholds_under_three_respondents(app, store, open_campaign, runner, tmp_path):
    answer_about(app, store, "S2", [5, 1], self_points=4)
    runner.invoke("campaign", "close", open_campaign)
    out = tmp_path / "results.csv"
    runner.invoke("results", "export", open_campaign, "--out", str(out))
    rows = read_csv(out)
    assert rows["S2", "ethics"]["average"] == "" and rows["S2", "overall"]["average"] == ""
    assert rows["S2", "overall"]["band"] == "" and rows["S2", "overall"]["respondents"] == "2"
    assert rows["S2", "ethics"]["self_average"] == "4.00"


def test_results_export_xlsx_has_the_same_figures_as_the_csv(app, store, open_campaign, runner, tmp_path):
    answer_about(app, store, "H1", [4, 4, 5, 3, 4, 4])
    answer_about(app, store, "S1", [4, 3, 3, 5], self_points=2)
    runner.invoke("campaign", "close", open_campaign)
    for suffix in (".csv", ".xlsx"):
        assert runner.invoke("results", "export", open_campaign, "--out", str(tmp_path / f"r{suffix}"),
                             "--lang", "en").exit_code == 0
    table = read_csv(tmp_path / "r.csv")
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    for title, instrument in (("Heads of units", "head"), ("Corps-B servants", "servant")):
        sheet = book[title]
        competencies = [c.id for c in app.extensions["survey.instruments"][instrument].competencies] + ["overall"]
        for row in sheet.iter_rows(min_row=2, values_only=True):
            figures = dict(zip(competencies, row[5::2]))
            expected = {c: table[row[0], c]["average"] for c in competencies}
            assert {c: "" if v is None else f"{v:.2f}" for c, v in figures.items()} == expected
            assert row[4] == int(table[row[0], "overall"]["respondents"])


def test_reports_build_writes_a_page_and_radar_per_assessee(app, store, open_campaign, runner, tmp_path):
    answer_about(app, store, "S1", [4, 4, 3, 5], self_points=5)
    answer_about(app, store, "S2", [4], self_points=5)
    runner.invoke("campaign", "close", open_campaign)
    out = tmp_path / "reports"
    result = runner.invoke("reports", "build", open_campaign, "--out", str(out))
    assert result.exit_code == 0, result.output
    s1 = (out / "S1.html").read_text(encoding="utf-8")
    assert (out / "S1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Servant 1" in s1 and "4,00" in s1 and "4.00" not in s1  # the reader's decimal sign
    # S1's roster language is Russian: the report speaks it, with the Russian competency names.
    assert '<html lang="ru">' in s1 and "Сотрудничество" in s1
    s2 = (out / "S2.html").read_text(encoding="utf-8")
    assert not (out / "S2.png").exists()
    assert "4.00" not in s2 and "<img" not in s2
    assert (out / "index.html").exists()


def test_results_are_refused_while_answers_still_arrive(app, store, open_campaign, runner, tmp_path):
    answer_about(app, store, "S1", [4, 4, 4])
    for command in (("results", "export", open_campaign, "--out", str(tmp_path / "r.csv")),
                    ("reports", "build", open_campaign, "--out", str(tmp_path / "reports"))):
        result = runner.invoke(*command)
        assert result.exit_code == 1
        assert "available once it is closed" in result.output
    assert not (tmp_path / "r.csv").exists() and not (tmp_path / "reports").exists()
