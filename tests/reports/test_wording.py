"""A learning intention in a report's words: an achievement in the child's name ("Amara can
…"), never "I am learning to …", and a next step as what the child is learning."""

from __future__ import annotations

import pytest

from nextsteps.reports.kernels.wording import achievement, is_first_person, next_step


@pytest.mark.parametrize(
    ("wording", "expected"),
    [
        (
            "Recall multiplication facts to 12 × 12",
            "Amara can recall multiplication facts to 12 × 12.",
        ),
        (
            "I can add fractions with the same denominator.",
            "Amara can add fractions with the same denominator.",
        ),
        (
            "I am learning to count things carefully up to 10.",
            "Amara can count things carefully up to 10.",
        ),
        ("To use French adjectives", "Amara can use French adjectives."),
        ("Design, write and debug programs", "Amara can design, write and debug programs."),
        ("Know how numbers to 10 are made up", "Amara knows how numbers to 10 are made up."),
        (
            "Understand place value in 4-digit numbers",
            "Amara understands place value in 4-digit numbers.",
        ),
        ("KS2 reading: retrieve key details", "Amara can KS2 reading: retrieve key details."),
    ],
)
def test_a_secure_objective_is_an_achievement_in_the_childs_name(
    wording: str, expected: str
) -> None:
    assert achievement("Amara", wording) == expected


@pytest.mark.parametrize(
    ("wording", "expected"),
    [
        ("Recall number bonds to 10", "Amara is learning to recall number bonds to 10."),
        ("I am learning to join my handwriting", "Amara is working on “join my handwriting”."),
        ("Know how numbers are made", "Amara is learning how numbers are made."),
    ],
)
def test_an_objective_not_yet_secure_is_what_the_child_is_learning(
    wording: str, expected: str
) -> None:
    assert next_step("Amara", wording) == expected


def test_wording_that_still_speaks_as_the_pupil_is_quoted_not_turned() -> None:
    assert is_first_person("I am learning my number pairs to 10")
    assert not is_first_person("I am learning to count to 10")
    assert achievement("Amara", "I am learning about the Romans") == (
        "Amara is secure in “I am learning about the Romans”."
    )
