"""The sorted bar chart beside the radar: one geometry, drawn as SVG in the page and as vector
graphics in the PDF.

Many readers misread radar charts (the area grows with the square of the values, and the order of
the axes changes the shape), so the report also shows the same averages as horizontal bars,
highest first, with the self-assessment marked on each bar. Units are PDF points, y downwards.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass

from survey.core import numbers
from survey.reports.model import Report

SCALE_MAX = 5
WIDTH = 480.0
LABEL_WIDTH = 175.0
LABEL_CHARS = 34
FONT_SIZE = 8.0
LINE = 10.0
ROW_PADDING = 7.0
BAR_HEIGHT = 11.0
VALUE_ROOM = 36.0
TOP = 6.0
AXIS_ROOM = 16.0
LEGEND_ROOM = 18.0


@dataclass(frozen=True)
class Bar:
    label: tuple[str, ...]
    average: float
    self_average: float | None
    y: float  # top of the row
    height: float
    bar_y: float
    bar_width: float
    self_x: float | None
    value: str

    @property
    def centre(self) -> float:
        return self.bar_y + BAR_HEIGHT / 2

    def label_y(self, index: int) -> float:
        """Baseline of a label line, the lines centred on the bar."""
        first = self.centre - (len(self.label) - 1) * LINE / 2 + FONT_SIZE * 0.35
        return first + index * LINE


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    left: float  # x of 0 on the scale
    right: float  # x of 5
    rows: tuple[Bar, ...]
    ticks: tuple[tuple[float, str], ...]
    axis_y: float
    legend_y: float
    bar_height: float = BAR_HEIGHT
    font_size: float = FONT_SIZE

    @property
    def value_x(self) -> float:
        """Right edge of the column of figures, clear of the bars and the self-assessment marks."""
        return self.width - 2

    def x(self, value: float) -> float:
        return self.left + (self.right - self.left) * value / SCALE_MAX


def layout(report: Report, language: str) -> Chart:
    left = LABEL_WIDTH + 8
    right = WIDTH - VALUE_ROOM
    span = right - left
    rows = []
    y = TOP
    for line in report.by_average():
        label = tuple(textwrap.wrap(line.name(language), LABEL_CHARS)) or (line.name(language),)
        height = max(len(label) * LINE, BAR_HEIGHT) + ROW_PADDING
        bar_y = y + (height - BAR_HEIGHT) / 2
        rows.append(Bar(label=label, average=line.average, self_average=line.self_average, y=y, height=height,
                        bar_y=bar_y, bar_width=span * line.average / SCALE_MAX,
                        self_x=None if line.self_average is None else left + span * line.self_average / SCALE_MAX,
                        value=numbers.decimal(line.average, language)))
        y += height
    axis_y = y + 2
    ticks = tuple((left + span * i / SCALE_MAX, str(i)) for i in range(SCALE_MAX + 1))
    legend_y = axis_y + AXIS_ROOM + 4
    return Chart(width=WIDTH, height=legend_y + LEGEND_ROOM, left=left, right=right, rows=tuple(rows), ticks=ticks,
                 axis_y=axis_y, legend_y=legend_y)
