"""Question-level analysis: facility per question and per objective, for any set of pupils.

Facility is the share of the available marks that were gained: for a question, the marks the
pupils gained divided by (pupils marked × the question's maximum); for an objective, the same
over every question that assesses it. Only cells with a mark count, so a question not yet
marked for a pupil neither helps nor hurts the figures.

A pupil needs an objective (or a question) retaught when their own share on it is below the
threshold. Pure functions on NumPy arrays; no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class QuestionSpec:
    key: int
    label: str
    max_marks: int
    objectives: tuple[int, ...] = ()


@dataclass(frozen=True)
class Facility:
    """Marks gained out of marks available, over this many pupils."""

    gained: float
    available: float
    pupils: int

    @property
    def share(self) -> float | None:
        return self.gained / self.available if self.available else None

    @property
    def percent(self) -> int | None:
        share = self.share
        return None if share is None else round(share * 100)


@dataclass
class MarkMatrix:
    """Marks as a pupils × questions array; NaN where a pupil has no mark for a question."""

    pupils: list[int]
    questions: list[QuestionSpec]
    values: Matrix

    @classmethod
    def from_cells(
        cls,
        pupils: Sequence[int],
        questions: Sequence[QuestionSpec],
        cells: Iterable[tuple[int, int, float]],
    ) -> MarkMatrix:
        """Build from (pupil key, question key, marks); cells for other pupils are ignored."""
        row = {pupil: index for index, pupil in enumerate(pupils)}
        column = {question.key: index for index, question in enumerate(questions)}
        values = np.full((len(pupils), len(questions)), np.nan)
        for pupil, question, marks in cells:
            r, c = row.get(pupil), column.get(question)
            if r is not None and c is not None:
                values[r, c] = marks
        return cls(pupils=list(pupils), questions=list(questions), values=values)

    @property
    def maxima(self) -> Matrix:
        return np.array([q.max_marks for q in self.questions], dtype=np.float64)

    @property
    def objectives(self) -> list[int]:
        """Every objective the questions assess, in the order they first appear."""
        seen: dict[int, None] = {}
        for question in self.questions:
            for objective in question.objectives:
                seen.setdefault(objective, None)
        return list(seen)

    def incidence(self) -> Matrix:
        """Questions × objectives: 1 where the question assesses the objective."""
        index = {objective: i for i, objective in enumerate(self.objectives)}
        links = np.zeros((len(self.questions), len(index)))
        for q, question in enumerate(self.questions):
            for objective in question.objectives:
                links[q, index[objective]] = 1.0
        return links

    def mask(self, members: Iterable[int]) -> Mask:
        wanted = set(members)
        return np.array([pupil in wanted for pupil in self.pupils], dtype=bool)


@dataclass(frozen=True)
class GroupFacility:
    """Facility of one set of pupils: overall, per question and per objective."""

    pupils: int
    overall: Facility
    questions: list[Facility]
    objectives: dict[int, Facility]


def group_facility(matrix: MarkMatrix, rows: Mask | None = None) -> GroupFacility:
    """Facility for the pupils in `rows` (everyone when None), in a few array operations."""
    rows = np.ones(len(matrix.pupils), dtype=bool) if rows is None else rows
    marked = ~np.isnan(matrix.values[rows])
    gained = np.nansum(matrix.values[rows], axis=0)
    counts = marked.sum(axis=0)
    available = counts * matrix.maxima
    links = matrix.incidence()
    objective_gained = gained @ links
    objective_available = available @ links
    objective_pupils = (marked.astype(np.float64) @ links > 0).sum(axis=0)
    return GroupFacility(
        pupils=int(marked.any(axis=1).sum()),
        overall=Facility(
            float(gained.sum()), float(available.sum()), int(marked.any(axis=1).sum())
        ),
        questions=[
            Facility(float(g), float(a), int(n))
            for g, a, n in zip(gained, available, counts, strict=True)
        ],
        objectives={
            objective: Facility(
                float(objective_gained[i]), float(objective_available[i]), int(objective_pupils[i])
            )
            for i, objective in enumerate(matrix.objectives)
        },
    )


def pupil_question_shares(matrix: MarkMatrix) -> Matrix:
    """Pupils × questions: each pupil's share of the question's marks (NaN when unmarked)."""
    return matrix.values / matrix.maxima


def pupil_objective_shares(matrix: MarkMatrix, *, complete_only: bool = False) -> Matrix:
    """Pupils × objectives: each pupil's share of the marks on the objective's questions.

    NaN when none of the objective's questions is marked for the pupil; with `complete_only`,
    also when any of them is unmarked (judgements are made only on complete evidence).
    """
    links = matrix.incidence()
    marked = ~np.isnan(matrix.values)
    gained = np.nan_to_num(matrix.values) @ links
    available = (marked * matrix.maxima) @ links
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(available > 0, gained / np.where(available > 0, available, 1), np.nan)
    if complete_only:
        missing = (~marked).astype(np.float64) @ links
        shares = np.where(missing > 0, np.nan, shares)
    return shares


@dataclass(frozen=True)
class Reteach:
    """A question or objective with its facility and the pupils below the threshold on it."""

    key: int
    facility: Facility
    pupils: list[int]
    whole_class: bool


def needs(
    matrix: MarkMatrix, facility: GroupFacility, threshold: float, rows: Mask | None = None
) -> tuple[list[Reteach], list[Reteach]]:
    """Questions and objectives to reteach: every one some pupil is below the threshold on.

    `whole_class` marks those whose facility is itself below the threshold (reteach to all);
    the others need a small group. Each list is ordered from the lowest facility.
    """
    rows = np.ones(len(matrix.pupils), dtype=bool) if rows is None else rows
    pupils = np.array(matrix.pupils)[rows]
    by_question = pupil_question_shares(matrix)[rows]
    by_objective = pupil_objective_shares(matrix)[rows]
    questions = [
        _reteach(q.key, facility.questions[i], pupils, by_question[:, i], threshold)
        for i, q in enumerate(matrix.questions)
    ]
    objectives = [
        _reteach(o, facility.objectives[o], pupils, by_objective[:, i], threshold)
        for i, o in enumerate(matrix.objectives)
    ]
    return _ordered(questions), _ordered(objectives)


def _reteach(
    key: int, facility: Facility, pupils: npt.NDArray[np.int64], shares: Matrix, threshold: float
) -> Reteach:
    with np.errstate(invalid="ignore"):
        below = pupils[shares < threshold]
    share = facility.share
    return Reteach(
        key=key,
        facility=facility,
        pupils=[int(p) for p in below],
        whole_class=share is not None and share < threshold,
    )


def _ordered(items: list[Reteach]) -> list[Reteach]:
    wanted = [item for item in items if item.pupils]
    return sorted(wanted, key=lambda item: (item.facility.share or 0.0, item.key))


def breakdown(matrix: MarkMatrix, groups: Mapping[str, Iterable[int]]) -> dict[str, GroupFacility]:
    """Facility for each named set of pupils (a characteristic, a group, a class)."""
    return {name: group_facility(matrix, matrix.mask(members)) for name, members in groups.items()}
