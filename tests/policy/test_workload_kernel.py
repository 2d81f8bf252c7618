"""The workload kernel, against figures worked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nextsteps.policy.kernels.workload import (
    Activity,
    activity_hours,
    over_limit,
    savings,
    weekly_hours,
)


def activity(kind: str, times: int, period: str, minutes: str, classes: int) -> Activity:
    return Activity(kind, times, period, Decimal(minutes), classes)


def test_weekly_written_comments_for_four_classes_of_thirty_take_six_hours() -> None:
    # 1 a week × 3 min × 30 pupils × 4 classes = 360 min = 6 h
    assert activity_hours(activity("written_comments", 1, "week", "3", 4), 30) == Decimal("6.00")


def test_a_fortnightly_activity_counts_half_each_week() -> None:
    # 1 / 2 weeks × 2 min × 28 × 5 = 140 min a week = 2.33 h
    assert activity_hours(activity("marking_codes", 1, "fortnight", "2", 5), 28) == Decimal("2.33")


def test_a_half_term_is_six_and_a_half_weeks_and_a_term_thirteen() -> None:
    # 1 / 6.5 × 13 min × 30 × 1 = 60 min = 1 h exactly
    assert activity_hours(activity("written_comments", 1, "half_term", "13", 1), 30) == Decimal(
        "1.00"
    )
    # 2 / 13 × 6.5 min × 30 × 2 = 60 min = 1 h
    assert activity_hours(activity("test_marking", 2, "term", "6.5", 2), 30) == Decimal("1.00")


def test_verbal_feedback_takes_no_time_outside_lessons() -> None:
    assert activity_hours(activity("verbal", 5, "week", "2", 6), 30) == Decimal("0.00")


def test_the_total_is_rounded_once_not_summed_from_rounded_parts() -> None:
    # Each: 1/13 × 1 min × 10 × 1 = 10/13 min = 0.0128 h → 0.01 h rounded; three make 30/13 min
    # = 0.0385 h → 0.04 h, not 0.03.
    parts = [activity("test_marking", 1, "term", "1", 1)] * 3
    assert [activity_hours(a, 10) for a in parts] == [Decimal("0.01")] * 3
    assert weekly_hours(parts, 10) == Decimal("0.04")


def test_whole_class_feedback_saving_is_worked_out_from_reading_and_one_sheet() -> None:
    # Now: 1 a week × 4 min × 30 × 5 = 600 min = 10 h.
    # Whole class: (0.5 min × 30 + 15 min) × 5 classes = 150 min = 2.5 h; saves 7.5 h.
    (saving,) = savings([activity("written_comments", 1, "week", "4", 5)], 30)
    assert saving.hours_now == Decimal("10.00")
    assert saving.whole_class_hours == Decimal("2.50")
    assert saving.whole_class_saves == Decimal("7.50")
    assert saving.verbal_saves == Decimal("10.00")


def test_only_individual_marking_is_offered_a_saving() -> None:
    found = savings(
        [activity("whole_class", 1, "week", "0.5", 5), activity("test_marking", 1, "week", "3", 5)],
        30,
    )
    assert found == []


def test_quick_code_marking_is_never_made_slower_by_whole_class_feedback() -> None:
    # 0.2 min × 30 = 6 min a class now; whole-class would be 30 min a class: no saving.
    (saving,) = savings([activity("marking_codes", 1, "week", "0.2", 2)], 30)
    assert saving.whole_class_saves == Decimal("0.00")
    assert saving.whole_class_hours == saving.hours_now


def test_limit_warning() -> None:
    assert over_limit(Decimal("3.01"), Decimal("3.0"))
    assert not over_limit(Decimal("3.00"), Decimal("3.0"))


def test_an_unknown_period_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown period 'month'"):
        activity_hours(activity("written_comments", 1, "month", "3", 1), 30)


@given(
    st.lists(
        st.builds(
            Activity,
            kind=st.sampled_from(["written_comments", "marking_codes", "test_marking", "verbal"]),
            times=st.integers(1, 10),
            period=st.sampled_from(["week", "fortnight", "half_term", "term"]),
            minutes_per_pupil=st.decimals(0, 60, places=1),
            classes=st.integers(1, 20),
        ),
        max_size=8,
    ),
    st.integers(1, 60),
)
def test_hours_never_negative_and_grow_with_class_size(
    activities: list[Activity], pupils: int
) -> None:
    hours = weekly_hours(activities, pupils)
    assert hours >= 0
    assert weekly_hours(activities, pupils + 1) >= hours
    for saving in savings(activities, pupils):
        assert Decimal(0) <= saving.whole_class_saves <= saving.hours_now
