"""Names in alphabetical order as a Kazakh or Russian reader expects it.

Code points put the Kazakh letters after «я» (Әсем last) and «ё» after «я» too; a database's
ORDER BY follows its own collation, which on SQLite is the code points. Lists of people and units
are sorted with this key in Python where the list is already bounded, and by the database through
the key kept beside each name (``core.alphabetical``) where it is read a page at a time. The Kazakh Cyrillic
alphabet holds the Russian one in the same order, so one key serves both: А Ә Б В Г Ғ Д Е Ё Ж З И
Й К Қ Л М Н Ң О Ө П Р С Т У Ұ Ү Ф Х Һ Ц Ч Ш Щ Ъ Ы І Ь Э Ю Я.
"""
from __future__ import annotations

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
