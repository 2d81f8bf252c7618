"""Attainment 8 from one pupil's qualifications (DfE slot rules).

The qualifications are taken after discounting (a subject counts once): a double-award
science is two entries. Slots are filled highest grade first; an unfilled slot scores 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction


class Kind(StrEnum):
    """Where a qualification may count in Attainment 8."""

    ENGLISH_LANGUAGE = "english_language"
    ENGLISH_LITERATURE = "english_literature"
    MATHS = "maths"
    EBACC = "ebacc"  # sciences, computer science, geography, history, languages
    OPEN = "open"  # any other approved qualification


@dataclass(frozen=True)
class Qualification:
    """One qualification's kind and its grade points (GCSE 9–1 grades are their points)."""

    kind: Kind
    points: float
    name: str = ""


@dataclass(frozen=True)
class Attainment8:
    """A pupil's Attainment 8 and its four element totals."""

    attainment8: float
    english: float
    maths: float
    ebacc: float
    open: float


def _best(points: Iterable[Fraction], slots: int) -> tuple[list[Fraction], list[Fraction]]:
    """The highest `slots` points, and the rest."""
    ordered = sorted(points, reverse=True)
    return ordered[:slots], ordered[slots:]


def english_element(
    language: list[Fraction], literature: list[Fraction]
) -> tuple[Fraction, list[Fraction]]:
    """DfE English slot: doubled only when both language and literature were taken.

    The higher of the two counts double and the other may fill an open slot; with only
    one of them, it counts once.
    """
    best_language, spare_language = _best(language, 1)
    best_literature, spare_literature = _best(literature, 1)
    spare = spare_language + spare_literature
    if best_language and best_literature:
        higher, lower = sorted(best_language + best_literature, reverse=True)
        return 2 * higher, [lower, *spare]
    taken = best_language + best_literature
    return (taken[0] if taken else Fraction(0)), spare


def attainment8(qualifications: Iterable[Qualification]) -> Attainment8:
    """DfE Attainment 8: English and maths doubled, three EBacc slots, three open slots."""
    by_kind: dict[Kind, list[Fraction]] = {kind: [] for kind in Kind}
    for qualification in qualifications:
        # Fractions of the decimal text keep 4.75 + 0.1 sums exact.
        by_kind[qualification.kind].append(Fraction(str(qualification.points)))
    english, english_spare = english_element(
        by_kind[Kind.ENGLISH_LANGUAGE], by_kind[Kind.ENGLISH_LITERATURE]
    )
    best_maths, maths_spare = _best(by_kind[Kind.MATHS], 1)
    maths = 2 * sum(best_maths, Fraction(0))
    ebacc_slots, ebacc_spare = _best(by_kind[Kind.EBACC], 3)
    open_pool = by_kind[Kind.OPEN] + ebacc_spare + english_spare + maths_spare
    open_slots, _ = _best(open_pool, 3)
    ebacc = sum(ebacc_slots, Fraction(0))
    open_total = sum(open_slots, Fraction(0))
    return Attainment8(
        attainment8=float(english + maths + ebacc + open_total),
        english=float(english),
        maths=float(maths),
        ebacc=float(ebacc),
        open=float(open_total),
    )
