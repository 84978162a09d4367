"""``survey roster import``: CSV and XLSX as Excel saves them, every problem as ``FILE:ROW: message``,
and a roster with any problem imports nothing."""
from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
from sqlalchemy import func, select

from survey.core.models import Person

HEADER = ["employee_id", "full_name", "position", "unit", "role", "manager_id", "email", "language"]

# A small department: a director, a head under them, two servants under the head.
BODY = [
    ["D1", "Әлия Нұрланқызы Жұмабаева", "Департамент директоры", "Басшылық", "head", "", "aliya@example.kz", "kk"],
    ["H1", "Иванов Пётр Сергеевич", "Руководитель управления", "Управление кадров", "head", "D1", "ivanov@example.kz", "ru"],
    ["S1", "Ерлан Серікұлы Омаров", "Бас сарапшы", "Управление кадров", "servant", "H1", "", "kk"],
    ["S2", "Smith Anna", "Chief expert", "Управление кадров", "servant", "H1", "anna@example.kz", "en"],
]


# --- helpers ---------------------------------------------------------------------------------------

def csv_bytes(rows, header=HEADER, delimiter=",", bom=False) -> bytes:
    def cell(value):
        value = str(value)
        return f'"{value}"' if any(c in value for c in (delimiter, '"', "\n")) else value

    text = "".join(delimiter.join(cell(v) for v in row) + "\r\n" for row in [header, *rows])
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def write_csv(tmp_path: Path, rows, name="roster.csv", **kw) -> Path:
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows, **kw))
    return path


def write_xlsx(tmp_path: Path, rows, name="roster.xlsx", header=HEADER) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def people_in(store) -> dict[str, dict]:
    with store.transaction() as session:
        return {
            p.employee_id: {"full_name": p.full_name, "position": p.position, "unit": p.unit, "role": p.role,
                            "manager": p.manager.employee_id if p.manager else None, "email": p.email,
                            "language": p.language}
            for p in session.scalars(select(Person))
        }


def count_people(store) -> int:
    with store.transaction() as session:
        return session.scalar(select(func.count(Person.id)))


def import_ok(runner, path):
    result = runner.invoke("roster", "import", str(path))
    assert result.exit_code == 0, result.output
    return result


def import_failing(runner, path):
    result = runner.invoke("roster", "import", str(path))
    assert result.exit_code == 1, result.output
    return result


def error_lines(result) -> list[str]:
    """The ``FILE:ROW: message`` lines printed on stderr (without the closing summary)."""
    return [line for line in result.stderr.splitlines() if not line.startswith("Error:")]


def with_row(index, **changes):
    """BODY with row ``index`` changed (column name -> value)."""
    rows = [list(r) for r in BODY]
    for column, value in changes.items():
        rows[index][HEADER.index(column)] = value
    return rows


# --- formats ---------------------------------------------------------------------------------------

def test_comma_csv_imports_every_person(runner, store, tmp_path):
    result = import_ok(runner, write_csv(tmp_path, BODY))
    assert "4 added, 0 updated" in result.stdout
    assert sorted(people_in(store)) == ["D1", "H1", "S1", "S2"]


def test_comma_csv_stores_every_column(runner, store, tmp_path):
    import_ok(runner, write_csv(tmp_path, BODY))
    assert people_in(store)["S2"] == {"full_name": "Smith Anna", "position": "Chief expert", "unit": "Управление кадров",
                                      "role": "servant", "manager": "H1", "email": "anna@example.kz", "language": "en"}


def test_semicolon_csv_imports_like_comma_csv(runner, store, tmp_path):
    import_ok(runner, write_csv(tmp_path, BODY, delimiter=";"))
    assert people_in(store)["H1"] == {"full_name": "Иванов Пётр Сергеевич", "position": "Руководитель управления",
                                      "unit": "Управление кадров", "role": "head", "manager": "D1",
                                      "email": "ivanov@example.kz", "language": "ru"}


def test_semicolon_csv_keeps_commas_inside_cells(runner, store, tmp_path):
    rows = with_row(1, position="Руководитель, главный эксперт")
    import_ok(runner, write_csv(tmp_path, rows, delimiter=";"))
    assert people_in(store)["H1"]["position"] == "Руководитель, главный эксперт"


def test_csv_with_byte_order_mark_reads_the_first_column(runner, store, tmp_path):
    import_ok(runner, write_csv(tmp_path, BODY, bom=True))
    assert sorted(people_in(store)) == ["D1", "H1", "S1", "S2"]


def test_semicolon_csv_with_byte_order_mark_is_read(runner, store, tmp_path):
    import_ok(runner, write_csv(tmp_path, BODY, delimiter=";", bom=True))
    assert people_in(store)["S1"]["manager"] == "H1"


def test_kazakh_and_russian_names_are_preserved(runner, store, tmp_path):
    import_ok(runner, write_csv(tmp_path, BODY, bom=True))
    stored = people_in(store)
    assert stored["D1"]["full_name"] == "Әлия Нұрланқызы Жұмабаева"
    assert stored["D1"]["position"] == "Департамент директоры"
    assert stored["H1"]["full_name"] == "Иванов Пётр Сергеевич"
    assert stored["S1"]["full_name"] == "Ерлан Серікұлы Омаров"


def test_header_names_are_case_and_space_insensitive(runner, store, tmp_path):
    header = [" Employee_ID", "Full_Name ", "POSITION", "Unit", "Role", "Manager_Id", "Email", "Language"]
    import_ok(runner, write_csv(tmp_path, BODY, header=header))
    assert sorted(people_in(store)) == ["D1", "H1", "S1", "S2"]


def test_role_and_language_are_read_case_insensitively(runner, store, tmp_path):
    import_ok(runner, write_csv(tmp_path, with_row(2, role="Servant", language="RU")))
    assert people_in(store)["S1"]["role"] == "servant"
    assert people_in(store)["S1"]["language"] == "ru"


def test_xlsx_imports_every_person(runner, store, tmp_path):
    import_ok(runner, write_xlsx(tmp_path, BODY))
    stored = people_in(store)
    assert sorted(stored) == ["D1", "H1", "S1", "S2"]
    assert stored["D1"]["full_name"] == "Әлия Нұрланқызы Жұмабаева"
    assert stored["S1"]["manager"] == "H1"


def test_xlsx_integer_employee_id_is_read_without_decimals(runner, store, tmp_path):
    rows = [[1024, "Head 1024", "Head", "Unit", "head", None, None, "kk"],
            [2048, "Servant 2048", "Expert", "Unit", "servant", 1024, None, "ru"]]
    import_ok(runner, write_xlsx(tmp_path, rows))
    stored = people_in(store)
    assert sorted(stored) == ["1024", "2048"]
    assert stored["2048"]["manager"] == "1024"


def test_xlsx_number_stored_with_decimals_is_read_as_a_whole_id(runner, store, tmp_path):
    # Some spreadsheet programs store a typed 1024 as "1024.0"; openpyxl then reads a float.
    path = write_xlsx(tmp_path, [[1024, "Head 1024", "Head", "Unit", "head", None, None, "kk"]])
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert sheet.count(b"<v>1024</v>") == 1
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b"<v>1024</v>", b"<v>1024.0</v>")
    with zipfile.ZipFile(path, "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)
    import_ok(runner, path)
    assert sorted(people_in(store)) == ["1024"]


def test_xlsx_empty_cells_are_empty_text(runner, store, tmp_path):
    rows = [["D1", "Director", None, None, "head", None, None, None]]
    import_ok(runner, write_xlsx(tmp_path, rows))
    assert people_in(store)["D1"] == {"full_name": "Director", "position": "", "unit": "", "role": "head",
                                      "manager": None, "email": "", "language": "kk"}


def test_xlsx_error_names_the_excel_row(runner, store, tmp_path):
    path = write_xlsx(tmp_path, with_row(2, role="boss"))
    result = import_failing(runner, path)
    assert error_lines(result) == [f"{path}:4: role 'boss' is not one of: head, servant"]


def test_empty_language_defaults_to_kazakh(runner, store, tmp_path):
    import_ok(runner, write_csv(tmp_path, with_row(1, language="")))
    assert people_in(store)["H1"]["language"] == "kk"


def test_roster_without_language_column_defaults_to_kazakh(runner, store, tmp_path):
    header = ["employee_id", "full_name", "role", "manager_id"]
    import_ok(runner, write_csv(tmp_path, [["D1", "Director", "head", ""]], header=header))
    assert people_in(store)["D1"]["language"] == "kk"


def test_blank_lines_are_skipped_without_shifting_row_numbers(runner, store, tmp_path):
    bad = with_row(2, role="boss")[2]
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes(BODY[:2]) + b",,,,,,,\r\n\r\n" + ",".join(bad).encode("utf-8") + b"\r\n")
    result = import_failing(runner, path)
    assert error_lines(result) == [f"{path}:6: role 'boss' is not one of: head, servant"]


def test_csv_row_numbers_count_excel_rows_after_a_cell_with_a_line_break(runner, store, tmp_path):
    # A cell with Alt+Enter in Excel is saved as a quoted field spanning two lines; Excel still shows
    # it as one row, so the bad person below is row 4 in Excel (line 5 of the file).
    rows = with_row(1, position="Руководитель\nуправления")
    rows[2][HEADER.index("role")] = "boss"
    path = write_csv(tmp_path, rows)
    result = import_failing(runner, path)
    assert error_lines(result) == [f"{path}:4: role 'boss' is not one of: head, servant"]


# --- every problem as FILE:ROW: message ------------------------------------------------------------

def test_unknown_manager_names_the_row(runner, store, tmp_path):
    path = write_csv(tmp_path, with_row(2, manager_id="H9"))
    result = import_failing(runner, path)
    assert error_lines(result) == [f"{path}:4: manager_id 'H9' is not in the roster"]


def test_duplicate_employee_id_names_both_rows(runner, store, tmp_path):
    path = write_csv(tmp_path, with_row(3, employee_id="S1"))
    result = import_failing(runner, path)
    assert error_lines(result) == [f"{path}:5: employee_id 'S1' appears twice (also row 4)"]


def test_bad_role_names_the_row(runner, store, tmp_path):
    path = write_csv(tmp_path, with_row(1, role="boss"))
    result = import_failing(runner, path)
    assert error_lines(result) == [f"{path}:3: role 'boss' is not one of: head, servant"]


def test_manager_cycle_names_the_row_and_the_chain(runner, store, tmp_path):
    rows = [["A", "Person A", "", "", "head", "B", "", "kk"],
            ["B", "Person B", "", "", "head", "A", "", "kk"]]
    path = write_csv(tmp_path, rows)
    result = import_failing(runner, path)
    assert error_lines(result) == [f"{path}:2: managers form a cycle: A -> B -> A"]


def test_own_manager_names_the_row(runner, store, tmp_path):
    path = write_csv(tmp_path, with_row(0, manager_id="D1"))
    result = import_failing(runner, path)
    assert error_lines(result) == [f"{path}:2: 'D1' is their own manager"]


def test_bad_language_names_the_row(runner, store, tmp_path):
    path = write_csv(tmp_path, with_row(2, language="de"))
    result = import_failing(runner, path)
    assert error_lines(result) == [f"{path}:4: language 'de' is not one of: kk, ru, en"]


def test_bad_email_names_the_row(runner, store, tmp_path):
    path = write_csv(tmp_path, with_row(3, email="anna.example.kz"))
    result = import_failing(runner, path)
    assert error_lines(result) == [f"{path}:5: email 'anna.example.kz' is not an e-mail address"]


def test_empty_employee_id_names_the_row(runner, store, tmp_path):
    path = write_csv(tmp_path, with_row(3, employee_id=""))
    result = import_failing(runner, path)
    assert error_lines(result) == [f"{path}:5: employee_id is empty"]


def test_empty_full_name_names_the_row(runner, store, tmp_path):
    path = write_csv(tmp_path, with_row(3, full_name=""))
    result = import_failing(runner, path)
    assert error_lines(result) == [f"{path}:5: full_name of 'S2' is empty"]


def test_position_too_long_for_the_database_names_the_row(runner, store, tmp_path):
    # people.position is String(200): a longer title must be a FILE:ROW error on every database,
    # not a crash (PostgreSQL) or a silent import (SQLite).
    long_position = "Бас сарапшы " * 20  # 240 characters
    path = write_csv(tmp_path, with_row(1, position=long_position))
    result = runner.invoke("roster", "import", str(path))
    assert result.exit_code == 1, result.output
    lines = error_lines(result)
    assert len(lines) == 1 and lines[0].startswith(f"{path}:3: ") and "position" in lines[0], lines
    assert count_people(store) == 0


def test_missing_column_names_the_header_row(runner, store, tmp_path):
    header = [h for h in HEADER if h != "manager_id"]
    rows = [[v for h, v in zip(HEADER, r) if h != "manager_id"] for r in BODY]
    path = write_csv(tmp_path, rows, header=header)
    result = import_failing(runner, path)
    assert error_lines(result) == [
        f"{path}:1: missing column(s): manager_id (the first row must name the columns: "
        "employee_id, full_name, role, manager_id, position, unit, email, language, category, in_post_since, status, "
        "status_since, status_until)"]


def test_unknown_column_names_the_header_row(runner, store, tmp_path):
    path = write_csv(tmp_path, [r + ["x"] for r in BODY], header=HEADER + ["salary"])
    result = import_failing(runner, path)
    assert error_lines(result) == [f"{path}:1: unknown column(s): salary"]


def test_file_that_is_not_utf8_is_refused_with_advice(runner, store, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes(BODY).decode("utf-8").encode("cp1251", errors="replace"))
    result = import_failing(runner, path)
    assert error_lines(result) == [f"{path}:0: the file is not UTF-8 text; in Excel use 'Save As' > 'CSV UTF-8'"]
    assert count_people(store) == 0


def test_unsupported_extension_is_refused(runner, store, tmp_path):
    path = tmp_path / "roster.xls"
    path.write_bytes(csv_bytes(BODY))
    result = import_failing(runner, path)
    assert error_lines(result) == [f"{path}:0: expected a .csv or .xlsx file"]


def test_damaged_xlsx_is_refused(runner, store, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(csv_bytes(BODY))
    result = import_failing(runner, path)
    lines = error_lines(result)
    assert len(lines) == 1 and lines[0].startswith(f"{path}:0: not a readable .xlsx workbook")


def test_missing_file_is_refused(runner, store, tmp_path):
    path = tmp_path / "nowhere.csv"
    result = import_failing(runner, path)
    lines = error_lines(result)
    assert len(lines) == 1 and lines[0].startswith(f"{path}:0: cannot read the file")


def test_empty_csv_is_refused(runner, store, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(b"")
    result = import_failing(runner, path)
    assert error_lines(result) == [f"{path}:1: the file is empty"]


def test_several_errors_in_one_file_are_all_reported_in_row_order(runner, store, tmp_path):
    rows = [list(r) for r in BODY]
    rows[3][HEADER.index("email")] = "not-an-address"
    rows[1][HEADER.index("role")] = "boss"
    rows[2][HEADER.index("manager_id")] = "H9"
    rows[2][HEADER.index("language")] = "de"
    path = write_csv(tmp_path, rows)
    result = import_failing(runner, path)
    assert error_lines(result) == [
        f"{path}:3: role 'boss' is not one of: head, servant",
        f"{path}:4: language 'de' is not one of: kk, ru, en",
        f"{path}:4: manager_id 'H9' is not in the roster",
        f"{path}:5: email 'not-an-address' is not an e-mail address",
    ]
    assert result.stderr.splitlines()[-1] == f"Error: nothing imported: 4 problem(s) in {path}"


# --- all or nothing --------------------------------------------------------------------------------

def test_file_with_one_bad_row_imports_nobody(runner, store, tmp_path):
    import_failing(runner, write_csv(tmp_path, with_row(3, role="boss")))
    assert count_people(store) == 0


def test_bad_reimport_leaves_the_database_unchanged(runner, store, tmp_path):
    import_ok(runner, write_csv(tmp_path, BODY, name="first.csv"))
    before = people_in(store)
    rows = with_row(2, full_name="Renamed", unit="Elsewhere")
    rows.append(["S3", "New Servant", "", "", "servant", "H1", "", "kk"])
    rows.append(["S4", "Bad Servant", "", "", "servant", "H1", "", "de"])
    import_failing(runner, write_csv(tmp_path, rows, name="second.csv"))
    assert people_in(store) == before


# --- re-import and earlier files -------------------------------------------------------------------

def test_reimport_updates_people_by_employee_id_without_duplicates(runner, store, tmp_path):
    import_ok(runner, write_csv(tmp_path, BODY, name="first.csv"))
    rows = with_row(2, full_name="Ерлан Омаров", unit="Управление анализа", manager_id="D1", position="Сарапшы")
    result = import_ok(runner, write_csv(tmp_path, rows, name="second.csv"))
    assert "0 added, 4 updated" in result.stdout
    assert count_people(store) == 4
    assert people_in(store)["S1"] == {"full_name": "Ерлан Омаров", "position": "Сарапшы", "unit": "Управление анализа",
                                      "role": "servant", "manager": "D1", "email": "", "language": "kk"}


def test_reimport_can_remove_a_manager(runner, store, tmp_path):
    import_ok(runner, write_csv(tmp_path, BODY, name="first.csv"))
    import_ok(runner, write_csv(tmp_path, with_row(1, manager_id=""), name="second.csv"))
    assert people_in(store)["H1"]["manager"] is None


def test_reimport_of_part_of_the_roster_keeps_the_others(runner, store, tmp_path):
    import_ok(runner, write_csv(tmp_path, BODY, name="first.csv"))
    result = import_ok(runner, write_csv(tmp_path, [BODY[3][:1] + ["Anna Smith"] + BODY[3][2:]], name="second.csv"))
    assert "0 added, 1 updated" in result.stdout
    stored = people_in(store)
    assert sorted(stored) == ["D1", "H1", "S1", "S2"]
    assert stored["S2"]["full_name"] == "Anna Smith"
    assert stored["S1"]["full_name"] == "Ерлан Серікұлы Омаров"


def test_roster_may_name_a_manager_imported_in_an_earlier_file(runner, store, tmp_path):
    import_ok(runner, write_csv(tmp_path, BODY[:2], name="heads.csv"))
    result = import_ok(runner, write_csv(tmp_path, BODY[2:], name="servants.csv"))
    assert "2 added, 0 updated" in result.stdout
    assert people_in(store)["S1"]["manager"] == "H1"
    assert people_in(store)["H1"]["manager"] == "D1"


def test_cycle_through_a_person_imported_earlier_is_refused(runner, store, tmp_path):
    import_ok(runner, write_csv(tmp_path, BODY, name="first.csv"))
    path = write_csv(tmp_path, [BODY[0][:5] + ["S1"] + BODY[0][6:]], name="second.csv")
    result = import_failing(runner, path)
    assert error_lines(result) == [f"{path}:2: managers form a cycle: D1 -> S1 -> H1 -> D1"]
    assert people_in(store)["D1"]["manager"] is None
