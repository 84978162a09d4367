"""The charts of the measurement quality: answer options, consistency and agreement, self against
others per group, and two campaigns side by side. PNG for the page and the workbook, SVG for print.
"""
from __future__ import annotations

from survey.core import charts, numbers
from survey.quality.figures import (LENIENCY_SHARE, MIN_ALPHA, MIN_ICC1, GroupQuality, Gettext, PairedGroup,
                                    competency_name, group_label)

CHARTS = ("distribution", "reliability", "self")
DPI = 110
_OPTION_COLOURS = ("#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac")
_A, _B = "#9aa5b1", "#0b5394"


def available_charts(group: GroupQuality) -> list[str]:
    if group.withheld:
        return []
    return [k for k in CHARTS if k != "self" or any(c.gap is not None for c in group.competencies)]


def _height(rows: int) -> float:
    return 1.2 + 0.42 * rows


def _legend_below(ax, fig, *, ncol: int, xlabel: bool = False) -> None:
    """A legend under the axes, clear of the tick labels (and the x label), whatever the height."""
    axes_height = fig.get_figheight() * (fig.subplotpars.top - fig.subplotpars.bottom)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -(0.5 if xlabel else 0.3) / axes_height), ncol=ncol,
              fontsize=7, frameon=False)


def chart(kind: str, group: GroupQuality, *, gettext: Gettext, language: str, fmt: str = "png") -> bytes:
    """A chart of one group; ``kind`` is one of ``CHARTS``."""
    if kind not in CHARTS or group.withheld:
        raise ValueError(kind)
    draw = {"distribution": _distribution, "reliability": _reliability, "self": _self_chart}[kind]
    with charts.figure(8.0, _height(len(group.competencies)), dpi=DPI) as fig:
        draw(fig, group, gettext, language)
        return charts.save(fig, fmt, tight=True)


def _labels(group: GroupQuality, language: str) -> list[str]:
    return [charts.wrap(competency_name(group.instrument, c.competency_id, language)) for c in group.competencies]


def _distribution(fig, group: GroupQuality, gettext: Gettext, language: str) -> None:
    competencies = group.competencies
    ax = fig.add_subplot()
    y = list(range(len(competencies)))[::-1]
    left = [0.0] * len(competencies)
    scale = group.instrument.scale
    colours = _OPTION_COLOURS if len(scale) == len(_OPTION_COLOURS) else [None] * len(scale)
    for i, option in enumerate(scale):
        widths = [(c.shares[i] or 0.0) * 100 for c in competencies]
        ax.barh(y, widths, left=left, color=colours[i], edgecolor="white", height=0.7,
                label=f"{option.points}: {charts.wrap(option.label(language), 28)}")
        for yy, l, w in zip(y, left, widths):
            if w >= 7:
                ax.text(l + w / 2, yy, f"{w:.0f}", ha="center", va="center", fontsize=7,
                        color="white" if i in (0, len(scale) - 1) else "#1b1f24")
        left = [l + w for l, w in zip(left, widths)]
    ax.axvline(LENIENCY_SHARE * 100, color="#1b1f24", linestyle=":", linewidth=1)
    ax.set_yticks(y)
    ax.set_yticklabels(_labels(group, language), fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel(gettext("Share of the answers, %"), fontsize=8)
    ax.set_title(gettext("%(group)s: answer options", group=group_label(group.instrument, gettext, language)),
                 fontsize=10)
    _legend_below(ax, fig, ncol=len(scale), xlabel=True)
    ax.tick_params(axis="x", labelsize=8)


def _reliability(fig, group: GroupQuality, gettext: Gettext, language: str) -> None:
    competencies = group.competencies
    ax = fig.add_subplot()
    y = [float(v) for v in range(len(competencies))][::-1]
    series = [(gettext("Cronbach's alpha"), [c.alpha for c in competencies], "#0b5394", 0.2, MIN_ALPHA),
              (gettext("ICC(1)"), [c.agreement.icc1 for c in competencies], "#e08214", -0.2, MIN_ICC1)]
    low = 0.0
    for label, values, colour, offset, limit in series:
        positions = [yy + offset for yy in y]
        ax.barh(positions, [v or 0.0 for v in values], height=0.38, color=colour, label=label)
        for pos, v in zip(positions, values):
            if v is None:
                ax.text(0.01, pos, gettext("not computable"), va="center", fontsize=7, color="#555d66")
            else:
                ax.text(max(v, 0) + 0.01, pos, numbers.decimal(v, language), va="center", fontsize=7)
                low = min(low, v)
        ax.axvline(limit, color=colour, linestyle=":", linewidth=1)
    ax.set_yticks(y)
    ax.set_yticklabels(_labels(group, language), fontsize=8)
    ax.set_xlim(min(low - 0.05, 0), 1.08)
    ax.set_title(gettext("%(group)s: consistency and agreement", group=group_label(group.instrument, gettext, language)),
                 fontsize=10)
    charts.reader_decimals(ax.xaxis, language)
    ax.tick_params(axis="x", labelsize=8)
    _legend_below(ax, fig, ncol=2)


def _self_chart(fig, group: GroupQuality, gettext: Gettext, language: str) -> None:
    competencies = group.competencies
    ax = fig.add_subplot()
    y = list(range(len(competencies)))[::-1]
    points = group.instrument.points
    for yy, c in zip(y, competencies):
        if c.gap is None:
            ax.text(min(points), yy, gettext("withheld"), va="center", fontsize=7, color="#555d66")
            continue
        ax.plot([c.others_mean, c.self_mean], [yy, yy], color="#9aa5b1", linewidth=2, zorder=1)
    others = [(yy, c.others_mean) for yy, c in zip(y, competencies) if c.gap is not None]
    own = [(yy, c.self_mean) for yy, c in zip(y, competencies) if c.gap is not None]
    ax.scatter([v for _, v in others], [yy for yy, _ in others], color="#0b5394", zorder=2,
               label=gettext("Colleagues (average)"))
    ax.scatter([v for _, v in own], [yy for yy, _ in own], color="#c0392b", marker="D", zorder=2,
               label=gettext("Self-assessment"))
    ax.set_yticks(y)
    ax.set_yticklabels(_labels(group, language), fontsize=8)
    ax.set_xlim(min(points) - 0.1, max(points) + 0.1)
    ax.set_xticks(list(points))
    ax.grid(axis="x", color="#e5e7ea")
    ax.set_title(gettext("%(group)s: self-assessment and others", group=group_label(group.instrument, gettext, language)),
                 fontsize=10)
    ax.tick_params(axis="x", labelsize=8)
    _legend_below(ax, fig, ncol=2)


def comparison_chart(pair: PairedGroup, name_a: str, name_b: str, *, gettext: Gettext, language: str,
                     fmt: str = "png") -> bytes | None:
    """Mean of the answers and Cronbach's alpha per competency, campaign A beside campaign B."""
    rows = [(c, ca, cb) for c, ca, cb in pair.competencies() if ca is not None or cb is not None]
    if not rows:
        return None
    with charts.figure(10.0, _height(len(rows)), dpi=DPI) as fig:
        y = list(range(len(rows)))[::-1]
        panels = [(gettext("Mean"), lambda c: c.mean, pair.instrument.points),
                  (gettext("Cronbach's alpha"), lambda c: c.alpha, None)]
        for n, (title, get, points) in enumerate(panels, 1):
            ax = fig.add_subplot(1, 2, n)
            for name, column, colour, marker, offset in ((name_a, 1, _A, "o", 0.12), (name_b, 2, _B, "s", -0.12)):
                values = [(yy + offset, get(r[column])) for yy, r in zip(y, rows)
                          if r[column] is not None and get(r[column]) is not None]
                ax.scatter([v for _, v in values], [yy for yy, _ in values], color=colour, marker=marker, label=name,
                           zorder=2)
            ax.set_yticks(y)
            ax.set_yticklabels([charts.wrap(c.name(language), 28) for c, _, _ in rows] if n == 1 else [], fontsize=8)
            if points:
                ax.set_xlim(min(points) - 0.1, max(points) + 0.1)
            else:
                ax.axvline(MIN_ALPHA, color="#555d66", linestyle=":", linewidth=1)
                ax.set_xlim(min([0.0] + [r[k].alpha for r in rows for k in (1, 2)
                                         if r[k] is not None and r[k].alpha is not None]) - 0.05, 1.02)
            ax.grid(axis="x", color="#e5e7ea")
            charts.reader_decimals(ax.xaxis, language)
            ax.set_title(title, fontsize=9)
            ax.tick_params(axis="x", labelsize=8)
            if n == 2:
                _legend_below(ax, fig, ncol=2)
        fig.suptitle(group_label(pair.instrument, gettext, language), fontsize=10)
        return charts.save(fig, fmt, tight=True)
