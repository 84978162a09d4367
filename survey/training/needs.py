"""Training needs across the body (order No. 260, para 37): the least-developed competencies choose
the training topics.

Everything here starts from a closed campaign's results (``results.campaign_results`` refuses an
open one) and counts only assessees whose results are not withheld. Trainers get figures per
competency and per unit, never per person: a figure over fewer than ``threshold`` assessees is not
shown, and neither is a unit whose figures, taken from the body's, would give away a smaller unit's
(see :func:`_hidden_units`). Only HR's cohorts (:func:`cohorts`) name people.

The rules this module decides (written down in docs/methodology.md, "para 37"):

- an assessee's **three least-developed competencies** are the three lowest averages as shown
  (2 decimals); a tie at the third place takes in every competency with that value, so that no
  one is left out of a course by the order of the questionnaire;
- **under 3.0**: an average shown below 3.00, i.e. the competency is seen "in half of the cases"
  or less (appendices 5-6);
- the **ranking** puts first the competency that is among the three least-developed of the most
  assessees (the size of its course, para 37), then the one with more averages under 3.0, then the
  lower mean.
"""
from __future__ import annotations

import io
import textwrap
import threading
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from sqlalchemy.orm import Session

from survey.results import export as results, scoring
from survey.core.instruments import Instrument
from survey.core.models import Campaign, Person
from survey.training.topics import Catalogue, Topic

WEAKEST = 3  # "the three least-developed competencies" of an assessee
LOW = 3.0  # an average under 3: the competency is seen in half of the cases or less
PROPOSED = 3  # how many competencies of the ranking get proposed topics, per questionnaire

# Suppression reasons.
FEW = "few"  # fewer assessees with results than the anonymity threshold
COMPLEMENT = "complement"  # shown, it would give away smaller units through the body's figures
NONE = "none"  # no assessee with results at all

# Heatmap colours (ColorBrewer RdYlBu, 7 classes: red is low), shared by the page and the charts.
HEAT_BINS = (2.0, 2.5, 3.0, 3.5, 4.0, 4.5)
HEAT_COLOURS = ("#d73027", "#fc8d59", "#fee090", "#ffffbf", "#e0f3f8", "#91bfdb", "#4575b4")
HEAT_DARK = (0, 6)  # classes on which the value is written in white


def heat_class(value: float) -> int:
    """0..6: the colour class of a mean as shown."""
    shown = round(value, scoring.DECIMALS)
    return sum(1 for edge in HEAT_BINS if shown >= edge)


_ALPHABET = "абвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"  # Kazakh Cyrillic order; Russian is a subset
_ORDER = {ch: i for i, ch in enumerate(_ALPHABET)}


def collation_key(text: str) -> tuple:
    """Alphabetical order as a Kazakh or Russian reader expects it (code points put Қ after Я)."""
    return tuple((1, _ORDER[ch], ch) if ch in _ORDER else (0, ord(ch), ch) for ch in text.casefold())


# --- who counts ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Profile:
    """One assessee with results. ``person`` is read only by HR's cohorts."""

    person: Person
    instrument: Instrument
    averages: Mapping[str, float]
    weakest: frozenset[str]

    @property
    def unit(self) -> str:
        return self.person.unit or ""


@dataclass(frozen=True)
class Population:
    campaign: str
    instruments: Mapping[str, Instrument]
    profiles: tuple[Profile, ...]
    withheld: tuple[tuple[str, str], ...]  # (instrument id, unit) of each assessee whose results are withheld

    @property
    def units(self) -> tuple[str, ...]:
        return tuple(sorted({p.unit for p in self.profiles}, key=collation_key))

    def withheld_count(self, instrument: str | None = None, unit: str | None = None) -> int:
        return sum(1 for i, u in self.withheld if instrument in (None, i) and unit in (None, u))


def weakest_of(averages: Mapping[str, float], n: int = WEAKEST) -> frozenset[str]:
    """The ``n`` lowest averages as shown, with every competency tied at the ``n``-th value."""
    shown = {c: round(v, scoring.DECIMALS) for c, v in averages.items()}
    if len(shown) <= n:
        return frozenset(shown)
    cutoff = sorted(shown.values())[n - 1]
    return frozenset(c for c, v in shown.items() if v <= cutoff)


def population(session: Session, campaign: Campaign, instruments: Mapping[str, Instrument], *,
               threshold: int) -> Population:
    """The assessees of a closed campaign whose results are not withheld."""
    profiles, withheld = [], []
    for item in results.campaign_results(session, campaign, instruments, threshold=threshold):
        if item.result.withheld:
            withheld.append((item.instrument.id, item.person.unit or ""))
            continue
        averages = {c.competency_id: c.average for c in item.result.competencies if c.average is not None}
        profiles.append(Profile(item.person, item.instrument, averages, weakest_of(averages)))
    ordered = dict(sorted(instruments.items(), key=lambda kv: _INSTRUMENT_ORDER.get(kv[0], 9)))
    return Population(campaign.name, ordered, tuple(profiles), tuple(withheld))


_INSTRUMENT_ORDER = {"head": 0, "servant": 1}


# --- the figures ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Need:
    instrument: Instrument
    competency_id: str
    rank: int
    mean: float
    assessees: int
    among_weakest: int
    below_low: int
    body_mean: float | None = None  # with a unit chosen: the body's mean, for comparison

    def name(self, language: str) -> str:
        return next(c.name(language) for c in self.instrument.competencies if c.id == self.competency_id)

    @property
    def share(self) -> float:
        """Share of the assessees who have it among their three least-developed."""
        return self.among_weakest / self.assessees if self.assessees else 0.0


@dataclass(frozen=True)
class Column:
    """One unit of the heatmap (or the body, or the suppressed units pooled)."""

    unit: str
    assessees: int | None  # None when hidden: not even the count is shown
    means: Mapping[str, float]  # empty when hidden
    hidden: str | None = None  # FEW or COMPLEMENT


@dataclass(frozen=True)
class Heatmap:
    competencies: tuple[str, ...]  # rows, in the order of the body's ranking
    body: Column
    columns: tuple[Column, ...]  # every unit with an assessee with results, by name
    others: Column | None  # the hidden units pooled, when together they reach the threshold


@dataclass(frozen=True)
class Section:
    """The figures of one questionnaire (heads or servants)."""

    instrument: Instrument
    assessees: int
    withheld: int | None  # over the body only: per unit it would tell whose results are withheld
    hidden: str | None  # FEW, COMPLEMENT or NONE: no figures
    needs: tuple[Need, ...]
    heatmap: Heatmap | None  # over the body only

    def competency_name(self, competency_id: str, language: str) -> str:
        return next(c.name(language) for c in self.instrument.competencies if c.id == competency_id)


@dataclass(frozen=True)
class Picture:
    campaign: str
    unit: str | None
    threshold: int
    sections: tuple[Section, ...]

    def section(self, instrument_id: str) -> Section | None:
        return next((s for s in self.sections if s.instrument.id == instrument_id), None)


def picture(population: Population, *, threshold: int, instrument: str | None = None,
            unit: str | None = None) -> Picture:
    """Needs per questionnaire, for the body or one unit, and the heatmap of the body."""
    chosen = [i for i in population.instruments.values() if instrument in (None, i.id)]
    sections = tuple(_section(population, i, threshold, unit) for i in chosen)
    return Picture(population.campaign, unit, threshold, sections)


def _section(population: Population, instrument: Instrument, threshold: int, unit: str | None) -> Section:
    body = [p for p in population.profiles if p.instrument.id == instrument.id]
    withheld = population.withheld_count(instrument.id)
    if len(body) < threshold:
        reason = NONE if not body else FEW
        return Section(instrument, len(body) if unit is None else 0, withheld if unit is None else None,
                       reason, (), None)
    body_needs = _needs(instrument, body)
    if unit is None:
        return Section(instrument, len(body), withheld, None, body_needs,
                       _heatmap(instrument, body, body_needs, threshold))
    members = [p for p in body if p.unit == unit]
    hidden = _hidden_units(body, threshold).get(unit)
    if not members:
        return Section(instrument, 0, None, NONE, (), None)
    if hidden:
        return Section(instrument, 0, None, hidden, (), None)
    body_means = {n.competency_id: n.mean for n in body_needs}
    return Section(instrument, len(members), None, None, _needs(instrument, members, body_means), None)


def _needs(instrument: Instrument, profiles: Sequence[Profile],
           body_means: Mapping[str, float] | None = None) -> tuple[Need, ...]:
    order = {c.id: i for i, c in enumerate(instrument.competencies)}
    rows = []
    for competency in instrument.competencies:
        values = [p.averages[competency.id] for p in profiles if competency.id in p.averages]
        if not values:
            continue
        rows.append(dict(
            competency_id=competency.id, mean=sum(values) / len(values), assessees=len(values),
            among_weakest=sum(1 for p in profiles if competency.id in p.weakest),
            below_low=sum(1 for v in values if round(v, scoring.DECIMALS) < LOW),
            body_mean=None if body_means is None else body_means.get(competency.id)))
    rows.sort(key=lambda r: (-r["among_weakest"], -r["below_low"], round(r["mean"], scoring.DECIMALS),
                             order[r["competency_id"]]))
    return tuple(Need(instrument=instrument, rank=i, **r) for i, r in enumerate(rows, 1))


def _hidden_units(body: Sequence[Profile], threshold: int) -> dict[str, str]:
    """Units whose figures are not shown, and why.

    A unit under the threshold is hidden. The body's figure is shown, so the hidden units together
    can be worked out from it and the shown units: if they hold fewer than ``threshold``
    assessees, the smallest shown units are hidden as well until they reach it (or none is left).
    """
    sizes: dict[str, int] = defaultdict(int)
    for p in body:
        sizes[p.unit] += 1
    hidden = {u: FEW for u, n in sizes.items() if n < threshold}
    pooled = sum(sizes[u] for u in hidden)
    shown = sorted((n, u) for u, n in sizes.items() if u not in hidden)
    while 0 < pooled < threshold and shown:
        n, u = shown.pop(0)
        hidden[u] = COMPLEMENT
        pooled += n
    return hidden


def _means(instrument: Instrument, profiles: Sequence[Profile]) -> dict[str, float]:
    out = {}
    for competency in instrument.competencies:
        values = [p.averages[competency.id] for p in profiles if competency.id in p.averages]
        if values:
            out[competency.id] = sum(values) / len(values)
    return out


def _heatmap(instrument: Instrument, body: Sequence[Profile], needs: Sequence[Need], threshold: int) -> Heatmap:
    hidden = _hidden_units(body, threshold)
    by_unit: dict[str, list[Profile]] = defaultdict(list)
    for p in body:
        by_unit[p.unit].append(p)
    columns = []
    for unit in sorted(by_unit, key=collation_key):
        if unit in hidden:
            columns.append(Column(unit, None, {}, hidden[unit]))
        else:
            columns.append(Column(unit, len(by_unit[unit]), _means(instrument, by_unit[unit])))
    pooled = [p for u in hidden for p in by_unit[u]]
    # Pooled, the hidden units give nothing away that the body and the shown units do not; when
    # no unit is shown, the pool is the body itself and is left out.
    some_shown = len(hidden) < len(by_unit)
    others = Column("", len(pooled), _means(instrument, pooled)) if len(pooled) >= threshold and some_shown else None
    return Heatmap(tuple(n.competency_id for n in needs), Column("", len(body), _means(instrument, body)),
                   tuple(columns), others)


# --- topics -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Proposal:
    need: Need
    topics: tuple[Topic, ...]


def proposals(section: Section, catalogue: Catalogue | None, top: int = PROPOSED) -> tuple[Proposal, ...]:
    """Topics for the first competencies of the ranking that are anyone's least developed."""
    if catalogue is None:
        return ()
    return tuple(Proposal(n, catalogue.for_competency(n.competency_id))
                 for n in [n for n in section.needs if n.among_weakest > 0][:top])


@dataclass(frozen=True)
class Cohort:
    topic: Topic
    members: tuple[Profile, ...]


def cohorts(population: Population, catalogue: Catalogue, *, instrument: str | None = None,
            unit: str | None = None) -> tuple[Cohort, ...]:
    """Per topic, who should attend: assessees whose three least-developed competencies include the
    topic's competency (para 37). For HR only: it names people."""
    chosen = [p for p in population.profiles
              if instrument in (None, p.instrument.id) and unit in (None, p.unit)]
    demand: dict[str, int] = defaultdict(int)
    for p in chosen:
        for competency in p.weakest:
            demand[competency] += 1
    order = {t.id: i for i, t in enumerate(catalogue.topics)}
    out = []
    for topic in sorted(catalogue.topics, key=lambda t: (-demand[t.competency_id], order[t.id])):
        members = sorted((p for p in chosen if topic.competency_id in p.weakest),
                         key=lambda p: (collation_key(p.unit), collation_key(p.person.full_name), p.person.employee_id))
        if members:
            out.append(Cohort(topic, tuple(members)))
    return tuple(out)


# --- workbooks ----------------------------------------------------------------------------------

Gettext = Callable[..., str]


def instrument_label(instrument_id: str, gettext: Gettext) -> str:
    if instrument_id == "head":
        return gettext("Unit heads")
    if instrument_id == "servant":
        return gettext("Corps-B servants")
    return instrument_id


def hidden_label(reason: str | None, threshold: int, gettext: Gettext) -> str:
    if reason == COMPLEMENT:
        return gettext("hidden (protects a smaller unit)")
    if reason == NONE:
        return gettext("no assessee with results")
    return gettext("fewer than %(num)d", num=threshold)


def hidden_mark(reason: str | None, threshold: int) -> str:
    """The short mark of a hidden cell, explained by the legend."""
    return "—" if reason == COMPLEMENT else f"< {threshold}"


def needs_workbook(picture: Picture, catalogue: Catalogue | None, *, language: str, gettext: Gettext) -> bytes:
    """The trainer's figures as .xlsx, the same as the page: no names, hidden cells left as text."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    bold = Font(bold=True)
    r2 = "0.00"

    about = book.active
    about.title = _sheet(gettext("About"))
    rows = [(gettext("Campaign"), picture.campaign),
            (gettext("Unit"), picture.unit or gettext("Whole body")),
            (gettext("Questionnaire"), ", ".join(instrument_label(s.instrument.id, gettext) for s in picture.sections)),
            (gettext("Assessees with results"), sum(s.assessees for s in picture.sections))]
    if picture.unit is None:
        rows.append((gettext("Assessees whose results are withheld (not counted)"),
                     sum(s.withheld or 0 for s in picture.sections)))
    rows += [(gettext("Anonymity threshold"), picture.threshold), (), (_rules(picture.threshold, gettext),)]
    for row in rows:
        about.append(list(row))
    about.column_dimensions["A"].width = 48
    about.column_dimensions["B"].width = 40
    for cell in about["A"]:
        cell.font = bold

    needs = book.create_sheet(_sheet(gettext("Training needs")))
    header = [gettext("Questionnaire"), gettext("Rank"), gettext("Competency"), gettext("Mean")]
    if picture.unit is not None:
        header.append(gettext("Body mean"))
    header += [gettext("Among the three least developed"), gettext("Share"), gettext("Averages under 3.0"),
               gettext("Assessees")]
    needs.append(header)
    for section in picture.sections:
        label = instrument_label(section.instrument.id, gettext)
        if section.hidden:
            needs.append([label, None, hidden_label(section.hidden, picture.threshold, gettext)])
            continue
        for n in section.needs:
            row = [label, n.rank, n.name(language), _r(n.mean)]
            if picture.unit is not None:
                row.append(_r(n.body_mean))
            row += [n.among_weakest, round(n.share, 4), n.below_low, n.assessees]
            needs.append(row)
    _format(needs, header, {gettext("Mean"): r2, gettext("Body mean"): r2, gettext("Share"): "0%"})

    if picture.unit is None:
        heat = book.create_sheet(_sheet(gettext("By unit")))
        for section in picture.sections:
            if section.heatmap is None:
                continue
            m = section.heatmap
            columns = [m.body] + list(m.columns) + ([m.others] if m.others else [])
            names = [gettext("Whole body")] + [c.unit or gettext("(no unit)") for c in m.columns]
            if m.others:
                names.append(gettext("Hidden units, combined"))
            heat.append([instrument_label(section.instrument.id, gettext)] + names)
            heat.cell(heat.max_row, 1).font = bold
            heat.append([gettext("Assessees")] + [c.assessees if c.assessees is not None
                                                  else hidden_label(c.hidden, picture.threshold, gettext)
                                                  for c in columns])
            for competency in m.competencies:
                heat.append([section.competency_name(competency, language)] + [
                    _r(c.means.get(competency)) if c.hidden is None
                    else hidden_label(c.hidden, picture.threshold, gettext) for c in columns])
                for cell in heat[heat.max_row][1:]:
                    if isinstance(cell.value, float):
                        cell.number_format = r2
            heat.append([])
        heat.column_dimensions["A"].width = 44
        for i in range(2, heat.max_column + 1):
            heat.column_dimensions[openpyxl.utils.get_column_letter(i)].width = 18

    topics = book.create_sheet(_sheet(gettext("Proposed topics")))
    header = [gettext("Questionnaire"), gettext("Rank"), gettext("Competency"), gettext("Topic"), gettext("Description")]
    topics.append(header)
    for section in picture.sections:
        for proposal in proposals(section, catalogue):
            for topic in proposal.topics:
                topics.append([instrument_label(section.instrument.id, gettext), proposal.need.rank,
                               proposal.need.name(language), topic.title(language), topic.description(language)])
    _format(topics, header, {}, widths={gettext("Description"): 80, gettext("Topic"): 48})
    return _save(book)


def cohorts_workbook(population: Population, catalogue: Catalogue, *, language: str, gettext: Gettext,
                     threshold: int, instrument: str | None = None, unit: str | None = None) -> bytes:
    """HR's cohorts: one row per topic and person, with a summary sheet of cohort sizes."""
    import openpyxl
    from openpyxl.styles import Font

    found = cohorts(population, catalogue, instrument=instrument, unit=unit)
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = _sheet(gettext("Topics"))
    header = [gettext("Topic"), gettext("Competency"), gettext("People"), gettext("Description")]
    summary.append(header)
    for cohort in found:
        summary.append([cohort.topic.title(language), _competency_name(population, cohort.topic.competency_id, language),
                        len(cohort.members), cohort.topic.description(language)])
    _format(summary, header, {}, widths={gettext("Description"): 80, gettext("Topic"): 48})
    withheld = population.withheld_count(instrument, unit)
    notes = [gettext("Campaign: %(name)s", name=population.campaign),
             gettext("An assessee is in the cohort of a topic when the topic's competency is among their "
                     "three least-developed competencies (order No. 260, para 37); ties at the third place "
                     "are included, so a person can be in the cohorts of more than three competencies.")]
    if withheld:
        notes.append(gettext("%(num)d assessees are in no cohort: fewer than %(threshold)d colleagues answered "
                             "about them, so their results are withheld.", num=withheld,
                             threshold=threshold))
    summary.append([])
    for note in notes:
        summary.append([note])
        summary.cell(summary.max_row, 1).font = Font(italic=True)

    people = book.create_sheet(_sheet(gettext("Cohorts")))
    header = [gettext("Topic"), gettext("Competency"), gettext("Questionnaire"), gettext("Employee id"),
              gettext("Full name"), gettext("Position"), gettext("Unit"), gettext("Their average")]
    people.append(header)
    for cohort in found:
        for p in cohort.members:
            people.append([cohort.topic.title(language), _competency_name(population, cohort.topic.competency_id, language),
                           instrument_label(p.instrument.id, gettext), p.person.employee_id, p.person.full_name,
                           p.person.position, p.unit, _r(p.averages.get(cohort.topic.competency_id))])
    _format(people, header, {gettext("Their average"): "0.00"},
            widths={gettext("Topic"): 44, gettext("Full name"): 32, gettext("Position"): 28, gettext("Unit"): 32})
    people.auto_filter.ref = people.dimensions
    return _save(book)


def _competency_name(population: Population, competency_id: str, language: str) -> str:
    for instrument in population.instruments.values():
        for competency in instrument.competencies:
            if competency.id == competency_id:
                return competency.name(language)
    return competency_id


def _rules(threshold: int, gettext: Gettext) -> str:
    return gettext(
        "Only closed campaigns and only assessees whose results are not withheld are counted. An assessee's three "
        "least-developed competencies are their three lowest averages (ties at the third place included). "
        "The ranking puts first the competency that is among the three least developed of the most assessees, "
        "then the one with more averages under 3.0, then the lower mean. Figures over fewer than %(num)d "
        "assessees are not shown.", num=threshold)


def _r(value: float | None) -> float | None:
    return scoring.rounded(value)


def _sheet(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31]


def _format(sheet, header: list[str], formats: Mapping[str, str], widths: Mapping[str, int] | None = None) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for i, name in enumerate(header, 1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = (widths or {}).get(name, max(12, min(40, len(name) + 2)))
        if name in formats:
            for cell in sheet[letter][1:]:
                cell.number_format = formats[name]


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- charts -------------------------------------------------------------------------------------

KINDS = ("ranking", "means", "heatmap")
FORMATS = ("png", "svg")
_lock = threading.Lock()  # matplotlib's font cache and rcParams are process-wide


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


def chart(section: Section, kind: str, text: ChartText, fmt: str = "png") -> bytes:
    """A slide-sized chart (16:9) of one questionnaire's figures, as PNG or SVG."""
    if kind not in KINDS or fmt not in FORMATS:
        raise ValueError(f"unknown chart {kind}.{fmt}")
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    # DejaVu Sans, matplotlib's own font, has every Kazakh letter (ә, ғ, қ, ң, ө, ұ, ү, һ, і).
    # SVG text is drawn as paths, so the slide looks the same on a computer without that font.
    style = {"font.family": "DejaVu Sans", "svg.fonttype": "path", "svg.hashsalt": "bagalau360",
             "axes.spines.top": False, "axes.spines.right": False}
    with _lock, matplotlib.rc_context(style):
        fig = Figure(figsize=(13.33, 7.5), dpi=150)
        if kind == "ranking":
            _ranking_chart(fig, section, text)
        elif kind == "means":
            _means_chart(fig, section, text)
        else:
            _heatmap_chart(fig, section, text)
        fig.suptitle(text.title, x=0.01, y=0.985, ha="left", fontsize=17, fontweight="bold")
        fig.text(0.01, 0.925, text.subtitle, ha="left", fontsize=11, color="#444")
        out = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(out, format=fmt, metadata=metadata)
    return out.getvalue()


def _wrap(label: str, width: int = 34) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


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
    ax.set_yticklabels([f"{n.rank}. {_wrap(n.name(text.language))}" for n in needs], fontsize=11)
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
        ax.text(max(n.mean, n.body_mean or 0) + 0.07, v, f"{n.mean:.2f}", va="center", fontsize=10)
    ax.axvline(LOW, color="#b00020", linestyle="--", linewidth=1)
    ax.text(LOW, -0.75, f"{LOW:.1f}", color="#b00020", ha="center", va="bottom", fontsize=10)
    ax.set_yticks(y)
    ax.set_yticklabels([_wrap(n.name(text.language)) for n in needs], fontsize=11)
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
    cmap = ListedColormap(HEAT_COLOURS)
    norm = BoundaryNorm((0.0,) + HEAT_BINS + (5.01,), cmap.N)
    for j, column in enumerate(columns):
        for i, competency in enumerate(rows):
            value = column.means.get(competency) if column.hidden is None else None
            if value is None:
                ax.add_patch(Rectangle((j, i), 1, 1, facecolor="#eeeeee", edgecolor="white", hatch="///",
                                       linewidth=1.5))
                ax.text(j + 0.5, i + 0.5, text.hidden_few if column.hidden != COMPLEMENT else text.hidden_complement,
                        ha="center", va="center", fontsize=9, color="#555")
                continue
            k = heat_class(value)
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor=cmap(norm(value)), edgecolor="white", linewidth=1.5))
            ax.text(j + 0.5, i + 0.5, f"{value:.2f}", ha="center", va="center", fontsize=10,
                    color="white" if k in HEAT_DARK else "#111")
    ax.set_xlim(0, len(columns))
    ax.set_ylim(len(rows), 0)
    ax.set_xticks([j + 0.5 for j in range(len(columns))])
    labels = []
    for name, column in zip(names, columns):
        count = f"(n={column.assessees})" if column.assessees is not None else ""
        labels.append(_wrap(name, 16) + ("\n" + count if count else ""))
    ax.set_xticklabels(labels, fontsize=9)
    ax.xaxis.tick_top()
    ax.set_yticks([i + 0.5 for i in range(len(rows))])
    ax.set_yticklabels([_wrap(section.competency_name(c, text.language), 36) for c in rows], fontsize=10)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
