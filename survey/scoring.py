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

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

# Para 8: "effective" 4-5, "proper" 3-3.99, "satisfactory" 2-2.99, "unsatisfactory" 0-1.99.
BANDS: tuple[tuple[float, str], ...] = (
    (4.0, "effective"),
    (3.0, "proper"),
    (2.0, "satisfactory"),
    (0.0, "unsatisfactory"),
)
DECIMALS = 2


@dataclass(frozen=True)
class Response:
    is_self: bool
    answers: Mapping[str, int]  # question id -> points


@dataclass(frozen=True)
class CompetencyResult:
    competency_id: str
    average: float | None  # None: withheld
    answers: int
    respondents: int
    self_average: float | None


@dataclass(frozen=True)
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
    return next(name for floor, name in BANDS if shown >= floor)


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def assess(competencies: Mapping[str, Sequence[str]], responses: Iterable[Response], *, threshold: int = 3) -> Result:
    """The result of one assessee.

    ``competencies`` maps each competency id, in the questionnaire's order, to its question ids.
    """
    question_to_competency = {q: c for c, qs in competencies.items() for q in qs}
    others: dict[str, list[int]] = defaultdict(list)
    own: dict[str, list[int]] = defaultdict(list)
    respondents: dict[str, int] = defaultdict(int)
    total_respondents = 0
    for response in responses:
        target = own if response.is_self else others
        touched = set()
        for question, points in response.answers.items():
            competency = question_to_competency.get(question)
            if competency is not None:
                target[competency].append(points)
                touched.add(competency)
        if not response.is_self:
            total_respondents += 1
            for competency in touched:
                respondents[competency] += 1

    withheld = total_respondents < threshold
    results = []
    for competency in competencies:
        average = _mean(others[competency])
        results.append(CompetencyResult(
            competency_id=competency,
            average=None if withheld else average,
            answers=len(others[competency]),
            respondents=respondents[competency],
            self_average=_mean(own[competency]),
        ))
    averages = [r.average for r in results if r.average is not None]
    overall = None if withheld else _mean(averages)
    self_values = [r.self_average for r in results if r.self_average is not None]
    return Result(
        competencies=tuple(results),
        overall=overall,
        band=band(overall),
        respondents=total_respondents,
        self_overall=_mean(self_values),
        withheld=withheld,
    )


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)
