"""Names kept sortable and searchable by the database: the collation key (``core.collation``)
stored beside each name and unit, and a search of those keys that folds Kazakh and Russian letters
on either database. The key itself stays a pure function; this is its place in the schema and in SQL."""
from __future__ import annotations

from sqlalchemy import Boolean, LargeBinary, literal, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column, validates
from sqlalchemy.sql.functions import FunctionElement

from survey.core.collation import sort_key


class SortedByName:
    """The sort keys of a row's name and unit, kept beside them so that a long list is sorted, and
    cut into pages, by the database through an index instead of in Python after reading every row
    (a page of 100 out of 100,000 people reads its hundred rows).

    They are set here, whenever the ORM sets ``full_name`` or ``unit`` (the roster import, a
    campaign's snapshot, the demo): one place, which no service has to remember. Rows written
    around the ORM (bench/generate.py's bulk insert, a migration) compute them with ``sort_key``.
    A change of ``ALPHABET`` needs a migration that computes them again.

    Units get a key too, though there are a few hundred at most: the pages list people by unit
    and then by name, and only a key of both in one index lets the database hand over a page
    without sorting the body first.
    """

    name_key: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    unit_key: Mapped[bytes] = mapped_column(LargeBinary, default=b"")

    @validates("full_name", "unit")
    def _keep_sort_key(self, field: str, value: str | None) -> str | None:
        setattr(self, "name_key" if field == "full_name" else "unit_key", sort_key(value))
        return value


class _Contains(FunctionElement):
    """``needle`` occurs in ``haystack``, two byte strings: SQLite's instr, PostgreSQL's position."""
    type = Boolean()
    inherit_cache = True


@compiles(_Contains)
def _contains_sqlite(element, compiler, **kw):
    haystack, needle = list(element.clauses)
    return f"instr({compiler.process(haystack, **kw)}, {compiler.process(needle, **kw)}) > 0"


@compiles(_Contains, "postgresql")
def _contains_postgresql(element, compiler, **kw):
    haystack, needle = list(element.clauses)
    return f"position({compiler.process(needle, **kw)} in {compiler.process(haystack, **kw)}) > 0"


def key_contains(column, text: str):
    """Whether the text behind a stored key contains ``text``, in any letter case: the keys are
    folded, so Kazakh and Russian letters match whatever their case, which LIKE does not do on
    SQLite (nor on PostgreSQL under the C locale). UTF-8 never matches inside a character, so a
    match of the bytes is a match of the letters."""
    return _Contains(column, literal(sort_key(text), LargeBinary))


def name_or_unit_contains(row: type[SortedByName], text: str):
    """The search of HR's lists: the name or the unit contains ``text``, in any letter case."""
    return or_(key_contains(row.name_key, text), key_contains(row.unit_key, text))
