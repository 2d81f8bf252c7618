"""Scoring a pupil's planned KS4 subjects (their Year 9 options) against each KS4 model.

A plan has no grades yet, so every subject counts the same (one point an entry, two for
combined science): what matters is which slots the plan fills, which stay empty and why.
Each model of the models file is scored side by side, the model in force for the pupils'
cohort first. No Django import.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from nextsteps.progress.kernels.ks4_models import (
    Catalogue,
    Entry,
    Filling,
    Ks4Model,
    UnknownKs4Cohort,
    fill,
    plan_notes,
)

PLANNED_POINTS = 1.0  # a plan has no grades: every entry counts the same


@dataclass(frozen=True)
class PlannedSubject:
    subject: str
    category: str
    entries: int = 1


@dataclass(frozen=True)
class GroupLine:
    """One slot group of one model for a plan: filled, empty and what fills it."""

    id: str
    name: str
    slots: int
    filled: int
    weight: int
    subjects: tuple[str, ...]
    short: bool = False  # fewer categories than the group asks for

    @property
    def empty(self) -> int:
        return self.slots - self.filled


@dataclass(frozen=True)
class PlanScore:
    """A plan in one model: each group, the slots filled out of all, and what it means."""

    model: Ks4Model
    in_force: bool  # the model in force for the pupils' cohort
    groups: tuple[GroupLine, ...]
    notes: tuple[str, ...]

    @property
    def slots(self) -> int:
        return sum(group.slots for group in self.groups)

    @property
    def filled(self) -> int:
        return sum(group.filled for group in self.groups)

    @property
    def complete(self) -> bool:
        """Every slot filled (a single-weighted English is noted, not a gap)."""
        return all(group.empty == 0 and not group.short for group in self.groups)


def plan_entries(plan: Sequence[PlannedSubject]) -> list[Entry]:
    """The plan as entries: combined science is two."""
    return [
        Entry(subject.category, PLANNED_POINTS, subject.subject)
        for subject in plan
        for _ in range(subject.entries)
    ]


def score_plan(
    plan: Sequence[PlannedSubject],
    models: Sequence[Ks4Model],
    in_force: Ks4Model | None,
    categories: Mapping[str, str],
) -> list[PlanScore]:
    """The plan in every model, the model in force first."""
    entries = plan_entries(plan)
    ordered = sorted(models, key=lambda m: (m is not in_force, m.proposed))
    return [_score(fill(entries, model), model is in_force, categories) for model in ordered]


def _score(filling: Filling, in_force: bool, categories: Mapping[str, str]) -> PlanScore:
    groups = tuple(
        GroupLine(
            id=group_fill.group.id,
            name=group_fill.group.name,
            slots=group_fill.group.slots,
            filled=len(group_fill.counted),
            weight=group_fill.weight,
            subjects=tuple(dict.fromkeys(entry.name for entry in group_fill.counted)),
            short=group_fill.short_of_categories,
        )
        for group_fill in filling.groups
    )
    return PlanScore(filling.model, in_force, groups, tuple(plan_notes(filling, categories)))


def cohort_model(
    catalogue: Catalogue, year: int, adoptions: Mapping[str, int]
) -> tuple[Ks4Model | None, str]:
    """The model in force for a cohort, or None with the sentence saying why there is none."""
    try:
        return catalogue.model_for_cohort(year, adoptions), ""
    except UnknownKs4Cohort as error:
        return None, str(error)


def leaving_year(year_group: int, school_year_start: int) -> int:
    """The summer a year group sits its GCSEs (Year 11): the school year starting in
    `school_year_start` is the autumn of it."""
    return school_year_start + (11 - year_group) + 1
