"""The radar chart ("паутинка") of appendices 7-8: others' averages and the self-assessment.

Drawn with matplotlib's Agg backend (no display on a server). The figure is made once per process
and reused: creating a figure is most of the cost of a chart.
"""
from __future__ import annotations

import io
import math
import textwrap
import threading
from typing import Sequence

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

SCALE_MAX = 5
_lock = threading.Lock()
_figure: Figure | None = None


def _get_figure() -> Figure:
    global _figure
    if _figure is None:
        _figure = Figure(figsize=(6.4, 6.4), dpi=100)
    return _figure


def render(labels: Sequence[str], others: Sequence[float | None], own: Sequence[float | None], *,
           others_label: str, self_label: str, fmt: str = "png") -> bytes:
    """PNG or SVG bytes; a missing value (withheld, or no self-assessment) is drawn at zero."""
    n = len(labels)
    angles = [2 * math.pi * i / n for i in range(n)] + [0.0]
    with _lock:
        fig = _get_figure()
        fig.clear()
        ax = fig.add_subplot(projection="polar")
        ax.set_theta_offset(math.pi / 2)
        ax.set_theta_direction(-1)
        ax.set_ylim(0, SCALE_MAX)
        ax.set_yticks(range(1, SCALE_MAX + 1))
        ax.set_yticklabels([str(i) for i in range(1, SCALE_MAX + 1)], fontsize=8, color="#555")
        ax.set_xticks(angles[:-1])
        ax.set_xticklabels(["\n".join(textwrap.wrap(label, 18)) for label in labels], fontsize=8)
        ax.tick_params(axis="x", pad=12)
        series = [(others, others_label, "#1f5fa8", "-"), (own, self_label, "#c0392b", "--")]
        for values, label, colour, style in series:
            if not any(v is not None for v in values):
                continue
            points = [v or 0.0 for v in values]
            ax.plot(angles, points + points[:1], style, color=colour, linewidth=2, label=label)
            if style == "-":
                ax.fill(angles, points + points[:1], color=colour, alpha=0.15)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper right", bbox_to_anchor=(1.15, 1.12), fontsize=8, frameon=False)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format=fmt)
    return out.getvalue()
