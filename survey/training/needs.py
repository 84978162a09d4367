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

The workbooks of these figures are ``training.workbook``, their charts ``training.charts``.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from sqlalchemy.orm import Session

from survey.results import export as results, scoring
from survey.core.collation import collation_key
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


# --- who counts ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
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
               threshold: int, known: Mapping[int, scoring.Result] | None = None) -> Population:
    """The assessees of a closed campaign whose results are not withheld (``known``: see
    ``results.campaign_results``)."""
    profiles, withheld = [], []
    # Read a part at a time: a body's whole results at once would hold every competency's figures of
    # 100,000 people, where a profile keeps only their averages.
    parts = ([results.campaign_results(session, campaign, instruments, threshold=threshold, known=known)]
             if known is not None else results.in_parts(session, campaign, instruments, threshold=threshold))
    for item in (item for part in parts for item in part):
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
class HeatmapColumn:
    """One unit of the heatmap (or the body, or the suppressed units pooled)."""

    unit: str
    assessees: int | None  # None when hidden: not even the count is shown
    means: Mapping[str, float]  # empty when hidden
    hidden: str | None = None  # FEW or COMPLEMENT


@dataclass(frozen=True)
class Heatmap:
    competencies: tuple[str, ...]  # rows, in the order of the body's ranking
    body: HeatmapColumn
    columns: tuple[HeatmapColumn, ...]  # every unit with an assessee with results, by name
    others: HeatmapColumn | None  # the hidden units pooled, when together they reach the threshold


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
        return _too_few(instrument, body, withheld, unit)
    body_needs = _needs(instrument, body)
    if unit is None:
        return Section(instrument, len(body), withheld, None, body_needs,
                       _heatmap(instrument, body, body_needs, threshold))
    return _unit_section(instrument, [p for p in body if p.unit == unit], _hidden_units(body, threshold).get(unit),
                         body_needs)


def _too_few(instrument: Instrument, body: Sequence[Profile], withheld: int, unit: str | None) -> Section:
    reason = NONE if not body else FEW
    return Section(instrument, len(body) if unit is None else 0, withheld if unit is None else None, reason, (), None)


def _unit_section(instrument: Instrument, members: Sequence[Profile], hidden: str | None,
                  body_needs: Sequence[Need]) -> Section:
    if not members:
        return Section(instrument, 0, None, NONE, (), None)
    if hidden:
        return Section(instrument, 0, None, hidden, (), None)
    body_means = {n.competency_id: n.mean for n in body_needs}
    return Section(instrument, len(members), None, None, _needs(instrument, members, body_means), None)


def every_unit(population: Population, *, threshold: int) -> dict[str, tuple[Section, ...]]:
    """What ``picture(unit=u)`` gives for each unit ``u``, all at once: the body's figures are
    computed once instead of once a unit, which at 200 units is the difference between a second
    and minutes (the figures kept at closing hold every unit's)."""
    out: dict[str, list[Section]] = {u: [] for u in population.units}
    for instrument in population.instruments.values():
        body = [p for p in population.profiles if p.instrument.id == instrument.id]
        if len(body) < threshold:
            for unit, sections in out.items():
                sections.append(_too_few(instrument, body, 0, unit))
            continue
        body_needs = _needs(instrument, body)
        hidden = _hidden_units(body, threshold)
        members: dict[str, list[Profile]] = defaultdict(list)
        for p in body:
            members[p.unit].append(p)
        for unit, sections in out.items():
            sections.append(_unit_section(instrument, members.get(unit, []), hidden.get(unit), body_needs))
    return {u: tuple(sections) for u, sections in out.items()}


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
            columns.append(HeatmapColumn(unit, None, {}, hidden[unit]))
        else:
            columns.append(HeatmapColumn(unit, len(by_unit[unit]), _means(instrument, by_unit[unit])))
    pooled = [p for u in hidden for p in by_unit[u]]
    # Pooled, the hidden units give nothing away that the body and the shown units do not; when
    # no unit is shown, the pool is the body itself and is left out.
    some_shown = len(hidden) < len(by_unit)
    others = (HeatmapColumn("", len(pooled), _means(instrument, pooled)) if len(pooled) >= threshold and some_shown
              else None)
    return Heatmap(tuple(n.competency_id for n in needs), HeatmapColumn("", len(body), _means(instrument, body)),
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
    """Who should attend the topics of one competency. Every topic of a competency has the same
    cohort, so a person is listed once per competency, with its topics beside them (not once per
    topic: three times the rows for the same names)."""

    competency_id: str
    topics: tuple[Topic, ...]
    members: tuple[Profile, ...]


def cohorts(population: Population, catalogue: Catalogue, *, instrument: str | None = None,
            unit: str | None = None) -> tuple[Cohort, ...]:
    """Per competency with topics in the catalogue, who should attend: assessees whose three
    least-developed competencies include it (para 37), the largest cohort first. For HR only: it
    names people."""
    chosen = sorted((p for p in population.profiles if instrument in (None, p.instrument.id) and unit in (None, p.unit)),
                    key=lambda p: (collation_key(p.unit), collation_key(p.person.full_name), p.person.employee_id))
    members: dict[str, list[Profile]] = defaultdict(list)  # each in the order of ``chosen``: no sort of its own
    for p in chosen:
        for competency in p.weakest:
            members[competency].append(p)
    out = [Cohort(c, catalogue.for_competency(c), tuple(members[c]))
           for c in sorted(catalogue.by_competency, key=lambda c: -len(members[c]))  # stable: ties in catalogue order
           if members[c] and catalogue.for_competency(c)]
    return tuple(out)


# --- labels -------------------------------------------------------------------------------------

Gettext = Callable[..., str]


def hidden_label(reason: str | None, threshold: int, gettext: Gettext) -> str:
    if reason == COMPLEMENT:
        return gettext("hidden (protects a smaller unit)")
    if reason == NONE:
        return gettext("no assessee with results")
    return gettext("fewer than %(num)d", num=threshold)


def hidden_mark(reason: str | None, threshold: int) -> str:
    """The short mark of a hidden cell, explained by the legend."""
    return "—" if reason == COMPLEMENT else f"< {threshold}"
