"""The para 2 categories of corps B, and which of them head a structural unit (para 2(4)).

A roster may give each person's category; it then decides which questionnaire they answer about
(appendix 5 for unit heads, 6 for corps-B servants), so a typo in ``role`` cannot give a head the
servants' form. B-3, C-3 and D-3 head a unit only where the post does ("heads of independent
structural units"): for them the roster's ``role`` decides.
"""
from __future__ import annotations

import re

HEADS = frozenset({"A-1", "B-1", "C-1", "D-1", "C-O-1", "D-O-1", "D-R-1", "C-R-1", "E-1", "E-2", "E-R-1"})
EITHER = frozenset({"B-3", "C-3", "D-3"})
_FORM = re.compile(r"^[A-E](-[OR])?-[1-9][0-9]?$")
# Rosters are typed in Cyrillic as often as in Latin: С-4 and C-4 are the same category.
_LOOKALIKES = str.maketrans("АВСЕОРавсеор–—", "ABCEOPABCEOP--")


def normalise(text: str) -> str:
    """``с-о-1``, ``С-О-1`` and ``C - O - 1`` as ``C-O-1``; the Cyrillic Р is the Latin R here."""
    value = re.sub(r"\s+", "", text).translate(_LOOKALIKES).upper()
    return value.replace("P", "R")


def is_valid(category: str) -> bool:
    return bool(_FORM.match(category))


def role_of(category: str) -> str | None:
    """``head`` or ``servant`` for a category that decides it, ``None`` for B-3, C-3 and D-3."""
    if category in EITHER:
        return None
    return "head" if category in HEADS else "servant"
