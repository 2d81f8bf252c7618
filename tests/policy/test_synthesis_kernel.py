"""What departments share, computed: choices, values and clusters of assessment points."""

from __future__ import annotations

import datetime as dt

from nextsteps.policy.kernels.synthesis import (
    cluster_points,
    compare_choices,
    compare_values,
    number_range,
)


def test_choices_split_into_common_partly_and_unused_in_the_offered_order() -> None:
    comparison = compare_choices(
        {
            "Maths": ["questioning", "test", "observation"],
            "English": ["observation", "questioning"],
            "Science": ["questioning", "observation", "task"],
        },
        ["observation", "conversation", "questioning", "task", "test"],
    )
    assert [s.value for s in comparison.common] == ["observation", "questioning"]
    assert [(s.value, s.departments) for s in comparison.partly] == [
        ("task", ("Science",)),
        ("test", ("Maths",)),
    ]
    assert comparison.unused == ("conversation",)


def test_a_choice_nobody_offered_is_still_reported() -> None:
    comparison = compare_choices({"A": ["x"], "B": ["x", "y"]}, ["x"])
    assert [s.value for s in comparison.partly] == ["y"]


def test_values_are_ordered_most_usual_first() -> None:
    shared = compare_values(
        {"Maths": "n_mastery", "English": "decaying", "Science": "decaying", "MFL": "weighted"}
    )
    assert [(s.value, s.departments, s.everyone) for s in shared] == [
        ("decaying", ("English", "Science"), False),
        ("n_mastery", ("Maths",), False),
        ("weighted", ("MFL",), False),
    ]
    assert compare_values({"A": "x", "B": "x"})[0].everyone


def test_points_within_a_week_are_one_point_in_the_schools_year() -> None:
    clusters = cluster_points(
        {
            "Maths": [dt.date(2026, 12, 9), dt.date(2027, 3, 19), dt.date(2027, 7, 1)],
            "English": [dt.date(2026, 12, 11), dt.date(2027, 3, 20), dt.date(2027, 6, 26)],
            "Science": [dt.date(2026, 10, 17), dt.date(2026, 12, 10), dt.date(2027, 3, 26)],
        }
    )
    summary = [(c.starts, c.ends, c.departments, c.everyone) for c in clusters]
    assert summary == [
        (dt.date(2026, 10, 17), dt.date(2026, 10, 17), ("Science",), False),
        (dt.date(2026, 12, 9), dt.date(2026, 12, 11), ("Maths", "English", "Science"), True),
        (dt.date(2027, 3, 19), dt.date(2027, 3, 26), ("Maths", "English", "Science"), True),
        (dt.date(2027, 6, 26), dt.date(2027, 7, 1), ("Maths", "English"), False),
    ]


def test_a_cluster_is_anchored_at_its_first_date_so_chains_do_not_run_on() -> None:
    clusters = cluster_points(
        {"A": [dt.date(2027, 1, 1)], "B": [dt.date(2027, 1, 6)], "C": [dt.date(2027, 1, 11)]}
    )
    assert [c.departments for c in clusters] == [("A", "B"), ("C",)]


def test_number_range() -> None:
    assert number_range({"A": 2, "B": 3, "C": 1}) == (1, 3)
    assert number_range({}) is None
