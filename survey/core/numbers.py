"""Figures as the reader writes them: «3,70» in Kazakh and Russian, «3.70» in English.

The digits are those of Python's own rounding (``f"{value:.2f}"``), exactly as the results CSV
writes them, so a figure on a page, in a report and in the machine-readable export is the same
number; only the decimal sign is the reader's (from Babel's CLDR data). Files read by programs
(the results CSV) keep the point and do not use this module.
"""
from __future__ import annotations

from babel.numbers import get_decimal_symbol


def decimal(value: float, locale, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals and the decimal sign of ``locale`` (a code or Babel Locale)."""
    return _local(f"{value:.{digits}f}", locale)


def signed(value: float, locale, digits: int = 2) -> str:
    """A difference: always with its sign, except a zero, which has none («+0,50», «-1,25», «0,00»)."""
    if round(value, digits) == 0:
        return decimal(0.0, locale, digits)
    return _local(f"{value:+.{digits}f}", locale)


def _local(text: str, locale) -> str:
    return text.replace(".", get_decimal_symbol(str(locale)))
