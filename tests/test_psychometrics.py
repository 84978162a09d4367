"""The statistics of the methodologist's view, each checked against a computation done by hand.

The expected values are written as exact fractions worked out on paper (the sums are in the
comments), never by calling the function under test.
"""
from __future__ import annotations

import math

import pytest

from survey.quality import psychometrics as pm

# Nine responses to the three questions of one competency (rows: responses, columns: questions).
ROWS = [(5, 4, 5), (4, 4, 4), (5, 5, 4), (3, 3, 2), (2, 3, 3), (3, 2, 2), (4, 3, 4), (3, 3, 3), (5, 4, 4)]
# By hand:
#   question 1: 5 4 5 3 2 3 4 3 5, sum 34, sum of squares 138, SS = 138 - 34²/9 = 86/9
#   question 2: 4 4 5 3 3 2 3 3 4, sum 31, sum of squares 113, SS = 113 - 31²/9 = 56/9
#   question 3: 5 4 4 2 3 2 4 3 4, sum 31, sum of squares 115, SS = 115 - 31²/9 = 74/9
#   totals:     14 12 14 8 8 7 11 9 13, sum 96, sum of squares 1084, SS = 1084 - 96²/9 = 60
#   alpha = 3/2 * (1 - (86 + 56 + 74)/9 / 60) = 3/2 * (1 - 24/60) = 9/10
ALPHA = 9 / 10


def test_cronbach_alpha_matches_the_hand_computation():
    assert pm.cronbach_alpha(ROWS) == pytest.approx(ALPHA)


def test_cronbach_alpha_equals_the_mean_covariance_form():
    # An independent formula: alpha = k * mean covariance / (mean variance + (k - 1) * mean covariance).
    k, n = 3, len(ROWS)
    cols = list(zip(*ROWS))
    means = [sum(c) / n for c in cols]

    def cov(i, j):
        return sum((r[i] - means[i]) * (r[j] - means[j]) for r in ROWS) / (n - 1)

    mean_var = sum(cov(i, i) for i in range(k)) / k
    mean_cov = sum(cov(i, j) for i in range(k) for j in range(k) if i != j) / (k * (k - 1))
    assert pm.cronbach_alpha(ROWS) == pytest.approx(k * mean_cov / (mean_var + (k - 1) * mean_cov))


def test_corrected_item_total_correlations_match_the_hand_computation():
    # Question 1 against questions 2 + 3 (9 8 9 5 6 4 7 6 8): SS(rest) = 452 - 62²/9 = 224/9,
    # cross products 247 - 34*62/9 = 115/9, r = 115 / sqrt(86 * 224).
    # Question 2 against 1 + 3: SS(rest) = 284/9, products 100/9; question 3 against 1 + 2: 248/9, 109/9.
    r1, r2, r3 = pm.item_rest_correlations(ROWS)
    assert r1 == pytest.approx(115 / math.sqrt(86 * 224))
    assert r2 == pytest.approx(100 / math.sqrt(56 * 284))
    assert r3 == pytest.approx(109 / math.sqrt(74 * 248))


def test_alpha_if_deleted_is_the_two_question_alpha_of_the_others():
    # Without question 1: 2 * (1 - (56 + 74) / 224) = 47/56; without 2: 2 * (1 - (86 + 74)/284) = 62/71;
    # without 3: 2 * (1 - (86 + 56)/248) = 53/62.
    assert pm.alpha_if_deleted(ROWS) == pytest.approx((47 / 56, 62 / 71, 53 / 62))


def test_a_question_measuring_something_else_has_a_low_item_rest_correlation():
    # Questions 1 and 2 rise together; question 3 goes its own way.
    rows = [(1, 1, 3), (2, 2, 5), (3, 3, 1), (4, 4, 4), (5, 5, 2)]
    r1, r2, r3 = pm.item_rest_correlations(rows)
    assert r1 > 0.3 and r2 > 0.3 and r3 < 0.3


def test_mean_sd_and_shares_match_the_hand_computation():
    answers = [x for row in ROWS for x in row]
    # 27 answers, sum 96: mean 32/9; sum of squares 366, SS = 366 - 96²/27 = 74/3, variance 74/3 / 26 = 37/39.
    assert pm.mean(answers) == pytest.approx(32 / 9)
    assert pm.sd(answers) == pytest.approx(math.sqrt(37 / 39))
    # Points 1..5 given 0, 4, 9, 9 and 5 times.
    assert pm.shares(answers, [1, 2, 3, 4, 5]) == pytest.approx((0, 4 / 27, 9 / 27, 9 / 27, 5 / 27))


def test_icc_with_unequal_groups_matches_the_hand_computation():
    groups = [[4, 5, 5], [3, 3, 4], [2, 3, 1, 2]]
    # Means 14/3, 10/3, 2; grand mean 32/10; N = 10, J = 3.
    # SSB = 3 (22/15)² + 3 (2/15)² + 4 (6/5)² = 484/75 + 4/75 + 432/75 = 920/75, MSB = 92/15
    # SSW = 2/3 + 2/3 + 2 = 10/3, MSW = 10/21
    # k0 = (10 - (9 + 9 + 16)/10) / 2 = 33/10
    # ICC(1) = (92/15 - 10/21) / (92/15 + 23/10 * 10/21) = 594/759 = 18/23; ICC(2) = 594/644
    result = pm.one_way(groups)
    assert (result.groups, result.n) == (3, 10)
    assert result.k0 == pytest.approx(33 / 10)
    assert result.msb == pytest.approx(92 / 15) and result.msw == pytest.approx(10 / 21)
    assert result.icc1 == pytest.approx(18 / 23)
    assert result.icc2 == pytest.approx(594 / 644)
    # The assessees' means 14/3, 10/3, 6/3 around 10/3: SD = sqrt((16/9 + 0 + 16/9) / 2) = 4/3.
    assert result.between_sd == pytest.approx(4 / 3)
    assert result.within_sd == pytest.approx(math.sqrt(10 / 21))


def test_icc_with_equal_groups_is_shrout_and_fleiss_icc_1_1():
    # With equal groups k0 = n, and ICC(1) = (MSB - MSW) / (MSB + (n - 1) MSW) as in Shrout & Fleiss.
    groups = [[14 / 3, 4, 14 / 3], [8 / 3, 8 / 3, 7 / 3], [11 / 3, 3, 13 / 3]]
    # SSB = 3 ((8/9)² + (9/9)² + (1/9)²) = 146/27, MSB = 73/27; SSW = (24 + 6 + 72)/81 = 34/27, MSW = 17/81.
    result = pm.one_way(groups)
    assert result.k0 == pytest.approx(3)
    assert result.icc1 == pytest.approx(202 / 253)
    assert result.icc2 == pytest.approx(202 / 219)


def test_raters_who_disagree_more_than_people_differ_give_a_negative_icc():
    # Identical group means, spread only within: MSB = 0, ICC(1) = -MSW / ((k0 - 1) MSW) = -1/2.
    result = pm.one_way([[1, 5, 3], [5, 1, 3]])
    assert result.icc1 == pytest.approx(-1 / 2)
    assert result.icc2 is None  # MSB = 0: the reliability of a mean divides by it
    assert result.between_sd == 0


# --- not computable: None, never NaN, never an exception ---------------------------------------

def test_zero_variance_makes_alpha_and_correlations_not_computable():
    everyone_five = [(5, 5, 5)] * 6
    assert pm.cronbach_alpha(everyone_five) is None
    assert pm.item_rest_correlations(everyone_five) == (None, None, None)
    assert pm.alpha_if_deleted(everyone_five) == (None, None, None)
    assert pm.sd([5] * 18) == 0
    # Questions vary but every total is the same: the variance alpha divides by is zero.
    assert pm.cronbach_alpha([(5, 4, 3), (3, 4, 5), (4, 4, 4)]) is None


def test_one_question_without_spread_leaves_the_others_computable():
    rows = [(1, 2, 5), (2, 3, 5), (3, 5, 5), (5, 4, 5)]
    r1, r2, r3 = pm.item_rest_correlations(rows)
    assert r3 is None and r1 is not None and r2 is not None


def test_a_single_assessee_has_no_agreement_figure():
    result = pm.one_way([[4, 5, 3, 4]])
    assert result.icc1 is None and result.icc2 is None and result.between_sd is None and result.msb is None
    assert result.within_sd == pytest.approx(math.sqrt(2 / 3))  # SS = 2 over 3 degrees of freedom


def test_identical_answers_everywhere_have_no_agreement_figure():
    result = pm.one_way([[4, 4, 4], [4, 4, 4], [4, 4]])
    assert result.icc1 is None and result.icc2 is None
    assert result.between_sd == 0 and result.within_sd == 0


def test_one_rater_per_assessee_has_no_within_spread():
    result = pm.one_way([[4], [3], [5]])
    assert result.msw is None and result.icc1 is None and result.between_sd == pytest.approx(1)


@pytest.mark.parametrize("values", [[], [4]])
def test_too_few_values(values):
    assert pm.sd(values) is None
    assert pm.cronbach_alpha([values] if values else []) is None
    assert pm.pearson(values, values) is None


def test_no_function_returns_nan_or_infinity():
    cases = [[(5, 5, 5)] * 3, [(1, 2, 3)], [], [(1, 1, 1), (1, 1, 2)], [(2, 2, 2), (4, 4, 4)]]
    values = []
    for rows in cases:
        values += [pm.cronbach_alpha(rows), *pm.item_rest_correlations(rows), *pm.alpha_if_deleted(rows)]
    for groups in ([[]], [[1]], [[3, 3], [3, 3]], [[1, 2], [1, 2]], [[5], [5, 5]]):
        r = pm.one_way(groups)
        values += [r.k0, r.grand_mean, r.between_sd, r.within_sd, r.msb, r.msw, r.icc1, r.icc2]
    values += list(pm.shares([], [1, 2])) + [pm.mean([]), pm.sd([]), pm.pearson([1, 1], [2, 3])]
    assert all(v is None or math.isfinite(v) for v in values)
