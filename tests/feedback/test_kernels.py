"""The pure kernels: comparing versions, rolling up step ratings, calibration, question depth."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nextsteps.feedback.kernels import loop

SCALE = [Decimal(1), Decimal(2), Decimal(3), Decimal(4)]


def test_diff_marks_added_and_removed_words() -> None:
    segments = loop.text_diff("she whisperd quietly", "she whispered quietly")
    assert [(s.op, s.text) for s in segments] == [
        ("same", "she "),
        ("removed", "whisperd"),
        ("added", "whispered"),
        ("same", " quietly"),
    ]


def test_diff_of_identical_text_is_all_the_same() -> None:
    assert loop.text_diff("one two", "one two") == [loop.Segment("same", "one two")]


def test_diff_keeps_new_paragraphs_as_added_text() -> None:
    segments = loop.text_diff("Leo shrugged. Sam looked.", "Leo shrugged.\n\nSam looked.")
    assert loop.Segment("added", "\n\n") in segments or any(
        s.op == "added" and "\n\n" in s.text for s in segments
    )


words = st.lists(
    st.sampled_from(["the", "cat", "sat", "on", "mat", "\n", "  ", "dog's"]), max_size=30
)


@given(words, words)
def test_diff_gives_back_both_versions_exactly(before: list[str], after: list[str]) -> None:
    old, new = " ".join(before), " ".join(after)
    segments = loop.text_diff(old, new)
    assert "".join(s.text for s in segments if s.op != "added") == old
    assert "".join(s.text for s in segments if s.op != "removed") == new


def test_changed_words_counts_the_words_added() -> None:
    segments = loop.text_diff("a b", "a b c d")
    assert loop.changed_words(segments) == 2


def test_overall_self_value_is_the_lower_median_of_the_steps() -> None:
    assert loop.overall_self_value([Decimal(3), Decimal(3), Decimal(1)], SCALE) == Decimal(3)
    assert loop.overall_self_value([Decimal(4), Decimal(2)], SCALE) == Decimal(2)
    assert loop.overall_self_value([Decimal(2)], SCALE) == Decimal(2)


def test_overall_self_value_needs_a_rating() -> None:
    with pytest.raises(ValueError, match="at least one step"):
        loop.overall_self_value([], SCALE)


@pytest.mark.parametrize(
    ("self_value", "teacher_value", "expected"),
    [(4, 2, "over"), (3, 2, "over"), (1, 3, "under"), (2, 2, "matched"), (3, 3, "matched")],
)
def test_calibration_is_over_or_under_a_whole_level_apart(
    self_value: int, teacher_value: int, expected: str
) -> None:
    self_fraction = loop.fraction_of_scale(Decimal(self_value), SCALE)
    teacher_fraction = loop.fraction_of_scale(Decimal(teacher_value), SCALE)
    assert loop.calibration(self_fraction, teacher_fraction) == expected


def test_fraction_of_scale_compares_scales_of_different_lengths() -> None:
    assert loop.fraction_of_scale(Decimal(3), [Decimal(1), Decimal(2), Decimal(3)]) == 1.0
    assert loop.fraction_of_scale(Decimal(1), SCALE) == 0.0


def test_depth_by_month_groups_and_averages() -> None:
    months = loop.depth_by_month(
        [(dt.date(2026, 9, 3), 1), (dt.date(2026, 9, 20), 2), (dt.date(2026, 10, 1), 4)]
    )
    assert [(m.label, m.count, m.mean_depth, m.deepest) for m in months] == [
        ("Sep 2026", 2, 1.5, 2),
        ("Oct 2026", 1, 4.0, 4),
    ]


def test_depth_trend_is_positive_when_questions_deepen() -> None:
    questions = [(dt.date(2026, 9, 1), 1), (dt.date(2026, 10, 1), 2), (dt.date(2026, 10, 31), 3)]
    assert loop.depth_trend(questions) == pytest.approx(1.0, abs=0.01)
    assert loop.depth_trend(list(reversed([(d, 5 - x) for d, x in questions]))) < 0


def test_depth_trend_needs_two_days() -> None:
    assert loop.depth_trend([(dt.date(2026, 9, 1), 1)]) is None
    assert loop.depth_trend([(dt.date(2026, 9, 1), 1), (dt.date(2026, 9, 1), 3)]) is None
