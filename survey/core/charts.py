"""Charts drawn on a server for pages, slides and workbooks: measurement quality, training needs.

A chart is a matplotlib ``Figure`` of its own on the Agg backend, never pyplot: pyplot keeps
figures in a process-wide list that requests on other threads would share. matplotlib's font and
text caches and its ``rcParams`` are process-wide all the same, so a chart is drawn and saved under
one lock. DejaVu Sans, matplotlib's own font, has every Kazakh letter (ә, ғ, қ, ң, ө, ұ, ү, һ, і);
SVG text is drawn as paths, so a chart looks the same on a computer without that font. A chart
is the same file every time it is drawn from the same figures: no date, no program version, and
SVG identifiers from a fixed salt instead of random ones.

The radar of the individual report (``survey.reports.radar``) keeps its own machinery: it reuses
a drawn background across thousands of charts and is measured for speed (bench/radar.py).
"""
from __future__ import annotations

import io
import textwrap
import threading
from contextlib import contextmanager
from typing import Iterator, Mapping

from survey.core import numbers

FORMATS = ("png", "svg")
STYLE = {"font.family": "DejaVu Sans", "svg.fonttype": "path", "svg.hashsalt": "bagalau360"}

_lock = threading.Lock()


@contextmanager
def figure(width: float, height: float, *, dpi: int, style: Mapping[str, object] | None = None) -> Iterator:
    """A figure of ``width`` x ``height`` inches, to be drawn and saved (:func:`save`) inside the block."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    with _lock, matplotlib.rc_context({**STYLE, **(style or {})}):
        yield Figure(figsize=(width, height), dpi=dpi)


def save(fig, fmt: str, *, tight: bool = False) -> bytes:
    """The figure as PNG or SVG; ``tight`` crops it to what is drawn (labels and legends included)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart format {fmt}")
    out = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    fig.savefig(out, format=fmt, metadata=metadata, bbox_inches="tight" if tight else None)
    return out.getvalue()


def wrap(label: str, width: int = 34) -> str:
    """A label on lines of at most ``width`` characters, for the tick labels beside a bar."""
    return "\n".join(textwrap.wrap(label, width)) or label


def reader_decimals(axis, language: str) -> None:
    """Tick labels of a value ``axis`` (``ax.xaxis``) with the reader's decimal sign: matplotlib
    writes a point whatever the language of the words around it."""
    from matplotlib.ticker import ScalarFormatter

    sign = numbers.decimal(0.0, language, 1)[1]

    class Decimals(ScalarFormatter):
        def __call__(self, x, pos=None):
            return super().__call__(x, pos).replace(".", sign)

    axis.set_major_formatter(Decimals())
