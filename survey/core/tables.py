"""Read the tables HR officers keep in Excel: ``.csv`` as Excel saves it, or ``.xlsx``; write CSV.

Excel in Kazakhstan saves CSV with ``;`` in the Russian locale and ``,`` in the English one, with
or without a byte-order mark; all are read the same. Rows come out as dicts keyed by lower-case
header names, with the row number a person sees in Excel.

Whatever the platform writes for a spreadsheet is data, never code: every value passes through
:func:`inert` (the CSV writers here, the workbooks in ``survey.core.workbook``), and reading takes
the mark off again, so that a file written here and edited in Excel reads back as it was.
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from survey.core import xlsx
from survey.core.messages import N_, DomainError

# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (or as a call of another
# program through DDE): the OWASP list of "CSV injection".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
INERT_MARK = "'"
# A roster is a body's people, one a row below the header. The platform is sized for 20,000
# assessees (docs/performance.md); 50,000 rows leave room for the largest body with its heads, and
# importing that many (about 15 s of CPU, most of it storing) stays inside gunicorn's 30 s. A
# longer file is refused when its row 50,002 is reached, before it costs more.
MAX_ROWS = 50_000
# An .xlsx of that many rows unpacks to under 30 MB, about 25 XML elements a row, and has a dozen
# parts (measured on openpyxl's inline strings; Excel's shared ones take less). Twice that and
# more is allowed; what a small, highly compressed upload can cost is bounded by these, not by its
# size (survey/core/xlsx.py): reading the 3.2 million elements allowed takes about 3 s.
MAX_UNPACKED = 64 * 1024 * 1024
MAX_ELEMENTS = MAX_ROWS * 64
MAX_PARTS = 1000
MAX_COLUMNS = 64  # the widest table has 8 columns; cells to the right of this are not read
# Excel splits a CSV it opens on the list separator of the reader's regional settings: "," in
# English, ";" in Kazakh and Russian, where the comma is the decimal sign. Given commas, a Kazakh
# or Russian Excel shows the whole file in one column.
SEMICOLON_LANGUAGES = ("kk", "ru")


class TableError(DomainError):
    """A problem at a row of a file; ``str()`` gives ``FILE:ROW: message`` in English."""

    def __init__(self, path: str | Path, row: int, message: str, **params):
        self.path, self.row = str(path), row
        super().__init__(message, **params)

    def __str__(self) -> str:
        return f"{self.path}:{self.row}: {super().__str__()}"

    def translated(self, gettext) -> str:
        return f"{self.path}:{self.row}: {super().translated(gettext)}"


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]


def read(path: str | Path, required: tuple[str, ...], optional: tuple[str, ...] = (), *, name: str | None = None,
         data: bytes | None = None) -> list[Row]:
    """Rows of a CSV or XLSX file; ``data`` lets a web upload be read without a temporary file."""
    path = Path(path)
    shown = name or str(path)
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise TableError(shown, 0, N_("cannot read the file: %(reason)s"), reason=str(exc.strerror or exc)) from None
    suffix = Path(shown).suffix.lower()
    if suffix == ".xlsx":
        header, body = _xlsx(shown, data)
    elif suffix in (".csv", ".txt"):
        header, body = _csv(shown, data)
    else:
        raise TableError(shown, 0, N_("expected a .csv or .xlsx file"))
    columns = [h.strip().lower() for h in header]
    missing = [c for c in required if c not in columns]
    if missing:
        raise TableError(shown, 1, N_("missing column(s): %(missing)s (the first row must name the columns: %(columns)s)"),
                         missing=", ".join(missing), columns=", ".join(required + optional))
    unknown = [c for c in columns if c and c not in required + optional]
    if unknown:
        raise TableError(shown, 1, N_("unknown column(s): %(columns)s"), columns=", ".join(unknown))
    rows = []
    for number, cells in body:
        values = {col: _restore((cells[i] if i < len(cells) else "").strip())
                  for i, col in enumerate(columns) if col}
        if any(values.values()):
            rows.append(Row(number, values))
    return rows


def _csv(name: str, data: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(name, 0, N_("the file is not UTF-8 text; in Excel use 'Save As' > 'CSV UTF-8'")) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise TableError(name, 1, N_("the file is empty")) from None

    def body():
        # Count records, not lines: a cell with a line break (Alt+Enter in Excel) spans two lines
        # of the file but is one row in Excel, and the row number must be the one Excel shows.
        number = 1
        try:
            for number, cells in enumerate(reader, 2):
                if number > MAX_ROWS + 1:
                    raise _too_many_rows(name, number)
                yield number, cells
        except csv.Error as exc:
            raise TableError(name, number + 1, N_("broken CSV: %(reason)s"), reason=str(exc)) from None

    return header, body()


def _xlsx(name: str, data: bytes):
    try:
        found = xlsx.rows(data, max_rows=MAX_ROWS + 1, max_columns=MAX_COLUMNS, max_unpacked=MAX_UNPACKED,
                          max_parts=MAX_PARTS, max_elements=MAX_ELEMENTS)
    except xlsx.Damaged as exc:
        raise TableError(name, exc.row, N_("not a readable .xlsx workbook (%(reason)s)"), reason=exc.reason) from None
    except xlsx.TooManyRows as exc:
        raise _too_many_rows(name, exc.row) from None
    except xlsx.TooLarge:
        raise TableError(name, 0, N_("the workbook is too large for a table of at most %(limit)d rows; save only "
                                     "the table, as .xlsx or as CSV"), limit=MAX_ROWS) from None
    if not found:
        raise TableError(name, 1, N_("the first sheet is empty"))
    if found[0][0] != 1:  # an empty first row is not in the file
        return [], iter(found)
    return found[0][1], iter(found[1:])


def _too_many_rows(name: str, row: int) -> TableError:
    return TableError(name, row, N_("more than %(limit)d rows below the header; a file may hold at most %(limit)d"),
                      limit=MAX_ROWS)


def inert(value):
    """A value that no spreadsheet will run: text that would start a formula gets an apostrophe.

    The roster's names, units and positions are typed by people, and a file written from them is
    opened by others: "=HYPERLINK(...)" in a name would send whoever clicks it away, "=cmd|..."
    would ask to run a program. The apostrophe is what a spreadsheet itself uses for "this is
    text", and it stays in a CSV saved again from it. Numbers, a negative one too, stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return INERT_MARK + value
    return value


def _restore(text: str) -> str:
    """The value :func:`inert` was given: a file the platform wrote can be edited and read back."""
    if text.startswith(INERT_MARK) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _inert_rows(header: list[str], rows: list[list[object]]):
    yield [inert(v) for v in header]
    for row in rows:
        yield [inert(v) for v in row]


def separator(language: str | None) -> str:
    """The separator a file for people is written with, so that the reader's Excel opens it in
    columns; files for other systems keep ``,`` whoever downloads them."""
    return ";" if language in SEMICOLON_LANGUAGES else ","


def write_csv(path: str | Path, header: list[str], rows: list[list[object]], *, private: bool = False,
              delimiter: str = ",") -> None:
    """CSV that Excel opens with Cyrillic intact (UTF-8 with a byte-order mark).

    ``private`` files (personal links) are readable by their owner only.
    """
    if private:
        Path(path).unlink(missing_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(_inert_rows(header, rows))


def write_csv_stream(out, header: list[str], parts: Iterable[list[list[object]]], *, delimiter: str = ",") -> None:
    """The same CSV as :func:`write_csv` into a binary file, its rows given a part at a time, so
    that a file of a million rows never needs them all at once."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text, delimiter=delimiter)
        writer.writerow([inert(v) for v in header])
        for rows in parts:
            writer.writerows([inert(v) for v in row] for row in rows)
    finally:
        text.detach()  # the caller's file stays open


class Counted:
    """Parts of rows (lists) passed on as they come, counting the rows: the size of a file written
    a part at a time is known once it is written."""

    def __init__(self, parts):
        self.parts, self.count = parts, 0

    def __iter__(self):
        for part in self.parts:
            self.count += len(part)
            yield part
