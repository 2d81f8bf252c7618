"""Subject residuals and grade distributions of a KS4 cohort: how each subject's grades compare
with the same pupils' grades in their other subjects.

A pupil's grade in a subject is the points of their qualification in it (a subject entered
twice, such as a double-award science given under one name, counts once, at the mean of its
entries). For a pupil with a grade in subject S and in at least one other subject:

    residual(pupil, S) = grade in S − the mean of their grades in their other subjects

with every other subject weighted equally. A subject's residual is the mean of its pupils'
residuals; pupils with no other subject are left out (nothing to compare with). Above zero:
the subject's pupils did better in it than in their other subjects, on average. The interval
is the mean ± 1.96 × (sample standard deviation of the residuals) / √n, shown from 2 pupils.
No Django import: the pages, the API and tests call it on plain data.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

Z_95 = 1.96
SMALL_GROUP = 6  # as the progress measures: fewer pupils than this are flagged, never hidden
GRADES = tuple(range(9, -1, -1))  # 9 down to U (0): the rows of a grade distribution


def _exact(value: float) -> Fraction:
    """The decimal a results file gave (4.75 stays 4.75), as an exact fraction."""
    return Fraction(str(value))


def _two_places(value: Fraction) -> float:
    """Rounded half away from zero to 2 places, exactly (no binary rounding surprises)."""
    scaled = abs(value) * 100
    whole = math.floor(scaled + Fraction(1, 2))
    return math.copysign(whole / 100, value) if whole else 0.0


def subject_grades(entries: Iterable[tuple[str, float]]) -> dict[str, Fraction]:
    """One pupil's grade per subject from their qualifications (subject, points): a subject
    with several entries counts once, at their mean."""
    by_subject: dict[str, list[Fraction]] = defaultdict(list)
    for subject, points in entries:
        by_subject[subject].append(_exact(points))
    return {
        subject: sum(grades, Fraction(0)) / len(grades) for subject, grades in by_subject.items()
    }


def pupil_residuals(grades: Mapping[str, Fraction]) -> dict[str, Fraction]:
    """Each subject's grade minus the mean of the pupil's other subjects (needs 2 subjects)."""
    if len(grades) < 2:
        return {}
    total = sum(grades.values(), Fraction(0))
    others = len(grades) - 1
    return {subject: grade - (total - grade) / others for subject, grade in grades.items()}


@dataclass(frozen=True)
class SubjectResidual:
    """A subject's pupils: their mean grade in it, in their other subjects, and the residual."""

    subject: str
    n: int
    grade: float  # the mean grade in the subject
    others: float  # the mean of the same pupils' mean grades in their other subjects
    residual: float
    ci_low: float | None
    ci_high: float | None

    @property
    def small(self) -> bool:
        return self.n < SMALL_GROUP

    @property
    def significant(self) -> bool:
        """The interval lies wholly above or below zero."""
        if self.ci_low is None or self.ci_high is None:
            return False
        return self.ci_low > 0 or self.ci_high < 0


def _interval(values: Sequence[Fraction], mean: Fraction) -> tuple[float | None, float | None]:
    if len(values) < 2:
        return None, None
    variance = sum(((v - mean) ** 2 for v in values), Fraction(0)) / (len(values) - 1)
    half = Z_95 * math.sqrt(variance) / math.sqrt(len(values))
    return round(float(mean) - half, 2), round(float(mean) + half, 2)


def subject_residuals(pupils: Sequence[Mapping[str, Fraction]]) -> list[SubjectResidual]:
    """Every subject's residual over the pupils given (each a mapping subject → grade), in
    order of subject name."""
    residuals: dict[str, list[Fraction]] = defaultdict(list)
    grades: dict[str, list[Fraction]] = defaultdict(list)
    for pupil in pupils:
        for subject, residual in pupil_residuals(pupil).items():
            residuals[subject].append(residual)
            grades[subject].append(pupil[subject])
    out = []
    for subject in sorted(residuals, key=str.casefold):
        values = residuals[subject]
        n = len(values)
        mean = sum(values, Fraction(0)) / n
        grade = sum(grades[subject], Fraction(0)) / n
        low, high = _interval(values, mean)
        out.append(
            SubjectResidual(
                subject, n, _two_places(grade), _two_places(grade - mean), _two_places(mean),
                low, high,
            )
        )  # fmt: skip
    return out


@dataclass(frozen=True)
class Distribution:
    """How many of a subject's pupils have each grade, 9 to U (0), and their mean grade."""

    subject: str
    n: int
    counts: tuple[int, ...]  # in the order of GRADES
    mean: float | None
    at_least_4: int
    at_least_7: int

    def percent(self, count: int) -> float | None:
        return round(100 * count / self.n, 1) if self.n else None


def grade_distributions(pupils: Sequence[Mapping[str, Fraction]]) -> list[Distribution]:
    """Each subject's grades over the pupils given. A grade between whole grades (a legacy
    letter grade's points, such as 5.5 for a B) counts under the whole grade below it."""
    by_subject: dict[str, list[Fraction]] = defaultdict(list)
    for pupil in pupils:
        for subject, grade in pupil.items():
            by_subject[subject].append(grade)
    out = []
    for subject in sorted(by_subject, key=str.casefold):
        grades = by_subject[subject]
        whole = [min(9, max(0, math.floor(g))) for g in grades]
        out.append(
            Distribution(
                subject=subject,
                n=len(grades),
                counts=tuple(whole.count(grade) for grade in GRADES),
                mean=_two_places(sum(grades, Fraction(0)) / len(grades)),
                at_least_4=sum(1 for g in grades if g >= 4),
                at_least_7=sum(1 for g in grades if g >= 7),
            )
        )
    return out
