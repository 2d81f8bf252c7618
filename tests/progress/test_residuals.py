"""Subject residuals on a cohort worked out by hand, and grade distributions."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nextsteps.progress.kernels.residuals import (
    grade_distributions,
    pupil_residuals,
    subject_grades,
    subject_residuals,
)

# Five pupils; every figure below is worked out by hand in the comments.
COHORT = [
    [("Maths", 6), ("English", 5), ("History", 4)],
    [("Maths", 4), ("English", 6), ("History", 5), ("French", 3)],
    [("Maths", 7), ("English", 7)],
    [("Maths", 5)],  # no other subject: in the distribution, not in any residual
    [("Maths", 8), ("Combined science", 6), ("Combined science", 7)],  # science counts once: 6.5
]


def cohort() -> list[dict[str, Fraction]]:
    return [subject_grades(entries) for entries in COHORT]


def test_a_subject_entered_twice_counts_once_at_the_mean_of_its_entries() -> None:
    assert subject_grades([("Combined science", 6), ("Combined science", 7), ("Maths", 8)]) == {
        "Combined science": Fraction(13, 2),
        "Maths": Fraction(8),
    }


def test_a_pupils_residual_is_the_grade_minus_the_mean_of_their_other_subjects() -> None:
    # Pupil 2: maths 4 − (6 + 5 + 3) / 3 = −2/3; English 6 − (4 + 5 + 3) / 3 = 2;
    # history 5 − (4 + 6 + 3) / 3 = 2/3; French 3 − (4 + 6 + 5) / 3 = −2.
    assert pupil_residuals(cohort()[1]) == {
        "Maths": Fraction(-2, 3),
        "English": Fraction(2),
        "History": Fraction(2, 3),
        "French": Fraction(-2),
    }
    assert pupil_residuals(cohort()[3]) == {}  # one subject: nothing to compare with


def test_subject_residuals_on_the_hand_worked_cohort() -> None:
    by_subject = {r.subject: r for r in subject_residuals(cohort())}
    assert list(by_subject) == ["Combined science", "English", "French", "History", "Maths"]
    maths = by_subject["Maths"]
    # Maths residuals: +1.5 (6 − 4.5), −2/3, 0 (7 − 7), +1.5 (8 − 6.5); pupil 4 has no other
    # subject. Mean 7/3 / 4 = 7/12 = 0.583 → 0.58. Mean maths grade (6+4+7+8)/4 = 6.25; their
    # other subjects' means 4.5, 14/3, 7, 6.5 average 5.667 → 5.67.
    assert (maths.n, maths.grade, maths.others, maths.residual) == (4, 6.25, 5.67, 0.58)
    # Sample variance of the residuals: (0.9167² + 1.25² + 0.5833² + 0.9167²) / 3 = 43/36;
    # sd √43 / 6 = 1.0929; half-width 1.96 × 1.0929 / √4 = 1.0710: −0.49 to 1.65.
    assert (maths.ci_low, maths.ci_high) == (-0.49, 1.65)
    assert not maths.significant and maths.small
    english = by_subject["English"]  # 0 (5 − 5), 2, 0: mean 2/3
    assert (english.n, english.grade, english.residual) == (3, 6.0, 0.67)
    history = by_subject["History"]  # −1.5 (4 − 5.5) and +2/3: mean −5/12 = −0.4167
    assert (history.n, history.residual) == (2, -0.42)
    french = by_subject["French"]  # one pupil: −2, and no interval
    assert (french.n, french.residual, french.ci_low, french.ci_high) == (1, -2.0, None, None)
    science = by_subject["Combined science"]  # 6.5 − 8
    assert (science.grade, science.others, science.residual) == (6.5, 8.0, -1.5)


def test_a_wide_gap_in_a_larger_cohort_is_significant() -> None:
    # Seven pupils, each a grade higher in art than in maths: art +1, maths −1, exactly.
    pupils = [subject_grades([("Art", g + 1), ("Maths", g)]) for g in range(1, 8)]
    by_subject = {r.subject: r for r in subject_residuals(pupils)}
    assert by_subject["Art"].residual == 1.0 and by_subject["Maths"].residual == -1.0
    assert by_subject["Art"].ci_low == by_subject["Art"].ci_high == 1.0  # no spread at all
    assert by_subject["Art"].significant and not by_subject["Art"].small


def test_grade_distributions_count_every_pupil_with_the_subject() -> None:
    by_subject = {d.subject: d for d in grade_distributions(cohort())}
    maths = by_subject["Maths"]  # 6, 4, 7, 5, 8: pupil 4 counts here
    assert maths.n == 5 and maths.mean == 6.0
    assert dict(zip(range(9, -1, -1), maths.counts, strict=True)) == {
        9: 0, 8: 1, 7: 1, 6: 1, 5: 1, 4: 1, 3: 0, 2: 0, 1: 0, 0: 0,
    }  # fmt: skip
    assert (maths.at_least_4, maths.at_least_7, maths.percent(maths.at_least_7)) == (5, 2, 40.0)
    assert by_subject["Combined science"].counts[3] == 1  # 6.5 counts under grade 6


def test_a_legacy_grade_between_whole_grades_counts_under_the_grade_below() -> None:
    pupils = [subject_grades([("Art", 5.5)]), subject_grades([("Art", 0)])]
    (art,) = grade_distributions(pupils)
    assert art.counts[4] == 1 and art.counts[9] == 1  # 5.5 under 5; U (0) in the last row
    assert art.mean == 2.75 and art.at_least_4 == 1


@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["A", "B", "C", "D"]), st.integers(min_value=0, max_value=9), min_size=2
        ),
        min_size=1,
        max_size=20,
    )
)
def test_each_pupils_residuals_are_balanced_across_their_subjects(
    raw: list[dict[str, int]],
) -> None:
    # Σ_S (g_S − (T − g_S)/(k − 1)) = T − (kT − T)/(k − 1) = 0 for every pupil.
    for pupil in raw:
        grades = {s: Fraction(g) for s, g in pupil.items()}
        assert sum(pupil_residuals(grades).values(), Fraction(0)) == 0


@pytest.mark.parametrize("value,expected", [(Fraction(-5, 12), -0.42), (Fraction(1, 8), 0.13)])
def test_residuals_round_half_away_from_zero(value: Fraction, expected: float) -> None:
    from nextsteps.progress.kernels.residuals import _two_places

    assert _two_places(value) == expected
