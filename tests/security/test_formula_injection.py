"""Exports are data, never code: a roster whose names, units and positions are spreadsheet formulas
reaches no CSV or XLSX the platform writes as something Excel would run ("CSV injection").

Each export is checked on its own, as HR or a trainer downloads it and as the command line writes
it: no cell is a formula, no field starts with a character that makes one, and the values are
there, marked as text by a leading apostrophe.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from conftest import answer_all, csrf, prepared, staff_and_open

from survey.campaigns import lifecycle as campaigns, people, roster
from survey.core import tables, workbook
from survey.core.tables import Row

FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "\t=1+1", "\r=1+1"]
STARTS = ("=", "+", "-", "@", "\t", "\r")
CAMPAIGN = "=1+1 assessment"
# Who manages whom, as in conftest's small_body: the director, one head, five servants.
BODY = [("D1", "head", ""), ("H1", "head", "D1")] + [(f"S{i}", "servant", "H1") for i in range(1, 6)]


def _roster() -> list[Row]:
    """Every person's name, unit and position is a formula; the tab and carriage return ones get in
    through the rows themselves, since a file's cells are stripped of leading white space on reading."""
    return [Row(n, {"employee_id": eid, "full_name": FORMULAS[n % 6], "unit": FORMULAS[(n + 1) % 6],
                    "position": FORMULAS[(n + 2) % 6], "role": role, "manager_id": manager, "email": "",
                    "language": "kk"})
            for n, (eid, role, manager) in enumerate(BODY)]


@pytest.fixture
def closed(app, store, runner):
    with store.transaction() as session:
        people.apply_rows(session, roster.validate(_roster(), "body", {}))
        campaign = campaigns.create(session, CAMPAIGN, dt.date.today() + dt.timedelta(days=10),
                                    app.extensions["survey.instruments"])
        staff_and_open(session, campaign)
        campaign_id = campaign.id
    answer_all(app, store)
    assert runner.invoke("campaign", "close", CAMPAIGN).exit_code == 0
    return campaign_id


def csv_fields(data: bytes) -> list[str]:
    """Files for people use ';' (the default reader is Kazakh), files for systems ','."""
    text = data.decode("utf-8-sig")
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    return [field for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for field in row]


def xlsx_cells(data: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def assert_csv_is_data(data: bytes) -> None:
    fields = csv_fields(data)
    assert [f for f in fields if f.startswith(STARTS)] == []
    assert any(f.startswith("'") and f[1:].startswith(STARTS) for f in fields), "no formula reached this file"


def assert_xlsx_is_data(data: bytes) -> None:
    cells = xlsx_cells(data)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert [t for t in texts if t.startswith(STARTS)] == []
    assert all(c.data_type == "s" for c in cells if isinstance(c.value, str))
    assert any(t.startswith("'") and t[1:].startswith(STARTS) for t in texts), "no formula reached this file"


# --- what staff download ----------------------------------------------------------------------------

def _links(client, campaign_id):
    return client.get(f"/hr/campaigns/{campaign_id}/links.csv")


def _raters(client, campaign_id):
    return client.get(f"/hr/campaigns/{campaign_id}/raters.csv")


def _report_links(client, campaign_id):
    path = f"/hr/campaigns/{campaign_id}/reports"
    return client.post(f"{path}/links.csv", data={"csrf_token": csrf(client, path)})


@pytest.mark.parametrize("download", [_links, _raters, _report_links], ids=["links", "raters", "report-links"])
def test_hr_csv_downloads_are_data(hr_client, closed, download):
    response = download(hr_client, closed)
    assert response.status_code == 200
    assert_csv_is_data(response.data)


@pytest.mark.parametrize("role, url", [
    ("hr", "/hr/campaigns/{id}/results.xlsx"),
    ("hr", "/trainer/cohorts.xlsx?campaign={id}"),
    ("trainer", "/trainer/needs.xlsx?campaign={id}"),
    ("hr-head", "/hr/quality/{id}/quality.xlsx"),
], ids=["results", "cohorts", "needs", "quality"])
def test_xlsx_downloads_are_data(staff, closed, role, url):
    response = prepared(staff(role), url.format(id=closed))
    assert response.status_code == 200
    assert_xlsx_is_data(response.data)


# --- what the command line writes ---------------------------------------------------------------------

@pytest.mark.parametrize("command, suffix", [
    (("links", "export"), ".csv"), (("raters", "suggest"), ".csv"), (("reports", "links"), ".csv"),
    (("results", "export"), ".csv"), (("results", "export"), ".xlsx"), (("training", "cohorts"), ".xlsx"),
    (("training", "export"), ".xlsx"), (("quality", "export"), ".xlsx"),
], ids=lambda v: "-".join(v) if isinstance(v, tuple) else v)
def test_files_of_the_command_line_are_data(runner, closed, tmp_path, command, suffix):
    out = tmp_path / f"out{suffix}"
    result = runner.invoke(*command, CAMPAIGN, "--out", str(out))
    assert result.exit_code == 0, result.output
    (assert_csv_is_data if suffix == ".csv" else assert_xlsx_is_data)(out.read_bytes())


# --- the one place that does it -----------------------------------------------------------------------

def test_numbers_stay_numbers():
    assert [tables.inert(v) for v in (-2, -2.5, 0, 3.25)] == [-2, -2.5, 0, 3.25]
    book = workbook.Book()
    book.sheet("numbers", ["value"]).row([-2.5])
    cell = openpyxl.load_workbook(io.BytesIO(book.save()))["numbers"]["A2"]
    assert cell.value == -2.5 and cell.data_type == "n"


@pytest.mark.parametrize("suffix, delimiter", [(".csv", ","), (".csv", ";"), (".xlsx", None)])
def test_a_written_file_reads_back_as_it_was(tmp_path, suffix, delimiter):
    """HR edits the raters file the platform suggests and imports it again: the marks come off,
    whether the file was written for a Kazakh or Russian Excel (';') or an English one (',')."""
    path = tmp_path / f"raters{suffix}"
    # XML, under .xlsx, keeps no carriage return: it comes back a line feed, with or without the mark.
    values = [v for v in FORMULAS if suffix == ".csv" or not v.startswith("\r")]
    rows = [[value, f"id{n}"] for n, value in enumerate(values + ["'quoted", "plain"])]
    if suffix == ".csv":
        tables.write_csv(path, ["name", "id"], rows, delimiter=delimiter)
        assert path.read_bytes().startswith(b"\xef\xbb\xbfname" + delimiter.encode())
    else:
        book = workbook.Book()
        sheet = book.sheet("raters", ["name", "id"])
        for row in rows:
            sheet.row(row)
        book.save(path)
    read = [[r.values["name"], r.values["id"]] for r in tables.read(path, ("name", "id"))]
    assert read == rows
