"""Persistent absence: the national definition as data, and the share attended."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nextsteps.people.kernels.attendance import (
    NoAttendanceRule,
    is_persistent_absence,
    percent_text,
    rule_for,
)


@given(st.integers(min_value=1, max_value=400), st.data())
def test_persistent_absence_is_missing_ten_percent_or_more_since_2015(
    possible: int, data: st.DataObject
) -> None:
    attended = data.draw(st.integers(min_value=0, max_value=possible))
    missed = possible - attended
    assert is_persistent_absence(attended, possible, 2026) is (missed * 10 >= possible)


def test_the_boundary_and_the_older_rule() -> None:
    assert is_persistent_absence(90, 100, 2026) is True  # missing exactly 10%
    assert is_persistent_absence(91, 100, 2026) is False
    assert is_persistent_absence(86, 100, 2013) is False  # 15% then
    assert is_persistent_absence(85, 100, 2013) is True
    assert is_persistent_absence(0, 0, 2026) is None
    assert "explore-education-statistics" in rule_for(2026).url


def test_a_year_with_no_rule_is_named() -> None:
    with pytest.raises(NoAttendanceRule, match="2009/10"):
        rule_for(2009)


def test_percent_is_shown_to_one_place_rounding_half_up() -> None:
    assert percent_text(1, 8) == "12.5%"
    assert percent_text(2, 3) == "66.7%"
    assert percent_text(1, 2000) == "0.1%"  # 0.05% rounds up
    assert percent_text(0, 0) == "—"
