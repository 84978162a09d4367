"""The arithmetic of order No. 260, appendices 5-8 and para 8, checked by hand."""
import pytest

from survey.results.scoring import ScoredResponse, assess, band

STRUCTURE = {"ethics": ["ethics.1", "ethics.2", "ethics.3"], "change": ["change.1", "change.2", "change.3"]}


def answers(ethics, change):
    return {**{f"ethics.{i}": p for i, p in enumerate(ethics, 1)}, **{f"change.{i}": p for i, p in enumerate(change, 1)}}


def test_competency_average_is_sum_of_points_over_number_of_answers():
    responses = [ScoredResponse(False, answers([5, 4, 3], [1, 1, 1])),
                 ScoredResponse(False, answers([4, 4, 4], [2, 2, 2])),
                 ScoredResponse(False, answers([2, 3, 5], [3, 3, 3]))]
    result = assess(STRUCTURE, responses)
    ethics = result.competency("ethics")
    assert ethics.average == pytest.approx(34 / 9)
    assert ethics.answers == 9
    assert ethics.respondents == 3
    assert result.competency("change").average == pytest.approx(2.0)


def test_self_answers_do_not_change_the_average():
    others = [ScoredResponse(False, answers([3, 3, 3], [3, 3, 3])) for _ in range(3)]
    without = assess(STRUCTURE, others)
    with_self = assess(STRUCTURE, others + [ScoredResponse(True, answers([5, 5, 5], [5, 5, 5]))])
    assert with_self.competency("ethics").average == without.competency("ethics").average == 3.0
    assert with_self.overall == without.overall == 3.0
    assert with_self.respondents == 3


def test_self_assessment_is_shown_beside_the_average():
    responses = [ScoredResponse(False, answers([3, 3, 3], [3, 3, 3])) for _ in range(3)]
    responses.append(ScoredResponse(True, answers([5, 4, 3], [1, 2, 3])))
    result = assess(STRUCTURE, responses)
    assert result.competency("ethics").self_average == pytest.approx(4.0)
    assert result.competency("change").self_average == pytest.approx(2.0)
    assert result.self_overall == pytest.approx(3.0)


def test_overall_result_is_the_mean_of_competency_averages():
    responses = [ScoredResponse(False, answers([4, 4, 4], [2, 2, 3])) for _ in range(4)]
    result = assess(STRUCTURE, responses)
    assert result.overall == pytest.approx((4 + 7 / 3) / 2)


def test_fewer_than_three_respondents_withholds_every_average():
    responses = [ScoredResponse(False, answers([5, 5, 5], [5, 5, 5])), ScoredResponse(False, answers([1, 1, 1], [1, 1, 1])),
                 ScoredResponse(True, answers([4, 4, 4], [4, 4, 4]))]
    result = assess(STRUCTURE, responses)
    assert result.withheld
    assert result.overall is None and result.band is None
    assert all(c.average is None for c in result.competencies)
    assert result.respondents == 2


def test_the_threshold_is_configurable():
    responses = [ScoredResponse(False, answers([5, 5, 5], [5, 5, 5])) for _ in range(3)]
    assert assess(STRUCTURE, responses, threshold=4).withheld
    assert not assess(STRUCTURE, responses, threshold=3).withheld


def test_no_responses_at_all_is_withheld_not_an_error():
    result = assess(STRUCTURE, [])
    assert result.withheld and result.respondents == 0
    assert [c.competency_id for c in result.competencies] == ["ethics", "change"]


def test_answers_to_questions_of_another_questionnaire_are_ignored():
    responses = [ScoredResponse(False, {**answers([3, 3, 3], [3, 3, 3]), "leadership.1": 5}) for _ in range(3)]
    assert assess(STRUCTURE, responses).competency("ethics").average == 3.0


@pytest.mark.parametrize("value, expected", [
    (5.0, "effective"), (4.0, "effective"), (3.995, "effective"), (3.99, "proper"), (3.0, "proper"),
    (2.99, "satisfactory"), (2.0, "satisfactory"), (1.99, "unsatisfactory"), (0.0, "unsatisfactory"), (None, None),
])
def test_bands_follow_para_8_on_the_value_as_shown(value, expected):
    assert band(value) == expected
