"""The design system's colours meet WCAG 2.1 AA where they are used together: text 4.5:1 (1.4.3),
the focus ring, field borders and progress bars 3:1 against what surrounds them (1.4.11). The
pairs are read from the stylesheet's tokens, so a colour changed there is checked here before any
page is drawn; axe-core checks the drawn pages in the browser tests."""
from __future__ import annotations

import re

import pytest

from conftest import ROOT

STYLESHEET = ROOT / "survey" / "web" / "common" / "static" / "style.css"

TEXT = [("ink", "bg"), ("ink", "surface"), ("muted", "bg"), ("muted", "surface"), ("accent", "bg"),
        ("accent", "surface"), ("accent", "accent-soft"), ("accent", "info-bg"), ("accent-ink", "accent"),
        ("error", "bg"), ("error", "error-bg"), ("ok", "bg"), ("ok", "ok-bg"), ("warn", "bg"), ("warn", "warn-bg"),
        ("ink", "ok-bg"), ("ink", "info-bg"), ("ink", "warn-bg"), ("ink", "error-bg"), ("muted", "info-bg")]
NON_TEXT = [("focus", "bg"), ("field-line", "bg"), ("accent", "track"), ("ok", "track"), ("error", "bg")]


def tokens() -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\}", STYLESHEET.read_text(encoding="utf-8"), re.S).group(1)
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b", root))


def luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_formula_is_wcags():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic just-failing grey


@pytest.mark.parametrize("fg,bg,minimum", [(f, b, 4.5) for f, b in TEXT] + [(f, b, 3.0) for f, b in NON_TEXT])
def test_colour_pairs_meet_aa(fg, bg, minimum):
    colours = tokens()
    assert fg in colours and bg in colours, f"--{fg} or --{bg} is not a colour token of style.css"
    ratio = contrast(colours[fg], colours[bg])
    assert ratio >= minimum, f"--{fg} on --{bg}: {ratio:.2f}:1, below {minimum}:1"
