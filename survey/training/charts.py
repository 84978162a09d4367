"""Slide-sized charts (16:9) of the training needs: the ranking, the means and the heatmap by unit,
as PNG for a presentation or SVG for print. They show what the page shows, hidden cells included.
"""
from __future__ import annotations

from dataclasses import dataclass

from survey.core import charts, numbers
from survey.results import scoring
from survey.training.needs import COMPLEMENT, HEAT_BINS, HEAT_COLOURS, HEAT_DARK, LOW, Section, heat_class

KINDS = ("ranking", "means", "heatmap")
LABELLED_COLUMNS = 30  # a heat map wider than this has no figures written in its cells
STYLE = {"axes.spines.top": False, "axes.spines.right": False}


@dataclass(frozen=True)
class ChartText:
    """Everything a chart says, already in the page language."""

    title: str
    subtitle: str
    language: str
    among_weakest: str = ""
    below_low: str = ""
    axis_people: str = ""
    axis_mean: str = ""
    body: str = ""
    others: str = ""
    hidden_few: str = ""
    hidden_complement: str = ""
    no_unit: str = ""
    unit: str = ""  # with a unit chosen: its name, beside the body's mean
    too_many: str = ""  # said under a heat map too wide to write its averages in


def chart(section: Section, kind: str, text: ChartText, fmt: str = "png") -> bytes:
    """A slide-sized chart (16:9) of one questionnaire's figures, as PNG or SVG."""
    if kind not in KINDS or fmt not in charts.FORMATS:
        raise ValueError(f"unknown chart {kind}.{fmt}")
    with charts.figure(13.33, 7.5, dpi=150, style=STYLE) as fig:
        if kind == "ranking":
            _ranking_chart(fig, section, text)
        elif kind == "means":
            _means_chart(fig, section, text)
        else:
            _heatmap_chart(fig, section, text)
        fig.suptitle(text.title, x=0.01, y=0.985, ha="left", fontsize=17, fontweight="bold")
        fig.text(0.01, 0.925, text.subtitle, ha="left", fontsize=11, color="#444")
        return charts.save(fig, fmt)


def _ranking_chart(fig, section: Section, text: ChartText) -> None:
    needs = list(section.needs)
    ax = fig.add_axes((0.30, 0.10, 0.66, 0.76))
    y = list(range(len(needs)))
    height = 0.38
    ax.barh([v - height / 2 for v in y], [n.among_weakest for n in needs], height, color="#1f5fa8",
            label=text.among_weakest)
    ax.barh([v + height / 2 for v in y], [n.below_low for n in needs], height, color="#e08214",
            label=text.below_low)
    top = max([n.among_weakest for n in needs] + [n.below_low for n in needs] + [1])
    for v, n in zip(y, needs):
        ax.text(n.among_weakest + top * 0.01, v - height / 2, f"{n.among_weakest} ({n.share:.0%})",
                va="center", fontsize=10)
        ax.text(n.below_low + top * 0.01, v + height / 2, str(n.below_low), va="center", fontsize=10)
    ax.set_yticks(y)
    ax.set_yticklabels([f"{n.rank}. {charts.wrap(n.name(text.language))}" for n in needs], fontsize=11)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.2)
    ax.set_xlabel(text.axis_people, fontsize=11)
    ax.xaxis.get_major_locator().set_params(integer=True)
    if text.among_weakest:
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, fontsize=10, frameon=False)


def _means_chart(fig, section: Section, text: ChartText) -> None:
    needs = sorted(section.needs, key=lambda n: (round(n.mean, scoring.DECIMALS), n.rank))
    ax = fig.add_axes((0.30, 0.10, 0.66, 0.76))
    y = list(range(len(needs)))
    colours = [HEAT_COLOURS[heat_class(n.mean)] for n in needs]
    ax.barh(y, [n.mean for n in needs], 0.6, color=colours, edgecolor="#555", linewidth=0.5, label=text.unit or text.axis_mean)
    if any(n.body_mean is not None for n in needs):
        ax.scatter([n.body_mean for n in needs], y, marker="D", color="#222", zorder=3, label=text.body)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, fontsize=10, frameon=False)
    for v, n in zip(y, needs):
        ax.text(max(n.mean, n.body_mean or 0) + 0.07, v, numbers.decimal(n.mean, text.language), va="center", fontsize=10)
    ax.axvline(LOW, color="#b00020", linestyle="--", linewidth=1)
    ax.text(LOW, -0.75, numbers.decimal(LOW, text.language, 1), color="#b00020", ha="center", va="bottom", fontsize=10)
    ax.set_yticks(y)
    ax.set_yticklabels([charts.wrap(n.name(text.language)) for n in needs], fontsize=11)
    ax.invert_yaxis()
    ax.set_xlim(1, 5.3)
    ax.set_xticks([1, 2, 3, 4, 5])
    ax.set_xlabel(text.axis_mean, fontsize=11)


def _heatmap_chart(fig, section: Section, text: ChartText) -> None:
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Rectangle

    m = section.heatmap
    if m is None:
        raise ValueError("no heatmap for this section")
    columns = [m.body] + list(m.columns) + ([m.others] if m.others else [])
    names = [text.body] + [c.unit or text.no_unit for c in m.columns] + ([text.others] if m.others else [])
    rows = m.competencies
    ax = fig.add_axes((0.27, 0.05, 0.71, 0.72))
    # Cells are added without updating the data limits, which are set below: at 200 units the
    # update for each of 2,400 cells took a third of the chart's time. Past LABELLED_COLUMNS the
    # cells are too narrow to read a figure in (and writing them took most of the rest): the
    # colours stay, the figures are in the table and the workbook, and the chart says so.
    labelled = len(columns) <= LABELLED_COLUMNS
    cmap = ListedColormap(HEAT_COLOURS)
    norm = BoundaryNorm((0.0,) + HEAT_BINS + (5.01,), cmap.N)
    for j, column in enumerate(columns):
        for i, competency in enumerate(rows):
            value = column.means.get(competency) if column.hidden is None else None
            if value is None:
                ax.add_artist(Rectangle((j, i), 1, 1, facecolor="#eeeeee", edgecolor="white", hatch="///",
                                        linewidth=1.5))
                if labelled:
                    ax.text(j + 0.5, i + 0.5, text.hidden_few if column.hidden != COMPLEMENT else text.hidden_complement,
                            ha="center", va="center", fontsize=9, color="#555")
                continue
            k = heat_class(value)
            ax.add_artist(Rectangle((j, i), 1, 1, facecolor=cmap(norm(value)), edgecolor="white", linewidth=1.5))
            if labelled:
                ax.text(j + 0.5, i + 0.5, numbers.decimal(value, text.language), ha="center", va="center",
                        fontsize=10, color="white" if k in HEAT_DARK else "#111")
    if not labelled and text.too_many:
        fig.text(0.01, 0.01, text.too_many, ha="left", fontsize=10, color="#444")
    ax.set_xlim(0, len(columns))
    ax.set_ylim(len(rows), 0)
    if labelled:  # past it, the units' names would overlap into one black band
        ax.set_xticks([j + 0.5 for j in range(len(columns))])
        labels = []
        for name, column in zip(names, columns):
            count = f"(n={column.assessees})" if column.assessees is not None else ""
            labels.append(charts.wrap(name, 16) + ("\n" + count if count else ""))
        ax.set_xticklabels(labels, fontsize=9)
    else:
        ax.set_xticks([])
    ax.xaxis.tick_top()
    ax.set_yticks([i + 0.5 for i in range(len(rows))])
    ax.set_yticklabels([charts.wrap(section.competency_name(c, text.language), 36) for c in rows], fontsize=10)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
