"""A KS4 cohort's results analysis: Attainment 8 and its elements, Basics, grade distributions
and subject residuals, for the whole cohort, each group of pupils and each Year 11 class.

Plain data in, plain data out: the selectors load the cohort, this module arranges it and
calls the kernels (`measures` for Attainment 8 means and Basics, `residuals` for the subject
comparisons). No Django import.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from nextsteps.progress.kernels.compute import (
    P8_PRIOR_BANDS,
    PupilRecord,
    attainment_columns,
    characteristic_groupings,
    ks4_basics,
)
from nextsteps.progress.kernels.measures import (
    A8_COLUMNS,
    Grouping,
    mean_points,
    prior_attainment_band,
)
from nextsteps.progress.kernels.residuals import (
    SMALL_GROUP,
    Distribution,
    SubjectResidual,
    grade_distributions,
    subject_residuals,
)

GROUPINGS = ("disadvantaged", "sen", "eal", "gender", "prior_attainment")


@dataclass(frozen=True)
class CohortPupil:
    """A pupil of the cohort: their record, their grade per subject and their Year 11 classes."""

    record: PupilRecord
    grades: Mapping[str, Fraction]
    classes: tuple[int, ...] = ()
    ks2_average: float = math.nan  # NaN: no KS2 average (prior attainment not known)


@dataclass(frozen=True)
class Headline:
    """Attainment 8, its elements and Basics over some pupils."""

    n: int
    attainment8: float | None
    elements: dict[str, float | None]
    basics: dict[str, Any]

    @property
    def small(self) -> bool:
        return self.n < SMALL_GROUP


@dataclass(frozen=True)
class GroupRow:
    grouping: str
    label: str
    headline: Headline
    residuals: dict[str, SubjectResidual]


@dataclass(frozen=True)
class ClassInfo:
    """A Year 11 class: its name and the qualification subjects it taught."""

    class_id: int
    name: str
    subjects: tuple[str, ...]


@dataclass(frozen=True)
class ClassRow:
    info: ClassInfo
    headline: Headline
    residuals: list[SubjectResidual]  # the class's own subjects only


@dataclass(frozen=True)
class Ks4Analysis:
    year: int
    headline: Headline
    distributions: list[Distribution]
    residuals: list[SubjectResidual]
    groups: list[tuple[str, list[GroupRow]]]
    classes: list[ClassRow]
    subjects: list[str] = field(default_factory=list)  # the subjects shown (all, or a scope)


def headline(pupils: Sequence[CohortPupil]) -> Headline:
    """Attainment 8 and element means (every pupil of the cohort) and Basics."""
    records = [p.record for p in pupils]
    columns = attainment_columns(records)
    means = {column: mean_points(columns[column]) for column in A8_COLUMNS} if records else {}
    return Headline(
        n=len(records),
        attainment8=means.get("attainment8"),
        elements={column: means.get(column) for column in A8_COLUMNS[1:]},
        basics=ks4_basics(records),
    )


def groupings(pupils: Sequence[CohortPupil]) -> list[Grouping]:
    """The DfE's groupings (as the Progress 8 page), prior attainment by KS2 average."""
    records = [p.record for p in pupils]
    average = np.array([p.ks2_average for p in pupils], dtype=np.float64)
    return [*characteristic_groupings(records), prior_attainment_band(average, P8_PRIOR_BANDS)]


def _in_scope(
    residuals: Sequence[SubjectResidual], subjects: Collection[str] | None
) -> list[SubjectResidual]:
    return [r for r in residuals if subjects is None or r.subject in subjects]


def analyse(
    year: int,
    pupils: Sequence[CohortPupil],
    classes: Sequence[ClassInfo] = (),
    subjects: Collection[str] | None = None,
) -> Ks4Analysis:
    """The whole analysis; with `subjects`, distributions and residuals of those subjects only
    (each still measured against all the pupil's other subjects)."""
    grades = [p.grades for p in pupils]
    residuals = _in_scope(subject_residuals(grades), subjects)
    groups = []
    for grouping in groupings(pupils) if pupils else []:
        rows = []
        for code, label in enumerate(grouping.labels):
            members = [p for p, c in zip(pupils, grouping.codes, strict=True) if c == code]
            if not members:
                continue
            in_group = _in_scope(subject_residuals([m.grades for m in members]), subjects)
            rows.append(
                GroupRow(grouping.name, label, headline(members), {r.subject: r for r in in_group})
            )
        groups.append((grouping.name, rows))
    class_rows = []
    for info in classes:
        members = [p for p in pupils if info.class_id in p.classes]
        if not members or (subjects is not None and not set(info.subjects) & set(subjects)):
            continue  # a department's analysis shows the classes that taught its subjects
        own = [
            r for r in subject_residuals([m.grades for m in members]) if r.subject in info.subjects
        ]
        class_rows.append(ClassRow(info, headline(members), _in_scope(own, subjects)))
    distributions = [
        d for d in grade_distributions(grades) if subjects is None or d.subject in subjects
    ]
    return Ks4Analysis(
        year=year,
        headline=headline(pupils),
        distributions=distributions,
        residuals=residuals,
        groups=groups,
        classes=class_rows,
        subjects=[d.subject for d in distributions],
    )


# --- which school subject a qualification belongs to -------------------------------------


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"\w+", text.casefold())) + " "


def subject_of(qualification: str, names: Collection[str]) -> str | None:
    """The school subject a qualification belongs to: a subject whose name appears in the
    qualification's as whole words ("English" in "English literature", "Science" in
    "Combined science"), the longest such name when several do ("Computer science" before
    "Science"); None when no subject's name appears."""
    words = _words(qualification)
    found = [name for name in names if name.strip() and _words(name) in words]
    return max(found, key=lambda name: (len(_words(name)), name)) if found else None
