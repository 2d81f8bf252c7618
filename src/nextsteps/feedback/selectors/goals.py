"""Reads for learning goals: where a pupil is, their current intentions with steps and
exemplars, and self-assessment beside the teacher's judgement."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from nextsteps.curriculum.models import Exemplar, Objective, ScaleLevel
from nextsteps.feedback.kernels import loop
from nextsteps.feedback.models import (
    CurrentIntention,
    SelfAssessment,
    StepRating,
)
from nextsteps.markbook.models import Judgement, JudgementSource, Standing
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import Class, Enrolment, GroupMembership
from nextsteps.teaching.selectors import current

# ---------------------------------------------------------------------------- where a pupil is


def pupil_class_ids(pupil: Pupil, on: dt.date | None = None) -> list[int]:
    return list(
        Enrolment.objects.filter(current(on), pupil=pupil).values_list(
            "teaching_class_id", flat=True
        )
    )


def pupil_group_ids(pupil: Pupil, on: dt.date | None = None) -> list[int]:
    return list(
        GroupMembership.objects.filter(current(on), pupil=pupil).values_list("group_id", flat=True)
    )


def for_pupil_scope(pupil: Pupil, class_ids: list[int], group_ids: list[int]) -> Q:
    """Rows set to one of the pupil's classes as a whole, or to a group the pupil is in."""
    return Q(teaching_class_id__in=class_ids) & (Q(group__isnull=True) | Q(group_id__in=group_ids))


# ---------------------------------------------------------------------------- learning goals


@dataclass
class IntentionView:
    intention: CurrentIntention
    objective: Objective
    steps: list[Any]
    exemplars: list[Exemplar]
    self_levels: list[ScaleLevel]
    latest: SelfAssessment | None = None
    rating_by_step: dict[int, ScaleLevel] = field(default_factory=dict)

    @property
    def subject(self) -> str:
        return self.objective.framework.subject.name

    @property
    def step_choices(self) -> list[tuple[Any, int | None]]:
        """Each step with the id of the level the pupil last chose for it (or None)."""
        return [
            (step, self.rating_by_step[step.pk].pk if step.pk in self.rating_by_step else None)
            for step in self.steps
        ]


def current_intentions(queryset: QuerySet[CurrentIntention]) -> list[CurrentIntention]:
    return list(
        queryset.filter(ends_on__isnull=True)
        .select_related(
            "objective__framework__subject",
            "objective__framework__self_scale",
            "group",
            "teaching_class",
        )
        .prefetch_related(
            "objective__success_criteria",
            Prefetch("objective__exemplars", queryset=Exemplar.objects.select_related("level")),
        )
        .order_by("objective__framework__subject__name", "objective__position")
    )


def pupil_intentions(pupil: Pupil, on: dt.date | None = None) -> list[IntentionView]:
    """The pupil's current learning intentions with steps, exemplars, the self-assessment
    scale and their latest ratings of each step (seven queries)."""
    class_ids, group_ids = pupil_class_ids(pupil, on), pupil_group_ids(pupil, on)
    intentions = current_intentions(
        CurrentIntention.objects.filter(for_pupil_scope(pupil, class_ids, group_ids))
    )
    seen: set[int] = set()
    unique = []
    for intention in intentions:
        if intention.objective_id not in seen:
            seen.add(intention.objective_id)
            unique.append(intention)
    scale_ids = {
        i.objective.framework.self_scale_id for i in unique if i.objective.framework.self_scale_id
    }
    levels: dict[int, list[ScaleLevel]] = defaultdict(list)
    for level in ScaleLevel.objects.filter(scale_id__in=scale_ids).order_by("position"):
        levels[level.scale_id].append(level)
    latest = latest_self_assessments(pupil, seen)
    views = []
    for intention in unique:
        objective = intention.objective
        assessment = latest.get(objective.pk)
        views.append(
            IntentionView(
                intention=intention,
                objective=objective,
                steps=list(objective.success_criteria.all()),
                exemplars=list(objective.exemplars.all()),
                self_levels=levels.get(objective.framework.self_scale_id or 0, []),
                latest=assessment,
                rating_by_step={r.criterion_id: r.level for r in assessment.ratings.all()}
                if assessment
                else {},
            )
        )
    return views


def latest_self_assessments(
    pupil: Pupil, objective_ids: Iterable[int]
) -> dict[int, SelfAssessment]:
    assessments = (
        SelfAssessment.objects.filter(pupil=pupil, objective_id__in=set(objective_ids))
        .select_related("judgement__level")
        .prefetch_related(
            Prefetch("ratings", queryset=StepRating.objects.select_related("level")),
            "media_notes",
        )
        .order_by("created_at", "pk")
    )
    return {a.objective_id: a for a in assessments}


def class_intentions(teaching_class: Class) -> list[CurrentIntention]:
    """What the class and each of its groups is learning now (the whole class's first)."""
    return sorted(
        current_intentions(CurrentIntention.objects.filter(teaching_class=teaching_class)),
        key=lambda i: (i.group_id is not None, i.group.name if i.group else ""),
    )


def class_objective_choices(teaching_class: Class) -> list[Objective]:
    """Objectives a teacher can share: the class's subjects, for its year group first."""
    subject_ids = list(teaching_class.subjects.values_list("pk", flat=True))
    objectives = Objective.objects.filter(
        school_id=teaching_class.school_id, framework__subject_id__in=subject_ids
    )
    if teaching_class.year_group is not None:
        objectives = objectives.filter(year_group=teaching_class.year_group)
    return list(
        objectives.select_related("framework__subject", "strand").order_by(
            "framework__subject__name", "position"
        )
    )


# ---------------------------------------------------------------------------- self vs teacher


@dataclass
class CalibrationCell:
    pupil: Pupil
    objective: Objective
    self_level: ScaleLevel | None
    teacher_level: ScaleLevel | None
    help_with: str = ""
    verdict: str = ""  # over / under / matched, or "" when one side is missing


@dataclass
class CalibrationSummary:
    objective: Objective
    cells: list[CalibrationCell]

    def count(self, verdict: str) -> int:
        return sum(1 for cell in self.cells if cell.verdict == verdict)

    @property
    def over(self) -> int:
        return self.count("over")

    @property
    def under(self) -> int:
        return self.count("under")

    @property
    def matched(self) -> int:
        return self.count("matched")

    @property
    def assessed(self) -> list[CalibrationCell]:
        """Pupils who have rated themselves: over- and under-confident first."""
        order = {"over": 0, "under": 1, "matched": 2, "": 3}
        return sorted(
            (cell for cell in self.cells if cell.self_level),
            key=lambda cell: (order[cell.verdict], cell.pupil.legal_surname),
        )

    @property
    def not_yet(self) -> list[CalibrationCell]:
        return [cell for cell in self.cells if not cell.self_level]


def calibration(
    pupils: Sequence[Pupil], objectives: Sequence[Objective]
) -> list[CalibrationSummary]:
    """Each pupil's latest self-assessment beside the teacher's standing, per objective.

    Four queries whatever the size of the class: the self judgements, the standings, the
    help-with notes and both scales' levels.
    """
    pupil_ids = [p.pk for p in pupils]
    objective_ids = [o.pk for o in objectives]
    self_latest: dict[tuple[int, int], Judgement] = {}
    for judgement in (
        Judgement.objects.filter(
            pupil_id__in=pupil_ids,
            objective_id__in=objective_ids,
            source=JudgementSource.SELF,
            kind=Judgement.Kind.RECORD,
        )
        .select_related("level")
        .order_by("recorded_at", "pk")
    ):
        self_latest[(judgement.pupil_id, judgement.objective_id)] = judgement
    standings = {
        (s.pupil_id, s.objective_id): s
        for s in Standing.objects.filter(
            pupil_id__in=pupil_ids, objective_id__in=objective_ids, level__isnull=False
        ).select_related("level")
    }
    scale_ids = {o.framework.scale_id for o in objectives} | {
        o.framework.self_scale_id for o in objectives if o.framework.self_scale_id
    }
    values: dict[int, list[Any]] = defaultdict(list)
    for scale_id, value in ScaleLevel.objects.filter(scale_id__in=scale_ids).values_list(
        "scale_id", "value"
    ):
        values[scale_id].append(value)
    summaries = []
    for objective in objectives:
        cells = []
        for pupil in pupils:
            latest = self_latest.get((pupil.pk, objective.pk))
            standing = standings.get((pupil.pk, objective.pk))
            cell = CalibrationCell(
                pupil=pupil,
                objective=objective,
                self_level=latest.level if latest else None,
                teacher_level=standing.level if standing else None,
                help_with=latest.note if latest else "",
            )
            if cell.self_level and cell.teacher_level:
                cell.verdict = loop.calibration(
                    loop.fraction_of_scale(cell.self_level.value, values[cell.self_level.scale_id]),
                    loop.fraction_of_scale(
                        cell.teacher_level.value, values[cell.teacher_level.scale_id]
                    ),
                )
            cells.append(cell)
        summaries.append(CalibrationSummary(objective=objective, cells=cells))
    return summaries


def recently_self_assessed(pupils: Sequence[Pupil], *, days: int = 30, limit: int = 6) -> set[int]:
    """Objectives these pupils rated themselves on lately (newest first, at most `limit`)."""
    since = timezone.now() - dt.timedelta(days=days)
    ids: list[int] = []
    for objective_id in (
        SelfAssessment.objects.filter(pupil__in=[p.pk for p in pupils], created_at__gte=since)
        .order_by("-created_at")
        .values_list("objective_id", flat=True)
    ):
        if objective_id not in ids:
            ids.append(objective_id)
        if len(ids) == limit:
            break
    return set(ids)


def pupil_self_assessed_objectives(pupil: Pupil) -> list[Objective]:
    ids = set(
        Judgement.objects.filter(pupil=pupil, source=JudgementSource.SELF).values_list(
            "objective_id", flat=True
        )
    )
    return list(
        Objective.objects.filter(pk__in=ids)
        .select_related("framework__subject", "framework")
        .order_by("framework__subject__name", "position")
    )
