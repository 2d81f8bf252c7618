"""The moderation sample: random, or stratified by teacher, class and standing."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nextsteps.judging.kernels.sampling import Candidate, draw_sample


def department(per_class: int = 30) -> list[Candidate]:
    """Three teachers, four classes (one teacher has two), four standings in each class."""
    classes = {"8A": "Boyle", "8B": "Shah", "8C": "Pritchard", "8D": "Boyle"}
    rows = []
    for name, teacher in classes.items():
        for n in range(per_class):
            rows.append(Candidate(f"{name}-{n}", teacher, name, n % 4))
    return rows


def test_a_stratified_sample_reaches_every_teacher_class_and_standing() -> None:
    candidates = department()
    by_key = {c.key: c for c in candidates}
    chosen = [by_key[k] for k in draw_sample(candidates, 16, stratified=True, seed=3)]
    assert len(chosen) == len({c.key for c in chosen}) == 16
    assert {c.teacher for c in chosen} == {"Boyle", "Shah", "Pritchard"}
    assert {c.teaching_class for c in chosen} == {"8A", "8B", "8C", "8D"}
    assert {c.standing for c in chosen} == {0, 1, 2, 3}
    # 16 strata of equal size: one from each.
    assert set(Counter(c.stratum for c in chosen).values()) == {1}


def test_a_small_stratified_sample_spreads_over_teachers_before_classes() -> None:
    candidates = department()
    by_key = {c.key: c for c in candidates}
    chosen = [by_key[k] for k in draw_sample(candidates, 3, stratified=True, seed=11)]
    assert {c.teacher for c in chosen} == {"Boyle", "Shah", "Pritchard"}


def test_a_larger_stratified_sample_is_shared_in_proportion_to_the_strata() -> None:
    big = [Candidate(f"a{n}", "T1", "A", 1) for n in range(60)]
    small = [Candidate(f"b{n}", "T2", "B", 1) for n in range(20)]
    chosen = draw_sample(big + small, 20, stratified=True, seed=5)
    from_big = sum(str(k).startswith("a") for k in chosen)
    assert from_big == 15  # 1 + 19 × 59/78 rounded by largest remainder


def test_the_same_seed_draws_the_same_sample_and_another_seed_another() -> None:
    candidates = department()
    first = draw_sample(candidates, 12, stratified=True, seed=42)
    assert draw_sample(candidates, 12, stratified=True, seed=42) == first
    assert draw_sample(candidates, 12, stratified=True, seed=43) != first


def test_asking_for_more_than_there_is_gives_everything() -> None:
    candidates = department(per_class=2)
    assert sorted(draw_sample(candidates, 50, stratified=True, seed=1)) == sorted(
        c.key for c in candidates
    )


def test_a_sample_needs_a_size_and_distinct_candidates() -> None:
    with pytest.raises(ValueError, match="at least one"):
        draw_sample(department(), 0, stratified=False, seed=1)
    twice = [Candidate("x", "T", "A", 1), Candidate("x", "T", "A", 2)]
    with pytest.raises(ValueError, match="once"):
        draw_sample(twice, 1, stratified=False, seed=1)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 5), st.integers(1, 4)), min_size=1, max_size=80
    ),
    st.integers(1, 40),
    st.booleans(),
    st.integers(0, 10_000),
)
def test_any_sample_is_the_right_size_distinct_and_drawn_from_the_candidates(
    strata, size, stratified, seed
) -> None:
    candidates = [Candidate(i, t, c, s) for i, (t, c, s) in enumerate(strata)]
    chosen = draw_sample(candidates, size, stratified=stratified, seed=seed)
    assert len(chosen) == min(size, len(candidates))
    assert len(set(chosen)) == len(chosen)
    assert set(chosen) <= {c.key for c in candidates}
    if stratified and size >= len({c.teacher for c in candidates}):
        picked = {candidates[k].teacher for k in chosen}  # type: ignore[index]
        assert picked == {c.teacher for c in candidates}
