"""Finding 2: small .xlsx uploads that unpack to far more than they weigh.

A 346 KB upload holding an 88 MB sheet gave a 500 after 31 s; 187 KB of three million empty rows
killed the worker; malformed XML gave a 500. Each is built here with zipfile, uploaded as HR does,
and must come back as the row-list page (422, ``FILE:ROW: message``) at once.
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
from html import unescape
from typing import Iterable

import openpyxl
import pytest

from survey.campaigns import roster
from survey.core import tables
from survey.core.models import Person

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
HEADER = b"".join(b'<c t="inlineStr"><is><t>%s</t></is></c>' % column.encode() for column in roster.COLUMNS)


def _relationships(*links: tuple[str, str]) -> str:
    return (f'<Relationships xmlns="{PACKAGE}/relationships">' + "".join(
        f'<Relationship Id="rId{n}" Type="{RELATIONSHIPS}/{kind}" Target="{target}"/>'
        for n, (kind, target) in enumerate(links, 1)) + "</Relationships>")


def workbook(sheet: Iterable[bytes], *, strings: bytes | None = None, prefix: str = "",
             dimension: str | None = None) -> bytes:
    """An .xlsx that openpyxl reads too, whose first sheet's ``sheetData`` is ``sheet``, written in
    pieces so that a sheet of many megabytes never sits in memory; ``prefix`` names the main
    namespace as some writers do."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns{":" + prefix if prefix else ""}="{MAIN}"'
    overrides = [("workbook", "sheet.main"), ("worksheets/sheet1", "worksheet")]
    links = [("worksheet", "worksheets/sheet1.xml")]
    if strings is not None:
        overrides.append(("sharedStrings", "sharedStrings"))
        links.append(("sharedStrings", "/xl/sharedStrings.xml"))
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{PACKAGE}/content-types"><Default Extension="rels" ContentType='
                               f'"application/vnd.openxmlformats-package.relationships+xml"/>' + "".join(
                                   f'<Override PartName="/xl/{part}.xml" ContentType="{CONTENT}.{kind}+xml"/>'
                                   for part, kind in overrides) + "</Types>",
        "_rels/.rels": _relationships(("officeDocument", "xl/workbook.xml")),
        "xl/workbook.xml": f'<{p}workbook {xmlns} xmlns:r="{RELATIONSHIPS}"><{p}sheets>'
                           f'<{p}sheet name="People" sheetId="1" r:id="rId1"/></{p}sheets></{p}workbook>',
        "xl/_rels/workbook.xml.rels": _relationships(*links),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        if strings is not None:
            archive.writestr("xl/sharedStrings.xml", b'<sst xmlns="%s">%s</sst>' % (MAIN.encode(), strings))
        with archive.open("xl/worksheets/sheet1.xml", "w") as out:
            out.write(f"<{p}worksheet {xmlns}>".encode())
            if dimension:
                out.write(f'<{p}dimension ref="{dimension}"/>'.encode())
            out.write(f"<{p}sheetData>".encode())
            for piece in sheet:
                out.write(piece)
            out.write(f"</{p}sheetData></{p}worksheet>".encode())
    return buffer.getvalue()


def declared(data: bytes, name: str, size: int) -> bytes:
    """The archive with the part ``name`` declaring ``size`` unpacked bytes, whatever it holds."""
    out = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    struct.pack_into("<I", out, info.header_offset + 22, size)  # the local header
    central = out.index(b"PK\x01\x02")
    while out[central + 46:central + 46 + struct.unpack_from("<H", out, central + 28)[0]] != name.encode():
        central = out.index(b"PK\x01\x02", central + 46)
    struct.pack_into("<I", out, central + 24, size)  # and the central directory's record
    return bytes(out)


def with_sheet(data: bytes, sheet: bytes) -> bytes:
    """The archive with its first sheet replaced by ``sheet``, bytes as they are."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, sheet if info.filename == "xl/worksheets/sheet1.xml" else source.read(info))
    return out.getvalue()


def in_chunks(piece: bytes, count: int, per_chunk: int = 10_000) -> Iterable[bytes]:
    for done in range(0, count, per_chunk):
        yield piece * min(per_chunk, count - done)


def upload(client, data: bytes, name: str = "roster.xlsx", path: str = "/hr/people"):
    """As HR uploads: the form of the page the upload is posted from, with its CSRF token."""
    from conftest import csrf

    page = path if path == "/hr/people" else path.rsplit("/", 1)[0]
    return client.post(path, data={"csrf_token": csrf(client, page), "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def errors(response) -> list[str]:
    return [unescape(e) for e in re.findall(r"<li>(\w+\.xlsx:\d+: [^<]*)</li>", response.get_data(as_text=True))]


def test_an_xlsx_bomb_is_refused_from_its_declared_size(hr_client, store):
    row = b"<row>" + (b'<c t="inlineStr"><is><t>' + b"x" * 4_000 + b"</t></is></c>") * 8 + b"</row>"
    bomb = workbook([b"<row>" + HEADER + b"</row>", *in_chunks(row, 88 * 1024 * 1024 // len(row), 100)])
    assert len(bomb) < 346 * 1024
    response = upload(hr_client, bomb)
    assert response.status_code == 422
    assert errors(response) == ["roster.xlsx:0: the workbook is too large for a table of at most 50000 rows; "
                                "save only the table, as .xlsx or as CSV"]
    # Declaring less than it holds does not help: zipfile stops at the declared size, the CRC fails.
    lying = upload(hr_client, declared(bomb, "xl/worksheets/sheet1.xml", 1024))
    assert lying.status_code == 422
    assert errors(lying) == ["roster.xlsx:1: not a readable .xlsx workbook (BadZipFile)"]


def test_three_million_empty_rows_are_refused_at_the_row_limit(hr_client, store):
    sheet = workbook([b"<row>" + HEADER + b"</row>", *in_chunks(b"<row/>", 3_000_000, 100_000)],
                     dimension="A1:XFD3000000")
    assert len(sheet) < 200 * 1024
    response = upload(hr_client, sheet)
    assert response.status_code == 422
    assert errors(response) == ["roster.xlsx:50002: more than 50000 rows below the header; "
                                "a file may hold at most 50000"]


def test_malformed_xml_and_files_that_are_not_workbooks_get_the_row_list(hr_client, store):
    good = b'<row r="%d"><c t="inlineStr"><is><t>E%d</t></is></c></row>'
    rows = [b'<row r="1">' + HEADER + b"</row>", *(good % (n, n) for n in range(2, 3_000)),
            b'<row r="3000"><c t="inlineStr"><is><t>broken</is></c></row>']
    response = upload(hr_client, workbook(rows, dimension="A1:H3000"))
    assert response.status_code == 422
    assert errors(response) == ["roster.xlsx:3000: not a readable .xlsx workbook (ExpatError)"]

    not_a_book = io.BytesIO()
    with zipfile.ZipFile(not_a_book, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    for data in (not_a_book.getvalue(), b"PK\x03\x04 not really a zip", b"employee_id;full_name\n"):
        response = upload(hr_client, data)
        assert response.status_code == 422
        [error] = errors(response)
        assert error.startswith("roster.xlsx:0: not a readable .xlsx workbook (")

    entity = with_sheet(workbook([]), b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>'
                                      b'<worksheet xmlns="' + MAIN.encode() + b'"><sheetData/></worksheet>')
    response = upload(hr_client, entity)
    assert response.status_code == 422 and errors(response) == [
        "roster.xlsx:1: not a readable .xlsx workbook (DOCTYPE)"]
    with store.transaction() as session:
        assert session.query(Person).count() == 0


def test_a_sheet_of_millions_of_empty_cells_or_deep_nesting_is_refused(hr_client):
    # 3.3 million cells in 13 KB: within the unpacked size, refused by the count of XML elements.
    cells = workbook([b"<row>" + HEADER + b"</row><row>", *in_chunks(b"<c/>", 3_300_000, 100_000), b"</row>"])
    assert len(cells) < 20 * 1024
    response = upload(hr_client, cells)
    assert response.status_code == 422
    assert errors(response)[0].startswith("roster.xlsx:0: the workbook is too large")

    deep = workbook([b"<row>" + HEADER + b'</row><row><c t="inlineStr"><is>', b"<r>" * 1_000_000])
    response = upload(hr_client, deep)
    assert response.status_code == 422
    assert errors(response) == ["roster.xlsx:2: not a readable .xlsx workbook (elements nested too deep)"]


def test_what_excel_and_openpyxl_write_is_read(tmp_path):
    """The reader takes what rosters are written with: openpyxl's inline strings; Excel's shared
    ones, with rich text and phonetic runs; numbers stored as 1024.0; the namespace under a
    prefix; cells without references; a row left out."""
    values = [["E1", "Асанов Бауыржан", "Бас маман", "Бөлім", "head", None, "a@b.kz", "kk"],
              [1024, "Иванов Пётр", "Главный специалист", "Отдел", "servant", "E1", None, "ru"],
              [1024.0 + 1, "O'Brien", "Expert", "Unit", "servant", "E1", "", "en"]]
    for write_only in (False, True):
        book = openpyxl.Workbook(write_only=write_only)
        sheet = book.create_sheet("People") if write_only else book.active
        sheet.append(list(roster.COLUMNS[:8]))
        for row in values:
            sheet.append(row)
        path = tmp_path / f"roster-{write_only}.xlsx"
        book.save(path)
        rows = tables.read(path, roster.REQUIRED, roster.OPTIONAL)
        assert [list(r.values.values()) for r in rows] == [
            ["E1", "Асанов Бауыржан", "Бас маман", "Бөлім", "head", "", "a@b.kz", "kk"],
            ["1024", "Иванов Пётр", "Главный специалист", "Отдел", "servant", "E1", "", "ru"],
            ["1025", "O'Brien", "Expert", "Unit", "servant", "E1", "", "en"]]

    strings = (b"<si><t>employee_id</t></si><si><r><rPr><b/></rPr><t>full_</t></r><r><t>name</t></r></si>"
               b"<si><t>role</t></si><si><t>manager_id</t></si>"
               b"<si><t>\xd0\x90\xd1\x81\xd0\xb0\xd0\xbd</t><rPh sb=\"0\" eb=\"1\"><t>reading</t></rPh></si>")
    sheet = [b'<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c>'
             b'<x:c r="C1" t="s"><x:v>2</x:v></x:c><x:c r="D1" t="s"><x:v>3</x:v></x:c></x:row>',
             b'<x:row r="3"><x:c><x:v>7.0</x:v></x:c><x:c t="s"><x:v>4</x:v></x:c>'
             b'<x:c t="inlineStr"><x:is><x:t>head</x:t></x:is></x:c><x:c r="XFD3"><x:v>1</x:v></x:c></x:row>']
    path = tmp_path / "excel.xlsx"
    path.write_bytes(workbook(sheet, strings=strings, prefix="x"))
    [row] = tables.read(path, ("employee_id", "full_name", "role", "manager_id"))
    assert (row.number, row.values) == (3, {"employee_id": "7", "full_name": "Асан", "role": "head", "manager_id": ""})


def test_a_csv_is_held_to_the_same_row_limit(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(b"employee_id\n" + b"E\n" * 50_001)
    with pytest.raises(tables.TableError) as caught:
        tables.read(path, ("employee_id",), name="r.csv")
    assert str(caught.value).startswith("r.csv:50002: more than 50000 rows below the header")
    path.write_bytes(b"employee_id\n" + b"E\n" * 50_000)
    assert len(tables.read(path, ("employee_id",))) == 50_000


def test_a_rater_list_is_read_within_the_same_limits(hr_client, store, app):
    import datetime as dt

    from conftest import small_body

    from survey.campaigns import lifecycle, people

    with store.transaction() as session:
        people.apply_rows(session, roster.validate(small_body(), "body", {}))
        campaign = lifecycle.create(session, "Draft 2026", dt.date.today() + dt.timedelta(days=10),
                                    app.extensions["survey.instruments"])
        path = f"/hr/campaigns/{campaign.id}/raters/import"
    header = b"".join(b'<c t="inlineStr"><is><t>%s</t></is></c>' % c for c in (b"assessee_id", b"rater_id", b"relation"))
    rows = workbook([b"<row>" + header + b"</row>", *in_chunks(b"<row/>", 3_000_000, 100_000)])
    response = upload(hr_client, rows, "raters.xlsx", path)
    assert response.status_code == 422
    assert errors(response) == ["raters.xlsx:50002: more than 50000 rows below the header; a file may hold at most 50000"]
    broken = workbook([b"<row>" + header + b'</row><row><c t="inlineStr"><is><t>S1</is></c></row>'])
    response = upload(hr_client, broken, "raters.xlsx", path)
    assert response.status_code == 422
    assert errors(response) == ["raters.xlsx:2: not a readable .xlsx workbook (ExpatError)"]
