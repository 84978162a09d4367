"""Classical test statistics for the methodologist's view: plain numpy, no Flask, no database.

Every function takes plain numbers and returns a float, or ``None`` when the figure is not
computable (too few values, or a variance of zero where it divides). A ``None`` is shown as
"not computable"; no function returns NaN or infinity. The formulas and their sources are written
down once, in docs/methodology.md, "Measurement quality".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

# Answers are whole points, so a variance of exactly zero comes out as 0.0; the tolerance only
# keeps a float rounding residue from passing for a real spread.
EPSILON = 1e-12


def _array(values: Sequence[float]) -> np.ndarray:
    return np.asarray(values, dtype=float).ravel()


def _matrix(items: Sequence[Sequence[float]]) -> np.ndarray:
    """Rows are responses, columns are the questions of one competency."""
    m = np.asarray(items, dtype=float)
    if m.size == 0 or m.ndim != 2:
        return np.zeros((0, 0)) if m.size == 0 else m.reshape(len(m), -1)
    return m


def mean(values: Sequence[float]) -> float | None:
    x = _array(values)
    return float(x.mean()) if x.size else None


def sd(values: Sequence[float]) -> float | None:
    """Sample standard deviation (divisor n - 1); needs two values."""
    x = _array(values)
    return float(x.std(ddof=1)) if x.size >= 2 else None


def shares(values: Sequence[float], options: Sequence[float]) -> tuple[float | None, ...]:
    """The share of the values equal to each option, in the order of ``options``."""
    x = _array(values)
    if not x.size:
        return tuple(None for _ in options)
    return tuple(float(np.count_nonzero(x == option) / x.size) for option in options)


def pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Pearson's r; not computable when either side has no spread."""
    a, b = _array(x), _array(y)
    if a.size != b.size or a.size < 2:
        return None
    da, db = a - a.mean(), b - b.mean()
    saa, sbb = float(da @ da), float(db @ db)
    if saa <= EPSILON or sbb <= EPSILON:
        return None
    return _clip(float(da @ db) / np.sqrt(saa * sbb), -1.0, 1.0)


def cronbach_alpha(items: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha, k/(k-1) * (1 - sum of item variances / variance of the total).

    Not computable with fewer than two questions or two responses, or when every response has the
    same total (the variance it divides by is zero).
    """
    m = _matrix(items)
    n, k = m.shape
    if k < 2 or n < 2:
        return None
    total_variance = float(m.sum(axis=1).var(ddof=1))
    if total_variance <= EPSILON:
        return None
    item_variances = float(m.var(axis=0, ddof=1).sum())
    return k / (k - 1) * (1 - item_variances / total_variance)


def item_rest_correlations(items: Sequence[Sequence[float]]) -> tuple[float | None, ...]:
    """Corrected item-total correlation of each question: r between the question and the sum of the
    other questions of its competency (the question itself left out of the total)."""
    m = _matrix(items)
    if m.shape[1] < 2:
        return tuple(None for _ in range(m.shape[1]))
    totals = m.sum(axis=1)
    return tuple(pearson(m[:, i], totals - m[:, i]) for i in range(m.shape[1]))


def alpha_if_deleted(items: Sequence[Sequence[float]]) -> tuple[float | None, ...]:
    """Cronbach's alpha of the competency without each question in turn."""
    m = _matrix(items)
    return tuple(cronbach_alpha(np.delete(m, i, axis=1)) for i in range(m.shape[1]))


@dataclass(frozen=True)
class OneWay:
    """One-way analysis of variance of respondents' means grouped by assessee, and the ICCs."""

    groups: int  # J: assessees
    n: int  # N: respondents over all assessees
    k0: float | None  # the "average" group size for unequal groups
    grand_mean: float | None
    between_sd: float | None  # SD of the assessees' means (divisor J - 1)
    within_sd: float | None  # sqrt(MSW): pooled SD of respondents around their assessee's mean
    msb: float | None
    msw: float | None
    icc1: float | None  # reliability of one rater; agreement among raters of the same assessee
    icc2: float | None  # reliability of an assessee's mean over their raters


def one_way(groups: Sequence[Sequence[float]]) -> OneWay:
    """ICC(1) and ICC(2) from a one-way ANOVA with unequal group sizes.

    ICC(1) = (MSB - MSW) / (MSB + (k0 - 1) MSW), ICC(2) = (MSB - MSW) / MSB,
    k0 = (N - sum(n_j^2) / N) / (J - 1). Groups with no values are ignored.
    """
    arrays = [_array(g) for g in groups]
    arrays = [a for a in arrays if a.size]
    j = len(arrays)
    sizes = np.array([a.size for a in arrays], dtype=float)
    n = int(sizes.sum())
    if j == 0:
        return OneWay(0, 0, None, None, None, None, None, None, None, None)
    means = np.array([a.mean() for a in arrays])
    grand = float(np.concatenate(arrays).mean())
    between_sd = float(means.std(ddof=1)) if j >= 2 else None
    ss_within = float(sum(((a - a.mean()) ** 2).sum() for a in arrays))
    msw = ss_within / (n - j) if n > j else None
    within_sd = float(np.sqrt(msw)) if msw is not None else None
    if j < 2:
        return OneWay(j, n, None, grand, between_sd, within_sd, None, msw, None, None)
    ss_between = float((sizes * (means - grand) ** 2).sum())
    msb = ss_between / (j - 1)
    k0 = float((n - (sizes ** 2).sum() / n) / (j - 1))
    icc1 = icc2 = None
    if msw is not None:
        denominator = msb + (k0 - 1) * msw
        if denominator > EPSILON:
            icc1 = (msb - msw) / denominator
        if msb > EPSILON:
            icc2 = (msb - msw) / msb
    return OneWay(j, n, k0, grand, between_sd, within_sd, msb, msw, icc1, icc2)


def _clip(value: float, low: float, high: float) -> float:
    """Keeps a correlation that rounding pushed past its bound (1.0000000002) inside it."""
    return float(min(high, max(low, value)))
