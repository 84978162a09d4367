"""The .xlsx files the platform writes: results, measurement quality, training needs and cohorts.

Every workbook is written the same way, so that they look alike and are safe alike: a bold,
wrapped, frozen header row (and, where a row is a person, the columns that name them); widths
that fit the headers; number formats on the cells that hold numbers; fills where a colour helps
(never as the only sign of anything); and every text stored as text, made inert by :func:`survey.core.tables.inert` (a name
typed as ``=HYPERLINK(...)`` in the roster must never reach a colleague's Excel as a formula).

Sheets are written row by row (openpyxl's write-only mode): a campaign of thousands of assessees
is written without holding the whole workbook in memory, which is why widths are given before the
first row and there is no going back to a row once written.
"""
from __future__ import annotations

import copy
import functools
import io
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

from survey.core.tables import inert

TWO_DECIMALS = "0.00"
PERCENT = "0%"
_FORBIDDEN_IN_TITLES = "[]:*?/\\"  # Excel refuses a sheet named with any of these


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header words (a catalogue message with ``params``, or words
    already translated), the value it shows of an item, and how Excel is to show a number."""

    header: str
    get: Callable[[Any], object]
    number_format: str | None = None
    width: float | None = None
    params: Mapping[str, object] = field(default_factory=dict)

    def title(self, gettext: Callable[..., str] | None = None) -> str:
        return gettext(self.header, **self.params) if gettext else self.header


class Book:
    def __init__(self):
        import openpyxl  # only the pages and commands that write a workbook pay for it

        self._book = openpyxl.Workbook(write_only=True)
        self._styles: dict[tuple, object] = {}  # one style per look, shared by the book's sheets

    def sheet(self, title: str, header: Sequence[str] = (), *, widths: Sequence[float | None] = (),
              formats: Sequence[str | None] = (), default_width: float | None = None,
              frozen_columns: int = 0) -> SheetWriter:
        """A sheet; with a ``header``, its first row, in bold and frozen so that it stays in view, and
        its first ``frozen_columns`` columns too (who a row is about, while scrolling to the right).

        A column's width is the one in ``widths``, else ``default_width``, else one that fits its header.
        """
        sheet = SheetWriter(self._book.create_sheet(_sheet_title(title)), formats, self._styles)
        for i in range(max(len(header), len(widths))):
            width = widths[i] if i < len(widths) else None
            if width is None:
                width = default_width or (_fit(header[i]) if i < len(header) else 12)
            sheet._width(i + 1, width)
        if header:
            sheet._header(header, frozen_columns)
        return sheet

    def table(self, title: str, columns: Sequence[Column], gettext: Callable[..., str] | None = None) -> SheetWriter:
        """A sheet whose columns, widths and number formats are those of ``columns``."""
        sheet = self.sheet(title, [c.title(gettext) for c in columns], widths=[c.width for c in columns],
                           formats=[c.number_format for c in columns])
        sheet.columns = tuple(columns)
        return sheet

    def save(self, target=None) -> bytes | None:
        """Into ``target`` (a path or a binary file); without one, the bytes of the file."""
        if target is not None:
            self._book.save(target)
            return None
        out = io.BytesIO()
        self._book.save(out)
        return out.getvalue()


class SheetWriter:
    """A sheet being written: rows go down one after another, each cell through :func:`_cell`."""

    def __init__(self, sheet, formats: Sequence[str | None] = (), styles: dict | None = None):
        self._sheet = sheet
        self._styles = {} if styles is None else styles
        self.formats = tuple(formats)
        self.columns: tuple[Column, ...] = ()
        self.rows = 0
        self._last_column = 0

    def _width(self, column: int, width: float) -> None:
        from openpyxl.utils import get_column_letter

        self._sheet.column_dimensions[get_column_letter(column)].width = width

    def _header(self, words: Sequence[str], frozen_columns: int = 0) -> None:
        from openpyxl.utils import get_column_letter

        # Written with the sheet's top, before the first row.
        self._sheet.freeze_panes = f"{get_column_letter(frozen_columns + 1)}2"
        self._append([self._cell(w, (None, "bold", True, None)) for w in words])

    def row(self, values: Iterable[object], formats: Sequence[str | None] | None = None, *,
            bold_first: bool = False, italic: bool = False, fills: Sequence[str | None] = (),
            wrap: bool = False) -> None:
        """One row; a number gets the format of its column (``formats``, else the sheet's), a cell
        the background colour in ``fills`` (RGB hex, ``None`` for none); ``wrap``: long texts wrap."""
        formats = self.formats if formats is None else formats
        plain = not (bold_first or italic or fills or wrap)
        cells = []
        for i, value in enumerate(values):
            number_format = formats[i] if i < len(formats) else None
            if not _is_number(value):
                number_format = None
            if plain and number_format is None:  # most cells of a long sheet: no look to find
                cells.append(inert(value))
                continue
            look = (number_format, "bold" if bold_first and i == 0 else "italic" if italic else None, wrap,
                    fills[i] if i < len(fills) else None)
            cells.append(self._cell(value, look))
        self._append(cells)

    def _cell(self, value, look: tuple):
        """A cell that is exactly its value: text as text (never a formula), numbers as numbers,
        in one of the book's styles. A style is built once per look and shared by every cell that
        has it (a written cell is never touched again): building one per cell (a font, a fill,
        their hashes) cost more than the XML."""
        if value is None and look[1] is None and look[3] is None:
            return None
        if not any(look):  # a plain value: openpyxl writes it through one cell of its own, text as text
            return inert(value)
        cell = _write_only_cell()(self._sheet, value=inert(value))
        if isinstance(cell.value, str):
            cell.data_type = "s"
        style = self._styles.get(look)
        if style is None:
            style = self._styles[look] = _style(cell, *look)
        cell._style = style
        return cell

    def add(self, item) -> None:
        """The row of one item, read through the sheet's columns (see :meth:`Book.table`)."""
        self.row([c.get(item) for c in self.columns])

    def blank(self, count: int = 1) -> None:
        for _ in range(count):
            self._append([])

    def image(self, data: bytes) -> None:
        """A PNG under the last row, and as many blank rows as it covers, so the next row is clear of it."""
        from openpyxl.drawing.image import Image

        image = Image(io.BytesIO(data))
        image.anchor = f"A{self.rows + 1}"
        self._sheet.add_image(image)
        self.blank(int(image.height / 20) + 3)

    def filter(self) -> None:
        """Excel's filter buttons on the header, over every row written so far."""
        from openpyxl.utils import get_column_letter

        self._sheet.auto_filter.ref = f"A1:{get_column_letter(max(self._last_column, 1))}{max(self.rows, 1)}"

    def _append(self, cells: list) -> None:
        self._sheet.append(cells)
        self.rows += 1
        self._last_column = max(self._last_column, len(cells))


@functools.cache
def _write_only_cell():
    from openpyxl.cell import WriteOnlyCell  # only the pages and commands that write a workbook pay for it

    return WriteOnlyCell


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _style(cell, number_format: str | None, emphasis: str | None, wrap: bool, colour: str | None):
    """The style array of a look, registered with the cell's workbook."""
    from openpyxl.styles import Alignment, Font, PatternFill

    if number_format:
        cell.number_format = number_format
    if emphasis:
        cell.font = Font(bold=emphasis == "bold", italic=emphasis == "italic")
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if colour:
        cell.fill = PatternFill("solid", start_color=colour, end_color=colour)
    return copy.copy(cell._style)


def _fit(header: str) -> float:
    """Wide enough for a short header on one line; a long one wraps at 40 characters."""
    return max(12, min(40, len(header) + 2))


def _sheet_title(title: str) -> str:
    return "".join(" " if ch in _FORBIDDEN_IN_TITLES else ch for ch in title)[:31]
