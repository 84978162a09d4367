"""What the report reads into the averages beyond the form of appendices 7-8. Plain functions.

Order No. 260 asks only for the averages, the self-assessment beside them and the overall band.
The report is a development tool (para 10), so it also points out, with thresholds fixed here and
printed on the report itself:

- **blind spots**: competencies the assessee rates at least ``GAP_THRESHOLD`` points higher than
  the colleagues do; **hidden strengths**: the colleagues rate at least that much higher than the
  assessee. One point is one answer option of the five (appendices 5-6), a difference a reader
  notices and that a rounding of the averages cannot produce. The gap is taken between the
  figures as shown (two decimals), so a reader can check it with the table.
- **agreement among the raters** per competency, from the spread (population standard deviation)
  of each respondent's mean over the competency's three questions. Under ``AGREE_BELOW`` the raters
  agree, under ``PARTLY_BELOW`` they partly agree, otherwise they disagree. On the 1-5 scale a
  spread under half a point means the raters chose the same or neighbouring options; a spread of a
  point or more means that some saw the competency about twice as often as others did. Shown in
  words only, never as a figure, and only with at least ``AGREEMENT_MIN_RESPONDENTS`` respondents:
  with two, the spread and the mean together would give both answers.
- the **least-developed competencies** (para 37: training topics are chosen from them): the
  ``LEAST_DEVELOPED`` lowest averages, ties broken by the questionnaire's order.
"""
from __future__ import annotations

import math
from typing import Iterable, Mapping, Sequence

GAP_THRESHOLD = 1.0
AGREEMENT_MIN_RESPONDENTS = 3
AGREE_BELOW = 0.5
PARTLY_BELOW = 1.0
LEAST_DEVELOPED = 3
_EPSILON = 1e-9  # 4.50 - 3.50 is 0.9999999999999996 in binary floating point

AGREEMENT_LEVELS = ("agree", "partly", "disagree")


def gap(self_average: float | None, average: float | None) -> float | None:
    """Self minus colleagues, between the rounded figures the reader sees."""
    if self_average is None or average is None:
        return None
    return round(round(self_average, 2) - round(average, 2), 2)


def is_blind_spot(self_average: float | None, average: float | None, threshold: float = GAP_THRESHOLD) -> bool:
    difference = gap(self_average, average)
    return difference is not None and difference >= threshold - _EPSILON


def is_hidden_strength(self_average: float | None, average: float | None, threshold: float = GAP_THRESHOLD) -> bool:
    difference = gap(self_average, average)
    return difference is not None and -difference >= threshold - _EPSILON


def respondent_means(competencies: Mapping[str, Sequence[str]],
                     responses: Iterable[Mapping[str, int]]) -> dict[str, list[float]]:
    """Each (non-self) response's mean per competency; a response without answers to it is left out.

    Responses carry no rater identity, and none is needed: each response is one respondent.
    """
    question_to_competency = {q: c for c, qs in competencies.items() for q in qs}
    out: dict[str, list[float]] = {c: [] for c in competencies}
    for answers in responses:
        points: dict[str, list[int]] = {}
        for question, value in answers.items():
            competency = question_to_competency.get(question)
            if competency is not None:
                points.setdefault(competency, []).append(value)
        for competency, values in points.items():
            out[competency].append(sum(values) / len(values))
    return out


def spread(means: Sequence[float]) -> float | None:
    """Population standard deviation: how far this group of raters is from its own mean."""
    if not means:
        return None
    centre = sum(means) / len(means)
    return math.sqrt(sum((m - centre) ** 2 for m in means) / len(means))


def agreement(means: Sequence[float], *, minimum: int = AGREEMENT_MIN_RESPONDENTS) -> str | None:
    """'agree', 'partly' or 'disagree'; None with fewer than ``minimum`` respondents."""
    if len(means) < minimum:
        return None
    value = round(spread(means), 2)
    if value < AGREE_BELOW - _EPSILON:
        return "agree"
    if value < PARTLY_BELOW - _EPSILON:
        return "partly"
    return "disagree"


def least_developed(averages: Sequence[tuple[str, float | None]], count: int = LEAST_DEVELOPED) -> list[str]:
    """Ids of the ``count`` lowest averages (as shown), in questionnaire order on ties."""
    ranked = sorted(((round(a, 2), i, cid) for i, (cid, a) in enumerate(averages) if a is not None))
    return [cid for _, _, cid in ranked[:count]]
