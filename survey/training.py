"""Training needs across the body (order No. 260, para 37): which competencies are least developed.

Built only from assessees whose results are not withheld, and reported per competency, never per
person.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping

from sqlalchemy.orm import Session

from . import results
from .instruments import Instrument
from .models import Campaign

WEAKEST = 3  # "the three least-developed competencies" of an assessee
LOW = 3.0  # an average under 3: "in half of the cases" or less


@dataclass(frozen=True)
class Need:
    instrument: Instrument
    competency_id: str
    mean: float
    assessees: int
    among_weakest: int
    below_low: int

    def name(self, language: str) -> str:
        return next(c.name(language) for c in self.instrument.competencies if c.id == self.competency_id)


def needs(session: Session, campaign: Campaign, instruments: Mapping[str, Instrument], *, threshold: int) -> list[Need]:
    """Competencies from the lowest organisation mean up, per instrument."""
    items = [i for i in results.campaign_results(session, campaign, instruments, threshold=threshold)
             if not i.result.withheld]
    values: dict[tuple[str, str], list[float]] = defaultdict(list)
    weakest: dict[tuple[str, str], int] = defaultdict(int)
    for item in items:
        scored = [(c.average, c.competency_id) for c in item.result.competencies if c.average is not None]
        for average, competency in scored:
            values[item.instrument.id, competency].append(average)
        for _, competency in sorted(scored)[:WEAKEST]:
            weakest[item.instrument.id, competency] += 1
    out = [
        Need(instruments[instrument_id], competency, sum(v) / len(v), len(v), weakest[instrument_id, competency],
             sum(1 for x in v if x < LOW))
        for (instrument_id, competency), v in values.items()
        if len(v) >= threshold  # a figure over fewer assessees would come close to naming them
    ]
    return sorted(out, key=lambda n: (n.instrument.id, n.mean))
