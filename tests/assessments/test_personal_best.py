"""Personal bests: each pupil against their own previous best (hand-checked cases)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from nextsteps.assessments.kernels.personal_best import (
    Outcome,
    Try,
    beat_own_best_between,
    beats,
    history,
    personal_best,
    week_bounds,
)

MONDAY = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC)


def go(key: int, score: int, seconds: int = 180, day: int = 0) -> Try:
    return Try(key=key, score=score, seconds=seconds, taken_at=MONDAY + dt.timedelta(days=day))


def test_a_first_attempt_sets_the_best_and_is_not_a_beaten_best() -> None:
    [step] = history([go(1, 30)])
    assert step.outcome is Outcome.FIRST
    assert step.previous_best is None
    assert step.best.score == 30
    assert not beat_own_best_between([go(1, 30)], MONDAY, MONDAY + dt.timedelta(days=7))


def test_a_higher_score_is_a_new_best_against_the_previous_best() -> None:
    steps = history([go(1, 35, day=-7), go(2, 38, day=0)])
    assert steps[1].outcome is Outcome.NEW_BEST
    assert steps[1].previous_best is not None and steps[1].previous_best.score == 35
    assert personal_best([go(1, 35, day=-7), go(2, 38)]) == go(2, 38)


def test_a_worse_attempt_leaves_the_best_standing() -> None:
    steps = history([go(1, 38, day=-7), go(2, 33)])
    assert steps[1].outcome is Outcome.BELOW
    assert steps[1].best == go(1, 38, day=-7)


def test_a_tie_equals_the_best_without_replacing_it() -> None:
    first, tie = go(1, 38, 170, day=-7), go(2, 38, 170)
    steps = history([first, tie])
    assert steps[1].outcome is Outcome.EQUALLED
    assert personal_best([tie, first]) == first  # the earlier attempt keeps the title


def test_the_same_score_slower_is_equalled_and_faster_is_a_new_best() -> None:
    assert history([go(1, 38, 150, -7), go(2, 38, 170)])[1].outcome is Outcome.EQUALLED
    assert history([go(1, 38, 170, -7), go(2, 38, 150)])[1].outcome is Outcome.NEW_BEST


def test_attempts_are_judged_in_the_order_they_happened_not_the_order_given() -> None:
    steps = history([go(2, 38, day=0), go(1, 35, day=-7)])
    assert [s.attempt.key for s in steps] == [1, 2]
    assert steps[1].outcome is Outcome.NEW_BEST


def test_beating_ones_best_counts_only_inside_the_week() -> None:
    attempts = [go(1, 30, day=-7), go(2, 34, day=-6), go(3, 33, day=1)]
    start, end = MONDAY, MONDAY + dt.timedelta(days=7)
    assert not beat_own_best_between(attempts, start, end)  # the new best was last week
    assert beat_own_best_between([*attempts, go(4, 35, day=2)], start, end)


def test_a_week_runs_from_monday() -> None:
    assert week_bounds(dt.date(2026, 11, 22)) == (dt.date(2026, 11, 16), dt.date(2026, 11, 23))
    assert week_bounds(dt.date(2026, 11, 16))[0] == dt.date(2026, 11, 16)


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 180)), min_size=1, max_size=20))
def test_the_best_is_never_beaten_by_any_attempt(pairs: list[tuple[int, int]]) -> None:
    attempts = [go(i, s, t, day=i) for i, (s, t) in enumerate(pairs)]
    best = personal_best(attempts)
    assert best is not None
    assert not any(beats(a, best) for a in attempts)
    new_bests = [s for s in history(attempts) if s.outcome is Outcome.NEW_BEST]
    assert all(beats(s.attempt, s.previous_best) for s in new_bests if s.previous_best)
