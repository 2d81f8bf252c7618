"""A structured answer's checker refuses any text with the answer's problems, never an error.

The answer page's forms check their fields first, but the service takes the structure from
any caller (the demo, a future API), so the checker itself must hold for every input.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nextsteps.policy.structures import AnswerProblems, MarkingKind, Period, clean_structured

SPECIAL_NUMBERS = st.sampled_from(
    ["NaN", "sNaN", "-Infinity", "Infinity", "1e30", "1e999999", "-0", "60.04", "59.96", " 7 "]
)


def _activity(minutes: str) -> dict[str, str]:
    return {
        "kind": MarkingKind.values[0],
        "period": Period.values[0],
        "times": "1",
        "classes": "1",
        "minutes_per_pupil": minutes,
    }


@given(SPECIAL_NUMBERS | st.text(max_size=12) | st.decimals().map(str))
def test_minutes_are_a_number_from_0_to_60_or_a_problem(minutes: str) -> None:
    try:
        cleaned = clean_structured("marking", {"activities": [_activity(minutes)]})
    except AnswerProblems as problems:
        assert all("minutes per pupil" in problem for problem in problems.problems)
        return
    kept = Decimal(cleaned["activities"][0]["minutes_per_pupil"])
    assert kept.is_finite() and Decimal(0) <= kept <= Decimal(60)
    assert kept == Decimal(minutes.strip()).quantize(Decimal("0.1"))


@pytest.mark.parametrize("minutes", ["NaN", "Infinity", "1e30"])
def test_a_figure_that_is_not_minutes_is_named(minutes: str) -> None:
    with pytest.raises(AnswerProblems) as refused:
        clean_structured("marking", {"activities": [_activity(minutes)]})
    assert refused.value.problems == [
        "Activity 1: minutes per pupil must be a number."
        if minutes != "1e30"
        else "Activity 1: minutes per pupil must be from 0 to 60, not 1e30."
    ]
