"""Attainment 8 from a pupil's qualifications: the DfE slot rules, worked by hand."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nextsteps.progress.kernels.attainment8 import Attainment8, Kind, Qualification, attainment8

LANGUAGE, LITERATURE = Kind.ENGLISH_LANGUAGE, Kind.ENGLISH_LITERATURE
MATHS, EBACC, OPEN = Kind.MATHS, Kind.EBACC, Kind.OPEN


def q(kind: Kind, points: float) -> Qualification:
    return Qualification(kind, points)


def test_english_counts_double_only_when_literature_taken() -> None:
    language_only = attainment8([q(LANGUAGE, 6)])
    both = attainment8([q(LANGUAGE, 6), q(LITERATURE, 5)])

    assert language_only.english == 6
    assert both.english == 12


def test_literature_alone_counts_once() -> None:
    assert attainment8([q(LITERATURE, 7)]).english == 7


def test_higher_of_language_and_literature_counts_double() -> None:
    result = attainment8([q(LANGUAGE, 5), q(LITERATURE, 7)])

    assert result.english == 14


def test_the_other_english_qualification_fills_an_open_slot() -> None:
    result = attainment8([q(LANGUAGE, 5), q(LITERATURE, 7)])

    assert result.open == 5
    assert result.attainment8 == 19


def test_the_other_english_qualification_only_counts_if_among_best_three_open() -> None:
    result = attainment8([q(LANGUAGE, 4), q(LITERATURE, 6), q(OPEN, 7), q(OPEN, 6), q(OPEN, 5)])

    assert result.english == 12
    assert result.open == 18  # 7 + 6 + 5: English language's 4 is fourth


def test_maths_counts_double() -> None:
    assert attainment8([q(MATHS, 4)]).maths == 8


def test_ebacc_slots_take_the_three_highest_and_the_rest_may_fill_open_slots() -> None:
    result = attainment8([q(EBACC, 5), q(EBACC, 8), q(EBACC, 6), q(EBACC, 7), q(OPEN, 4)])

    assert result.ebacc == 21  # 8 + 7 + 6
    assert result.open == 9  # EBacc's 5 and the open 4; one slot empty


def test_open_kinds_cannot_fill_ebacc_slots() -> None:
    result = attainment8([q(OPEN, 9), q(OPEN, 9), q(OPEN, 9), q(OPEN, 9)])

    assert result.ebacc == 0
    assert result.open == 27


def test_unfilled_slots_score_zero() -> None:
    assert attainment8([q(MATHS, 4)]) == Attainment8(8, 0, 8, 0, 0)
    assert attainment8([]) == Attainment8(0, 0, 0, 0, 0)


def test_full_pupil_worked_by_hand() -> None:
    grades = [
        q(LANGUAGE, 6),
        q(LITERATURE, 7),
        q(MATHS, 5),
        q(EBACC, 6),  # combined science, first award
        q(EBACC, 6),  # combined science, second award
        q(EBACC, 4),  # history
        q(EBACC, 3),  # French: fourth EBacc, so open
        q(OPEN, 5),  # art
        q(OPEN, 2),  # sixth best of the open pool
    ]
    result = attainment8(grades)

    # English 2 × 7; maths 2 × 5; EBacc 6 + 6 + 4; open: language 6, art 5, French 3.
    assert result == Attainment8(14 + 10 + 16 + 14, 14, 10, 16, 14)


def test_fractional_legacy_points_add_exactly() -> None:
    result = attainment8([q(OPEN, 4.75), q(OPEN, 0.1), q(OPEN, 0.2)])

    assert result.open == 5.05


points = st.sampled_from([0, 1, 1.5, 2, 3, 4, 4.75, 5, 5.5, 6, 7, 8, 8.5, 9])
qualifications = st.lists(st.builds(Qualification, st.sampled_from(list(Kind)), points))


@given(qualifications)
def test_attainment8_is_the_sum_of_its_elements(grades: list[Qualification]) -> None:
    result = attainment8(grades)

    total = result.english + result.maths + result.ebacc + result.open
    assert abs(result.attainment8 - total) < 1e-9
    assert 0 <= result.attainment8 <= 90


@given(qualifications, st.builds(Qualification, st.sampled_from(list(Kind)), points))
def test_another_qualification_never_lowers_attainment8(
    grades: list[Qualification], extra: Qualification
) -> None:
    assert attainment8([*grades, extra]).attainment8 >= attainment8(grades).attainment8


@given(qualifications, st.randoms())
def test_order_of_qualifications_does_not_matter(grades: list[Qualification], rng) -> None:
    shuffled = list(grades)
    rng.shuffle(shuffled)

    assert attainment8(shuffled) == attainment8(grades)
