"""The current Year 11's working-at grades from the school's assessment points, for the year
group and its groups of pupils: never a prediction, never one pupil's figure.

A scale counts as a grade scale when every level is a GCSE grade, labelled 9 to 1 or U, with
the grade's number as its value (U is 0). A pupil's working-at grade in a subject at a point
is the mean of their snapshot values on that subject's objectives marked on a grade scale
(usually one objective, "working at"); the year group's figures are over the pupils with one.
No Django import.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from nextsteps.progress.kernels.residuals import GRADES, SMALL_GROUP

GRADE_LABELS = {"U": 0, **{str(grade): grade for grade in range(1, 10)}}


def is_grade_scale(levels: Iterable[tuple[str, float]]) -> bool:
    """Every level a GCSE grade (9 to 1, U) valued at its number; at least three levels."""
    found = list(levels)
    return len(found) >= 3 and all(
        label.strip().upper() in GRADE_LABELS
        and float(value) == GRADE_LABELS[label.strip().upper()]
        for label, value in found
    )


@dataclass(frozen=True)
class WorkingAt:
    """A subject's working-at grades over some pupils at one assessment point."""

    subject: str
    n: int
    mean: float | None
    at_least_4: int
    at_least_5: int
    at_least_7: int
    counts: tuple[int, ...]  # pupils at each whole grade, in the order of GRADES

    @property
    def small(self) -> bool:
        return self.n < SMALL_GROUP

    def percent(self, count: int) -> float | None:
        return round(100 * count / self.n, 1) if self.n else None


def pupil_grades(
    rows: Iterable[tuple[int, str, float]],
) -> dict[str, dict[int, Fraction]]:
    """subject → pupil → working-at grade, from (pupil, subject, value) snapshot rows."""
    values: dict[tuple[str, int], list[Fraction]] = defaultdict(list)
    for pupil_id, subject, value in rows:
        values[(subject, pupil_id)].append(Fraction(str(value)))
    out: dict[str, dict[int, Fraction]] = defaultdict(dict)
    for (subject, pupil_id), found in values.items():
        out[subject][pupil_id] = sum(found, Fraction(0)) / len(found)
    return dict(out)


def summarise(subject: str, grades: Sequence[Fraction]) -> WorkingAt:
    """The year group's working-at grades in a subject (a grade between whole grades counts
    under the whole grade below it)."""
    whole = [min(9, max(0, math.floor(g))) for g in grades]
    mean = sum(grades, Fraction(0)) / len(grades) if grades else None
    return WorkingAt(
        subject=subject,
        n=len(grades),
        mean=round(float(mean), 2) if mean is not None else None,
        at_least_4=sum(1 for g in grades if g >= 4),
        at_least_5=sum(1 for g in grades if g >= 5),
        at_least_7=sum(1 for g in grades if g >= 7),
        counts=tuple(whole.count(grade) for grade in GRADES),
    )


def by_subject(
    grades: Mapping[str, Mapping[int, Fraction]], pupils: Iterable[int] | None = None
) -> list[WorkingAt]:
    """Each subject's summary, over the pupils given (all when None), in order of name."""
    admitted = None if pupils is None else set(pupils)
    return [
        summarise(
            subject,
            [g for p, g in grades[subject].items() if admitted is None or p in admitted],
        )
        for subject in sorted(grades, key=str.casefold)
    ]
