"""The radar chart ("паутинка") of appendices 7-8: the colleagues' averages and the self-assessment.

Drawn with matplotlib's Agg backend (no display on a server). Everything but the two lines — the
polar grid, the 0-5 scale, the competency names around it, the legend — is the same for every
assessee of a questionnaire in one language, so it is drawn once per (labels, legend) and kept as a
bitmap. Each chart restores that bitmap and draws only its two lines on it ("blitting"): about a
millisecond instead of the hundred a full matplotlib draw takes (see bench/radar.py and
bench/README.md). PNG encoding is Pillow's, at a fast compression level.
"""
from __future__ import annotations

import functools
import io
import math
import textwrap
import threading
from dataclasses import dataclass
from typing import Sequence

import matplotlib

matplotlib.use("Agg")
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from PIL import Image  # noqa: E402  (a dependency of matplotlib)

SCALE_MAX = 5
OTHERS_COLOUR = "#1f5fa8"
SELF_COLOUR = "#c0392b"
WIDTH_IN, HEIGHT_IN, DPI = 6.4, 5.3, 125  # 800 x 662 px: about 200 dpi at 10 cm wide on paper
LABEL_WIDTH = 18  # characters per line of a competency name around the chart
PNG_COMPRESSION = 3
# A palette of 64 colours, made once per background from a sample chart, keeps the anti-aliased
# lines smooth and the PNG a third of the size of a full-colour one; mapping a chart onto a fixed
# palette takes half a millisecond, against several for an adaptive palette per chart.
PALETTE_COLOURS = 64

_lock = threading.Lock()


@dataclass
class _Chart:
    """One cached background and the artists drawn on top of it."""

    figure: Figure
    canvas: FigureCanvasAgg
    axes: object
    angles: list[float]
    fill: object
    others: Line2D
    own: Line2D
    background: object
    palette: Image.Image | None = None


def _wrap(label: str) -> str:
    return "\n".join(textwrap.wrap(label, LABEL_WIDTH)) or label


@functools.lru_cache(maxsize=32)
def _chart(labels: tuple[str, ...], others_label: str, self_label: str) -> _Chart:
    n = len(labels)
    angles = [2 * math.pi * i / n for i in range(n)]
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor="white")
    canvas = FigureCanvasAgg(figure)
    side = 0.5 * WIDTH_IN  # a square plot area, room around it for the names and below for the legend
    axes = figure.add_axes((0.25, 1.0 / HEIGHT_IN, 0.5, side / HEIGHT_IN), projection="polar")
    axes.set_theta_offset(math.pi / 2)
    axes.set_theta_direction(-1)
    axes.set_ylim(0, SCALE_MAX)
    axes.set_yticks(range(1, SCALE_MAX + 1))
    axes.set_yticklabels([str(i) for i in range(1, SCALE_MAX + 1)], fontsize=8.5, color="#555555")
    axes.set_rlabel_position(180 / n)  # the scale between the first two axes, clear of the lines' start
    axes.set_xticks(angles)
    axes.set_xticklabels([])
    for angle, label in zip(angles, labels):
        # Names on the right run rightwards, on the left leftwards, above upwards: clear of the circle.
        across, up = math.sin(angle), math.cos(angle)
        axes.text(angle, SCALE_MAX * 1.1, _wrap(label), fontsize=9.5, linespacing=1.1,
                  ha="left" if across > 0.1 else "right" if across < -0.1 else "center",
                  va="bottom" if up > 0.1 else "top" if up < -0.1 else "center")
    axes.grid(color="#bbbbbb", linewidth=0.6)
    axes.spines["polar"].set_color("#888888")
    # Animated artists are left out of the full draw below and drawn per chart onto its bitmap.
    fill = axes.fill([0, 0], [0, 0], color=OTHERS_COLOUR, alpha=0.15, animated=True)[0]
    others, = axes.plot([], [], "-", color=OTHERS_COLOUR, linewidth=2.2, marker="o", markersize=4, animated=True)
    own, = axes.plot([], [], "--", color=SELF_COLOUR, linewidth=1.8, marker="D", markersize=3.5, animated=True)
    figure.legend(handles=[Line2D([], [], color=OTHERS_COLOUR, linewidth=2.2, marker="o", markersize=4, label=others_label),
                           Line2D([], [], color=SELF_COLOUR, linestyle="--", linewidth=1.8, marker="D", markersize=3.5,
                                  label=self_label)],
                  loc="lower center", ncol=2, frameon=False, fontsize=10, bbox_to_anchor=(0.5, 0.005))
    canvas.draw()
    chart = _Chart(figure, canvas, axes, angles, fill, others, own, canvas.copy_from_bbox(figure.bbox))
    sample = [SCALE_MAX * (0.45 + 0.4 * (i % 2)) for i in range(n)]
    chart.palette = _palette(_blit(chart, sample, list(reversed(sample))))
    return chart


def _palette(sample: Image.Image) -> Image.Image:
    """A palette for every chart on this background: median cut of a sample, with exact white."""
    quantized = sample.quantize(PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT)
    colours = quantized.getpalette()[:PALETTE_COLOURS * 3]
    brightest = max(range(0, len(colours), 3), key=lambda i: sum(colours[i:i + 3]))
    colours[brightest:brightest + 3] = [255, 255, 255]  # the page's white, not 254
    quantized.putpalette(colours)
    return quantized


def _closed(angles: Sequence[float], values: Sequence[float | None]) -> tuple[list[float], list[float]]:
    points = [v or 0.0 for v in values]
    return list(angles) + [angles[0]], points + points[:1]


def draw(labels: Sequence[str], others: Sequence[float | None], own: Sequence[float | None], *,
         others_label: str, self_label: str) -> Image.Image:
    """The chart as a palette image; a missing value (withheld, or no self-assessment) is drawn at zero."""
    with _lock:
        chart = _chart(tuple(labels), others_label, self_label)
        return _blit(chart, others, own).quantize(palette=chart.palette, dither=Image.Dither.NONE)


def _blit(chart: _Chart, others: Sequence[float | None], own: Sequence[float | None]) -> Image.Image:
    chart.canvas.restore_region(chart.background)
    if any(v is not None for v in others):
        theta, r = _closed(chart.angles, others)
        chart.fill.set_xy(list(zip(theta, r)))
        chart.others.set_data(theta, r)
        chart.axes.draw_artist(chart.fill)
        chart.axes.draw_artist(chart.others)
    if any(v is not None for v in own):
        chart.own.set_data(*_closed(chart.angles, own))
        chart.axes.draw_artist(chart.own)
    width, height = chart.canvas.get_width_height()
    # Read in place, not copied first: the RGB conversion makes the one copy needed (under the lock).
    return Image.frombuffer("RGBA", (width, height), chart.canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=PNG_COMPRESSION, dpi=(DPI, DPI))
    return out.getvalue()


def render(labels: Sequence[str], others: Sequence[float | None], own: Sequence[float | None], *,
           others_label: str, self_label: str, fmt: str = "png") -> bytes:
    """PNG bytes of the chart (``fmt`` is kept for callers of the first version; only PNG is made)."""
    if fmt != "png":
        raise ValueError("the radar chart is drawn as PNG")
    return png(draw(labels, others, own, others_label=others_label, self_label=self_label))
