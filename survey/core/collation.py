"""Names in alphabetical order as a Kazakh or Russian reader expects it.

Code points put the Kazakh letters after «я» (Әсем last) and «ё» after «я» too; a database's
ORDER BY follows its own collation, which on SQLite is the code points. Lists of people and units
are sorted with this key in Python where the list is already bounded, and by the database through
the key kept beside each name (``SortedByName``) where it is read a page at a time. The Kazakh Cyrillic
alphabet holds the Russian one in the same order, so one key serves both: А Ә Б В Г Ғ Д Е Ё Ж З И
Й К Қ Л М Н Ң О Ө П Р С Т У Ұ Ү Ф Х Һ Ц Ч Ш Щ Ъ Ы І Ь Э Ю Я.
"""
from __future__ import annotations

from sqlalchemy import Boolean, LargeBinary, literal, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column, validates
from sqlalchemy.sql.functions import FunctionElement

ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
# Each letter of the alphabet becomes a code point at the top of Unicode (the last private-use
# plane), in the alphabet's order; anything else stays itself, below every letter. The key is
# then a string, compared in C: a tuple per character was 2 KB a name, 250 MB held at once while
# sorting the cohorts of 100,000 people.
_TOP = 0x10FFFF - len(ALPHABET)
_TABLE = {ord(ch): _TOP + i for i, ch in enumerate(ALPHABET)}


def collation_key(text: str) -> str:
    """A sort key: letters of the alphabet in its order, anything else (spaces, digits, Latin)
    before them in code-point order, case ignored."""
    return text.casefold().translate(_TABLE)


def sort_key(text: str | None) -> bytes:
    """The key as the database keeps it beside a name: its UTF-8, whose bytes compare as the key's
    code points do. Both databases order bytes (SQLite's BLOB, PostgreSQL's bytea) by memcmp,
    whatever their own collation, so ``ORDER BY name_key`` is the alphabet's order on either."""
    return collation_key(text or "").encode("utf-8")


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
