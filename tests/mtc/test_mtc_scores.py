"""A check's score out of 25, and a pupil's score against their own previous best."""

from __future__ import annotations

import pytest

from nextsteps.assessments.kernels.personal_best import Outcome
from nextsteps.mtc.kernels.fact_map import Answer
from nextsteps.mtc.kernels.scores import against_own_best, check_score, require_score


def test_the_score_counts_right_answers_within_six_seconds() -> None:
    answers = [
        Answer(6, 7, correct=True, seconds=2.0),
        Answer(8, 9, correct=True, seconds=6.0),
        Answer(12, 4, correct=True, seconds=6.5),  # too late: no mark
        Answer(3, 4, correct=False, seconds=1.0),
    ]
    assert check_score(answers) == 2


def test_a_full_check_scores_25_and_an_empty_one_0() -> None:
    full = [Answer(6, 7, correct=True, seconds=1.0)] * 25
    assert check_score(full) == 25
    assert check_score([]) == 0


def test_more_answers_than_items_are_refused() -> None:
    with pytest.raises(ValueError, match="26 answers"):
        check_score([Answer(6, 7, correct=True, seconds=1.0)] * 26)


@pytest.mark.parametrize("value", [-1, 26, 2.5, "20", True, None])
def test_a_score_outside_0_to_25_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match="whole number 0 to 25"):
        require_score(value)


def test_a_first_score_has_nothing_to_compare_with() -> None:
    result = against_own_best(18, [])
    assert result.previous_best is None and result.change is None
    assert result.outcome is Outcome.FIRST


def test_a_score_is_compared_with_the_pupils_own_best() -> None:
    result = against_own_best(21, [15, 19, 17])
    assert (result.previous_best, result.change, result.outcome) == (19, 2, Outcome.NEW_BEST)
    lower = against_own_best(16, [15, 19, 17])
    assert (lower.change, lower.outcome) == (-3, Outcome.BELOW)
    assert against_own_best(19, [19]).outcome is Outcome.EQUALLED


def test_an_impossible_earlier_score_is_refused() -> None:
    with pytest.raises(ValueError):
        against_own_best(20, [30])
