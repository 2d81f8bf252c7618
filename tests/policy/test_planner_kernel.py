"""The next-steps planner kernel on a hand-built class, and its properties."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nextsteps.policy.kernels.planner import group_sizes, plan_groups

# A Year 4 class of twelve after a lesson on three objectives:
#   A = recall tables, B = split to multiply, C = short multiplication.
PUPILS = ["Ada", "Ben", "Cal", "Dev", "Eve", "Fin", "Gus", "Hal", "Ivy", "Jo", "Kit", "Lou"]
OBJECTIVES = ["A", "B", "C"]
SECURE = {
    "Ada": {"A", "B", "C"},  # secure on everything
    "Ben": {"A", "B"},  # gap: C
    "Cal": {"A", "B"},  # gap: C
    "Dev": {"A"},  # gaps: B, C
    "Eve": {"A"},  # gaps: B, C
    "Fin": {"A"},  # gaps: B, C
    "Gus": set(),  # gaps: A, B, C
    "Hal": set(),  # gaps: A, B, C
    "Ivy": {"A", "B", "C"},  # secure on everything
    "Jo": {"A", "B"},  # gap: C
    "Kit": {"B", "C"},  # gap: A
    "Lou": {"A", "C"},  # gap: B
}


def test_group_sizes_are_as_even_as_possible_and_never_over_the_limit() -> None:
    assert group_sizes(13, 5) == [5, 4, 4]
    assert group_sizes(10, 5) == [5, 5]
    assert group_sizes(4, 5) == [4]
    assert group_sizes(0, 5) == []
    assert group_sizes(7, 1) == [1] * 7


def test_hand_built_class_in_groups_of_three() -> None:
    plan = plan_groups(PUPILS, OBJECTIVES, SECURE, 3)
    # Ten pupils have gaps → four groups: 3, 3, 2, 2.
    assert plan.secure == ("Ada", "Ivy")
    groups = [(g.pupils, g.shared_gaps) for g in plan.groups]
    assert groups == [
        # Dev, Eve and Fin share exactly B and C (three alike, more gaps than the C trio).
        (("Dev", "Eve", "Fin"), ("B", "C")),
        # Ben, Cal and Jo have only C.
        (("Ben", "Cal", "Jo"), ("C",)),
        # Gus and Hal have every gap.
        (("Gus", "Hal"), ("A", "B", "C")),
        # Kit and Lou are left: no gap in common, one each.
        (("Kit", "Lou"), ()),
    ]
    assert plan.groups[-1].other_gaps == (("A", 1), ("B", 1))


def test_hand_built_class_in_groups_of_five_keeps_identical_gaps_together() -> None:
    plan = plan_groups(PUPILS, OBJECTIVES, SECURE, 5)
    assert [g.pupils for g in plan.groups] == [
        ("Dev", "Eve", "Fin", "Gus", "Hal"),  # all five share B and C
        ("Ben", "Cal", "Jo", "Kit", "Lou"),
    ]
    assert plan.groups[0].shared_gaps == ("B", "C")
    assert plan.groups[1].shared_gaps == ()
    assert plan.groups[1].other_gaps == (("C", 3), ("A", 1), ("B", 1))


def test_the_same_class_gives_the_same_groups_whatever_order_pupils_are_listed_in() -> None:
    reordered = dict(reversed(list(SECURE.items())))
    assert plan_groups(PUPILS, OBJECTIVES, reordered, 3) == plan_groups(
        PUPILS, OBJECTIVES, SECURE, 3
    )


def test_a_class_that_is_all_secure_needs_no_groups() -> None:
    plan = plan_groups(["Ada", "Ivy"], OBJECTIVES, SECURE, 4)
    assert plan.groups == ()
    assert plan.secure == ("Ada", "Ivy")


def test_a_pupil_with_no_standings_counts_as_not_yet_secure() -> None:
    plan = plan_groups(["New"], ["A"], {}, 4)
    assert plan.groups[0].pupils == ("New",)
    assert plan.groups[0].shared_gaps == ("A",)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one pupil"):
        plan_groups(PUPILS, OBJECTIVES, SECURE, 0)
    with pytest.raises(ValueError, match="listed twice"):
        plan_groups(["Ada", "Ada"], OBJECTIVES, SECURE, 3)


classes = st.integers(1, 30).flatmap(
    lambda n: st.tuples(
        st.just(list(range(n))),
        st.lists(st.sets(st.integers(0, 4)), min_size=n, max_size=n),
        st.integers(1, 8),
    )
)


@given(classes)
def test_every_pupil_with_a_gap_is_in_exactly_one_group_of_allowed_size(case: tuple) -> None:
    pupils, secure_sets, size = case
    objectives = list(range(5))
    secure = dict(zip(pupils, secure_sets, strict=True))
    plan = plan_groups(pupils, objectives, secure, size)
    placed = [p for g in plan.groups for p in g.pupils]
    with_gaps = [p for p in pupils if set(objectives) - secure[p]]
    assert sorted(placed) == sorted(with_gaps)
    assert set(plan.secure) == set(pupils) - set(with_gaps)
    assert all(1 <= len(g.pupils) <= size for g in plan.groups)
    sizes = [len(g.pupils) for g in plan.groups]
    assert not sizes or max(sizes) - min(sizes) <= 1
    for group in plan.groups:
        for objective in group.shared_gaps:
            assert all(objective not in secure[p] for p in group.pupils)
        for objective, count in group.other_gaps:
            assert count == sum(objective not in secure[p] for p in group.pupils)
            assert 0 < count < len(group.pupils)


@given(classes, st.randoms(use_true_random=False))
def test_groups_do_not_depend_on_the_order_of_each_pupils_secure_set(
    case: tuple, rng: random.Random
) -> None:
    pupils, secure_sets, size = case
    objectives = list(range(5))
    secure = dict(zip(pupils, secure_sets, strict=True))
    shuffled_items = list(secure.items())
    rng.shuffle(shuffled_items)
    assert plan_groups(pupils, objectives, dict(shuffled_items), size) == plan_groups(
        pupils, objectives, secure, size
    )
