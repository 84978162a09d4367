"""Averages, the overall result and its band: order No. 260, appendices 5-8 and para 8.

Plain functions over plain values, so the arithmetic of the law can be checked by hand in tests.

- A competency's average is the sum of the points given to its questions divided by the number of
  those answers, over all respondents except the assessee (appendices 5-6; appendices 7-8 say the
  same per respondent, which is equal when every question is answered, as the form requires).
- The self-assessment is computed the same way and shown beside it, never counted (para 36).
- The overall result is the mean of the competency averages; its band follows para 8.
- Under ``threshold`` non-self respondents every average is withheld: with one or two raters an
  average is their answers, and anonymity (para 34) would be a fiction.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

from survey.core.messages import N_

# Para 8: "effective" 4-5, "proper" 3-3.99, "satisfactory" 2-2.99, "unsatisfactory" 0-1.99.
BANDS: tuple[tuple[float, str], ...] = (
    (4.0, "effective"),
    (3.0, "proper"),
    (2.0, "satisfactory"),
    (0.0, "unsatisfactory"),
)
# Para 8's words for each band: the report and the results workbook say them alike.
BAND_LABELS = {
    "effective": N_("Performs functional duties effectively"),
    "proper": N_("Performs functional duties properly"),
    "satisfactory": N_("Performs functional duties satisfactorily"),
    "unsatisfactory": N_("Performs functional duties unsatisfactorily"),
}
DECIMALS = 2


# Slots: a closing body's results are held at once, 100,000 of them with a dozen competencies each,
# and an object without a dictionary of its own is half the size.
@dataclass(frozen=True, slots=True)
class ScoredResponse:
    is_self: bool
    answers: Mapping[str, int]  # question id -> points


@dataclass(frozen=True, slots=True)
class CompetencyResult:
    competency_id: str
    average: float | None  # None: withheld
    answers: int
    respondents: int
    self_average: float | None


@dataclass(frozen=True, slots=True)
class Result:
    competencies: tuple[CompetencyResult, ...]
    overall: float | None
    band: str | None
    respondents: int
    self_overall: float | None
    withheld: bool

    def competency(self, competency_id: str) -> CompetencyResult:
        return next(c for c in self.competencies if c.competency_id == competency_id)


def band(value: float | None) -> str | None:
    """The band of a result as shown, so that a displayed 4.00 is never called 'proper'."""
    if value is None:
        return None
    shown = round(value, DECIMALS)
    for floor, name in BANDS:
        if shown >= floor:
            return name
    return BANDS[-1][1]


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass(frozen=True, slots=True)
class Total:
    """The points given to one competency, over the self-assessment or over everyone else.

    Totals are all the scoring needs, so they are what the database keeps per assessee
    (``competency_totals``, written when the campaign closes, see ``tally``): a campaign's results
    are then read from a few rows per assessee instead of every answer.
    """

    is_self: bool
    competency_id: str
    points: int
    answers: int
    responses: int


def competency_of(question_id: str) -> str:
    """Question ids are '<competency>.<n>' (checked when the questionnaire is loaded)."""
    return question_id.split(".", 1)[0]


def totals(responses: Iterable[ScoredResponse], competency_of: Callable[[str], str | None]) -> list[Total]:
    """Sum, count of answers and count of responses per (self or not, competency)."""
    acc: dict[tuple[bool, str], list[int]] = {}
    for response in responses:
        touched = set()
        for question, points in response.answers.items():
            competency = competency_of(question)
            if competency is None:
                continue
            entry = acc.setdefault((response.is_self, competency), [0, 0, 0])
            entry[0] += points
            entry[1] += 1
            touched.add(competency)
        for competency in touched:
            acc[response.is_self, competency][2] += 1
    return [Total(is_self, competency, *values) for (is_self, competency), values in acc.items()]


def from_totals(competency_ids: Sequence[str], items: Iterable[Total], *, threshold: int = 3) -> Result:
    """The result of one assessee from their totals (``competency_ids`` in the questionnaire's order)."""
    by_key = {(t.is_self, t.competency_id): t for t in items}
    respondents = max((t.responses for (is_self, _), t in by_key.items() if not is_self), default=0)
    withheld = respondents < threshold
    results = []
    for competency in competency_ids:
        others, own = by_key.get((False, competency)), by_key.get((True, competency))
        average = others.points / others.answers if others and others.answers else None
        results.append(CompetencyResult(
            competency_id=competency,
            average=None if withheld else average,
            answers=others.answers if others else 0,
            respondents=others.responses if others else 0,
            self_average=own.points / own.answers if own and own.answers else None,
        ))
    averages = [r.average for r in results if r.average is not None]
    overall = None if withheld else _mean(averages)
    self_values = [r.self_average for r in results if r.self_average is not None]
    return Result(
        competencies=tuple(results),
        overall=overall,
        band=band(overall),
        respondents=respondents,
        self_overall=_mean(self_values),
        withheld=withheld,
    )


def assess(competencies: Mapping[str, Sequence[str]], responses: Iterable[ScoredResponse], *, threshold: int = 3) -> Result:
    """The result of one assessee.

    ``competencies`` maps each competency id, in the questionnaire's order, to its question ids.
    """
    question_to_competency = {q: c for c, qs in competencies.items() for q in qs}
    return from_totals(list(competencies), totals(responses, question_to_competency.get), threshold=threshold)


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)
