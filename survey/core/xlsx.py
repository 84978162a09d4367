"""The first sheet of an uploaded ``.xlsx`` as rows of text, read within limits set before any XML
is parsed.

An upload is small, what it unpacks to need not be: a 17 KB file can hold four million empty
cells. openpyxl parses every sheet once to size it, keeps a whole row's cells in memory and turns
the styles into objects: on that file it spent 33 s, on one row of a million cells 350 MB. So the
standard library reads the file here. The archive's declared sizes are checked first (``zipfile``
never unpacks more than a part declares: a lie ends in a CRC error), expat parses the parts as a
stream, cells past the last column a table may use are skipped without being kept, and the
reading stops at a fixed number of XML elements and of rows.

Only what a table needs is read: the shared strings and the first worksheet. Styles are not, so a
date stays Excel's serial number; no column of a roster or a rater list holds a date.
"""
from __future__ import annotations

import io
import posixpath
import zipfile
from typing import Callable
from xml.parsers import expat

RELATIONSHIPS = "_rels/.rels"
_CHUNK = 64 * 1024
_MAX_DEPTH = 64  # a cell's rich text is seven deep; extensions add a few


class TooLarge(Exception):
    """More parts, unpacked bytes or XML elements than a table of the allowed rows can have."""


class TooManyRows(Exception):
    def __init__(self, row: int):
        self.row = row
        super().__init__(row)


class Damaged(Exception):
    """Not a workbook this reader understands; ``row`` is where the sheet broke off, 0 before it."""

    def __init__(self, reason: str, row: int = 0):
        self.reason, self.row = reason, row
        super().__init__(reason)


def rows(data: bytes, *, max_rows: int, max_columns: int, max_unpacked: int, max_parts: int,
         max_elements: int) -> list[tuple[int, list[str]]]:
    """(Excel row number, cell texts) of the first worksheet's rows that are in the file, in order;
    a row holds at most ``max_columns`` cells, empty ones as ``""``."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - BadZipFile mostly, but a forged directory reaches others
        raise Damaged(_name(exc)) from None
    with archive:
        parts = archive.infolist()
        if len(parts) > max_parts or sum(part.file_size for part in parts) > max_unpacked:
            raise TooLarge()
        reader = _Reader(archive, max_elements)
        workbook = _target("", reader.relationships(RELATIONSHIPS), "officeDocument")
        if workbook is None:
            raise Damaged("no workbook part")
        sheet, strings = reader.first_sheet(workbook)
        shared = reader.shared_strings(strings) if strings else []
        return reader.sheet(sheet, shared, max_rows, max_columns)


def _name(exc: Exception) -> str:
    name = exc.__class__.__name__
    return f"{exc.__class__.__module__}.{name}" if name == "error" else name  # zlib.error


def _local(name: str) -> str:
    return name.rpartition("}")[2]


def _target(source: str, relationships: dict[str, tuple[str, str]], kind: str, rid: str | None = None) -> str | None:
    """The part a relationship points to; targets are relative to the folder of their source."""
    for key, (type_, target) in relationships.items():
        if (rid is None or key == rid) and type_.rsplit("/", 1)[-1] == kind:
            if target.startswith("/"):
                return target[1:]
            return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
    return None


def _relationships_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


class _Reader:
    def __init__(self, archive: zipfile.ZipFile, max_elements: int):
        self.archive, self.left = archive, max_elements

    def parse(self, part: str, start: Callable, end: Callable | None = None, text: Callable | None = None,
              row: Callable[[], int] = lambda: 0) -> None:
        """Feed one part to expat; every element, in whichever part, counts against one budget."""
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        depth = 0

        def on_start(name, attributes):
            nonlocal depth
            self.left -= 1
            depth += 1
            if self.left < 0:
                raise TooLarge()
            if depth > _MAX_DEPTH:  # expat keeps every open element: nesting costs memory
                raise Damaged("elements nested too deep", row())
            start(_local(name), attributes)

        def on_end(name):
            nonlocal depth
            depth -= 1
            if end is not None:
                end(_local(name))

        def no_dtd(*_args):
            # No part of a workbook has one; refusing it leaves entity expansion no way in.
            raise Damaged("DOCTYPE", row())

        parser.StartElementHandler = on_start
        parser.EndElementHandler = on_end
        if text is not None:
            parser.CharacterDataHandler = text
        parser.StartDoctypeDeclHandler = no_dtd
        try:
            with self.archive.open(part) as stream:
                while chunk := stream.read(_CHUNK):
                    parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except (Damaged, TooLarge, TooManyRows):
            raise
        except Exception as exc:  # noqa: BLE001 - a hostile file reaches zipfile, zlib and expat in many ways
            # A missing part (KeyError), a CRC mismatch (a part longer than it declares), zlib,
            # expat, an encrypted part, an unknown compression: to the officer, a damaged file.
            raise Damaged(_name(exc), row()) from None

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}

        def start(name, attributes):
            if name == "Relationship":
                found[attributes.get("Id", "")] = (attributes.get("Type", ""), attributes.get("Target", ""))

        self.parse(part, start)
        return found

    def first_sheet(self, workbook: str) -> tuple[str, str | None]:
        """The first worksheet in the workbook's order (as Excel shows the tabs) and the shared strings."""
        ids: list[str] = []

        def start(name, attributes):
            if name == "sheet":
                ids.extend(value for key, value in attributes.items()
                           if _local(key) == "id" and key != "id" and "relationships" in key)

        self.parse(workbook, start)
        linked = _relationships_of(workbook)
        relationships = self.relationships(linked) if _exists(self.archive, linked) else {}
        for rid in ids:
            sheet = _target(workbook, relationships, "worksheet", rid)
            if sheet is not None:
                return sheet, _target(workbook, relationships, "sharedStrings")
        raise Damaged("no worksheet")

    def shared_strings(self, part: str) -> list[str]:
        strings: list[str] = []
        pieces: list[str] = []
        state = {"phonetic": 0, "text": False}

        def start(name, _attributes):
            if name == "si":
                pieces.clear()
            elif name == "rPh":  # the reading aid over East Asian text, not part of the value
                state["phonetic"] += 1
            elif name == "t" and not state["phonetic"]:
                state["text"] = True

        def end(name):
            if name == "si":
                strings.append("".join(pieces))
            elif name == "rPh":
                state["phonetic"] -= 1
            elif name == "t":
                state["text"] = False

        def text(data):
            if state["text"]:
                pieces.append(data)

        if _exists(self.archive, part):
            self.parse(part, start, end, text)
        return strings

    def sheet(self, part: str, shared: list[str], max_rows: int, max_columns: int) -> list[tuple[int, list[str]]]:
        found: list[tuple[int, list[str]]] = []
        at = _Place()

        def start(name, attributes):
            if at.cell:
                if at.column <= max_columns:
                    if name == "v" or (name == "t" and at.kind == "inlineStr" and not at.phonetic):
                        at.capture = True
                    elif name == "rPh":  # the reading aid over East Asian text, not part of the value
                        at.phonetic += 1
            elif name == "c" and at.row_open:
                reference = attributes.get("r")
                at.column = _column(reference, at.row) if reference else at.column + 1
                at.kind, at.cell, at.phonetic = attributes.get("t", "n"), True, 0
                at.pieces.clear()
            elif name == "row" and at.in_data and not at.row_open:
                number = attributes.get("r")
                number = _row_number(number, at.row) if number is not None else at.row + 1
                if number <= at.row:
                    raise Damaged("rows out of order", number)
                if number > max_rows:  # empty or not: three million empty rows cost seconds too
                    raise TooManyRows(number)
                at.row, at.row_open, at.column, at.cells = number, True, 0, []
            elif name == "sheetData":
                at.in_data = True

        def end(name):
            if at.cell:
                if name == "c":
                    at.cell = at.capture = False
                    if at.column <= max_columns:
                        value = _value(at.kind, "".join(at.pieces), shared, at.row)
                        if value:
                            at.cells.extend([""] * (at.column - len(at.cells)))
                            at.cells[at.column - 1] = value
                elif name in ("v", "t"):
                    at.capture = False
                elif name == "rPh":
                    at.phonetic -= 1
            elif name == "row" and at.row_open:
                at.row_open = False
                found.append((at.row, at.cells))
            elif name == "sheetData":
                at.in_data = False

        def text(data):
            if at.capture:
                at.pieces.append(data)

        self.parse(part, start, end, text, row=lambda: at.row if at.row_open else at.row + 1)
        return found


class _Place:
    """Where the reading of a sheet stands."""

    def __init__(self):
        self.row = self.column = self.phonetic = 0
        self.in_data = self.row_open = self.cell = self.capture = False
        self.kind = "n"
        self.cells: list[str] = []
        self.pieces: list[str] = []


def _exists(archive: zipfile.ZipFile, part: str) -> bool:
    try:
        archive.getinfo(part)
    except KeyError:
        return False
    return True


def _row_number(text: str, previous: int) -> int:
    try:
        return int(text)
    except ValueError:
        raise Damaged("bad row number", previous + 1) from None


def _column(reference: str, row: int) -> int:
    """The column of a reference like ``AB12``: letters in base 26, A being 1."""
    column = 0
    for letter in reference:
        if "A" <= letter <= "Z":
            column = column * 26 + ord(letter) - 64
        elif letter.isdigit():
            break
        else:
            raise Damaged("bad cell reference", row)
    if not 0 < column <= 16384:
        raise Damaged("bad cell reference", row)
    return column


def _value(kind: str, stored: str, shared: list[str], row: int) -> str:
    """The cell's text; a whole number without its decimal part, since an id typed as 1024 may be
    stored as 1024.0."""
    if kind in ("inlineStr", "str", "e", "d"):
        return stored
    if stored == "":
        return ""
    if kind == "s":
        try:
            return shared[int(stored)]
        except (ValueError, IndexError):
            raise Damaged("bad shared string", row) from None
    if kind == "b":
        return str(stored.strip() not in ("0", "false"))
    try:
        if "." in stored or "e" in stored.lower():
            number = float(stored)
            return str(int(number)) if number.is_integer() else str(number)
        return str(int(stored))
    except (ValueError, OverflowError):
        raise Damaged("bad number", row) from None
