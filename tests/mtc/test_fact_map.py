"""A pupil's fact map: known quickly, known slowly, not yet, not seen; and what to practise."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nextsteps.mtc.kernels.fact_map import Answer, Standing, fact_map, practise_next


def right(a: int, b: int, seconds: float = 1.5) -> Answer:
    return Answer(a, b, correct=True, seconds=seconds)


def wrong(a: int, b: int, seconds: float = 4.0) -> Answer:
    return Answer(a, b, correct=False, seconds=seconds)


def test_a_fact_never_asked_is_not_seen() -> None:
    facts = fact_map([])
    assert facts.standing(7, 8) is Standing.NOT_SEEN
    assert facts.counts()[Standing.NOT_SEEN] == 66  # the 11 × 11 grid's different facts


def test_right_within_three_seconds_is_known_quickly() -> None:
    assert fact_map([right(6, 7, 3.0)]).standing(6, 7) is Standing.QUICKLY


def test_right_but_slower_than_three_seconds_is_known_slowly() -> None:
    assert fact_map([right(6, 7, 3.01)]).standing(6, 7) is Standing.SLOWLY


def test_a_wrong_latest_answer_is_not_yet() -> None:
    assert fact_map([right(6, 7), wrong(6, 7)]).standing(6, 7) is Standing.NOT_YET


def test_a_fact_and_its_reversal_are_one_fact() -> None:
    facts = fact_map([wrong(7, 6), right(6, 7, 2.0)])
    assert facts.standing(6, 7) is facts.standing(7, 6) is Standing.SLOWLY
    assert facts.facts[(6, 7)].answers == 2


def test_a_recent_wrong_answer_keeps_a_fact_slow_until_it_passes_out_of_the_window() -> None:
    answers = [wrong(8, 9), right(8, 9), right(9, 8)]
    assert fact_map(answers).standing(8, 9) is Standing.SLOWLY
    # The three latest answers decide: a wrong answer fourth from last no longer counts.
    assert fact_map([*answers, right(8, 9)]).standing(8, 9) is Standing.QUICKLY


def test_the_grid_is_symmetric_and_eleven_by_eleven() -> None:
    grid = fact_map([right(3, 12), wrong(7, 8)]).grid()
    assert len(grid) == 11 and all(len(row) == 11 for row in grid)
    assert grid[3 - 2][12 - 2] is grid[12 - 2][3 - 2] is Standing.QUICKLY
    assert grid[7 - 2][8 - 2] is grid[8 - 2][7 - 2] is Standing.NOT_YET


def test_practise_next_puts_not_yet_first_then_slowly_and_leaves_out_quick_and_unseen() -> None:
    facts = fact_map(
        [right(2, 3, 5.0), wrong(6, 7), right(4, 4), wrong(8, 9), wrong(9, 8), right(11, 12, 4.0)]
    )
    # (8, 9) was wrong twice; (2, 3) took 5 seconds, (11, 12) four.
    assert practise_next(facts) == [(8, 9), (6, 7), (2, 3), (11, 12)]
    assert practise_next(facts, limit=1) == [(8, 9)]


def test_practise_next_is_the_same_every_time() -> None:
    answers = [wrong(a, b) for a in range(2, 13) for b in range(a, 13)]
    assert practise_next(fact_map(answers)) == sorted(practise_next(fact_map(answers)))


@pytest.mark.parametrize(
    "answer",
    [
        Answer(1, 5, correct=True, seconds=1.0),  # a practice question on the one table
        Answer(13, 5, correct=True, seconds=1.0),
        Answer(6, 7, correct=True, seconds=-1.0),
        Answer(6, 7, correct=True, seconds=math.nan),
        Answer(6, 7, correct="yes", seconds=1.0),  # type: ignore[arg-type]
    ],
)
def test_an_answer_the_map_cannot_hold_is_refused_naming_the_fact(answer: Answer) -> None:
    with pytest.raises(ValueError, match=f"{answer.a} × {answer.b}"):
        fact_map([answer])


answers = st.lists(
    st.builds(
        Answer,
        st.integers(2, 12),
        st.integers(2, 12),
        st.booleans(),
        st.floats(0, 12, allow_nan=False),
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(answers)
def test_every_fact_has_one_standing_and_the_counts_add_up(given_answers: list[Answer]) -> None:
    facts = fact_map(given_answers)
    assert sum(facts.counts().values()) == 66
    asked = {(min(a.a, a.b), max(a.a, a.b)) for a in given_answers}
    for fact, record in facts.facts.items():
        assert (record.standing is Standing.NOT_SEEN) == (fact not in asked)
    chosen = practise_next(facts)
    assert len(chosen) == len(set(chosen))
    standings = [facts.standing(*fact) for fact in chosen]
    assert standings == sorted(standings, key=lambda s: s is Standing.SLOWLY)
    assert set(standings) <= {Standing.NOT_YET, Standing.SLOWLY}
