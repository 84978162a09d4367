"""Names in alphabetical order as a Kazakh or Russian reader expects it.

Code points put the Kazakh letters after «я» (Әсем last) and «ё» after «я» too; a database's
ORDER BY follows its own collation, which on SQLite is the code points. Lists of people and units
are sorted with this key in Python where the list is already bounded. The Kazakh Cyrillic
alphabet holds the Russian one in the same order, so one key serves both: А Ә Б В Г Ғ Д Е Ё Ж З И
Й К Қ Л М Н Ң О Ө П Р С Т У Ұ Ү Ф Х Һ Ц Ч Ш Щ Ъ Ы І Ь Э Ю Я.
"""
from __future__ import annotations

ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
_ORDER = {ch: i for i, ch in enumerate(ALPHABET)}


def collation_key(text: str) -> tuple:
    """A sort key: letters of the alphabet in its order, anything else (spaces, digits, Latin)
    before them in code-point order, case ignored."""
    return tuple((1, _ORDER[ch], ch) if ch in _ORDER else (0, ord(ch), ch) for ch in text.casefold())
