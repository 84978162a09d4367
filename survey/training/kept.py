"""The trainers' figures of a closed campaign as kept at closing: every picture ``needs.picture``
can draw (the body, each unit), so that a page, chart or workbook reads them instead of 20,000
assessees' results.

Only what the pages show is kept: figures over at least the anonymity threshold, hidden cells as
their reason, no person (the cohorts, which name people, are read from the results each time).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from survey.core import kept
from survey.core.instruments import Instrument
from survey.training.needs import Picture, Population, Section, every_unit, picture

VERSION = 1


@dataclass(frozen=True)
class TrainingFigures:
    campaign: str
    threshold: int
    instruments: Mapping[str, Instrument]  # in the order of the page
    units: tuple[str, ...]  # every unit with an assessee with results
    body: tuple[Section, ...]  # one per questionnaire, in the order of ``instruments``
    # Each unit's sections as kept (JSON), read only for the unit a page asks for: a body of 200
    # units keeps 400 sections, and a page shows one or two.
    by_unit: Mapping[str, list]

    def picture(self, *, instrument: str | None = None, unit: str | None = None) -> Picture:
        """The same as ``needs.picture`` over the population these figures were kept from; a unit
        must be one of ``units`` (the pages refuse others before asking)."""
        if unit is not None and unit not in self.by_unit:
            raise ValueError(f"no assessee with results in unit {unit!r}")
        sections = self.body if unit is None else kept.decode(tuple[Section, ...], self.by_unit[unit],
                                                             self.instruments)
        return Picture(self.campaign, unit, self.threshold,
                       tuple(s for s in sections if instrument in (None, s.instrument.id)))


def figures(population: Population, *, threshold: int) -> TrainingFigures:
    return TrainingFigures(population.campaign, threshold, population.instruments, population.units,
                           picture(population, threshold=threshold).sections,
                           kept.encode(every_unit(population, threshold=threshold)))


def payload(figures: TrainingFigures) -> dict:
    return {"instruments": list(figures.instruments), "units": list(figures.units),
            "body": kept.encode(figures.body), "by_unit": figures.by_unit}


def from_payload(payload: dict, campaign: str, threshold: int,
                 instruments: Mapping[str, Instrument]) -> TrainingFigures:
    """Raises KeyError when a questionnaire of the figures is no longer loaded: they are then
    computed again."""
    ordered = {i: instruments[i] for i in payload["instruments"]}
    return TrainingFigures(campaign, threshold, ordered, tuple(payload["units"]),
                           kept.decode(tuple[Section, ...], payload["body"], instruments), payload["by_unit"])
