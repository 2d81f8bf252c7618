"""Reads for planning: classes with their units, a unit's lessons and intentions, the
objectives a class can plan from, and the standings the next-steps planner groups by."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from nextsteps.curriculum.models import Objective
from nextsteps.people.models import Pupil
from nextsteps.policy.kernels import planner
from nextsteps.policy.models import CollectionPoint, Lesson, LessonIntention, Unit
from nextsteps.teaching.models import Class, PupilGroup
from nextsteps.teaching.selectors import class_pupils


def planning_classes(classes: QuerySet[Class]) -> list[Class]:
    """Classes that teach a subject, with their subjects and unit counts, in two queries."""
    with_subjects = classes.filter(subjects__isnull=False).values("pk")
    return list(
        Class.objects.filter(pk__in=with_subjects)
        .annotate(unit_count=Count("units", distinct=True))
        .prefetch_related("subjects")
        .order_by("year_group", "name")
    )


def class_objectives(teaching_class: Class) -> list[Objective]:
    """The learning intentions the class can plan from: its subjects' frameworks, its year."""
    objectives = Objective.objects.filter(
        school_id=teaching_class.school_id,
        framework__subject__in=teaching_class.subjects.all(),
    )
    if teaching_class.year_group is not None:
        objectives = objectives.filter(
            Q(year_group=teaching_class.year_group) | Q(year_group__isnull=True)
        )
    return list(
        objectives.select_related("strand", "framework__subject")
        .prefetch_related("success_criteria")
        .order_by("framework__name", "position")
    )


def class_points(teaching_class: Class) -> list[CollectionPoint]:
    """The assessment points of the departments that teach the class's subjects."""
    return list(
        CollectionPoint.objects.filter(department__subjects__in=teaching_class.subjects.all())
        .select_related("department")
        .distinct()
        .order_by("date", "name")
    )


def class_units(teaching_class: Class) -> list[Unit]:
    return list(
        Unit.objects.filter(teaching_class=teaching_class)
        .select_related("assessment_point")
        .annotate(
            lesson_count=Count("lessons", distinct=True),
            intention_count=Count("lessons__intentions", distinct=True),
        )
        .order_by("starts_on", "pk")
    )


def unit_lessons(unit: Unit) -> list[Lesson]:
    """A unit's lessons with their intentions, groups and success criteria, in five queries.

    Each lesson's `planned` lists the whole class first, then the groups by name; each
    intention's `steps` are the steps chosen for it, or all of the objective's.
    """
    intentions = LessonIntention.objects.select_related(
        "objective__strand", "group"
    ).prefetch_related("success_criteria", "objective__success_criteria")
    lessons = list(
        unit.lessons.prefetch_related(Prefetch("intentions", queryset=intentions)).order_by(
            "taught_on", "pk"
        )
    )
    for lesson in lessons:
        planned = sorted(
            lesson.intentions.all(),
            key=lambda i: (i.group is not None, i.group.name if i.group else "", i.pk),
        )
        for intention in planned:
            chosen = list(intention.success_criteria.all())
            intention.steps = chosen or list(  # type: ignore[attr-defined]
                intention.objective.success_criteria.all()
            )
        lesson.planned = planned  # type: ignore[attr-defined]
    return lessons


def class_groups(teaching_class: Class) -> list[PupilGroup]:
    return list(PupilGroup.objects.filter(teaching_class=teaching_class).order_by("kind", "name"))


def just_taught(
    teaching_class: Class, on: dt.date | None = None
) -> tuple[Lesson | None, list[int]]:
    """The class's most recent lesson up to today and the objectives it planned."""
    on = on or timezone.localdate()
    lesson = (
        Lesson.objects.filter(unit__teaching_class=teaching_class, taught_on__lte=on)
        .order_by("-taught_on", "-pk")
        .first()
    )
    if lesson is None:
        return None, []
    ids = list(dict.fromkeys(lesson.intentions.values_list("objective_id", flat=True)))
    return lesson, ids


@dataclass
class PlannerPupil:
    pupil: Pupil
    secure: set[int]
    evidence: set[int]  # objectives with any standing at all


@dataclass
class GroupDisplay:
    pupils: list[Pupil]
    shared: list[Objective]
    others: list[tuple[Objective, int]]


@dataclass
class PlannerView:
    pupils: list[PlannerPupil]
    objectives: list[Objective]
    plan: planner.Plan[int, int]

    @property
    def groups(self) -> list[GroupDisplay]:
        """The kernel's groups with pupils and objectives in place of their ids."""
        pupils, objectives = self.by_id, self.objective_by_id
        return [
            GroupDisplay(
                pupils=[pupils[p] for p in group.pupils],
                shared=[objectives[o] for o in group.shared_gaps],
                others=[(objectives[o], n) for o, n in group.other_gaps],
            )
            for group in self.plan.groups
        ]

    @property
    def secure_pupils(self) -> list[Pupil]:
        pupils = self.by_id
        return [pupils[p] for p in self.plan.secure]

    @property
    def by_id(self) -> dict[int, Pupil]:
        return {p.pupil.pk: p.pupil for p in self.pupils}

    @property
    def objective_by_id(self) -> dict[int, Objective]:
        return {o.pk: o for o in self.objectives}


def standings_for(pupils: list[Pupil], objectives: list[Objective]) -> dict[int, PlannerPupil]:
    """Which objectives each pupil is secure on, from the markbook's standings (one query)."""
    from nextsteps.markbook.models import Standing

    rows = {p.pk: PlannerPupil(p, set(), set()) for p in pupils}
    for pupil_id, objective_id, mastered in Standing.objects.filter(
        pupil__in=pupils, objective__in=objectives
    ).values_list("pupil_id", "objective_id", "mastered"):
        rows[pupil_id].evidence.add(objective_id)
        if mastered:
            rows[pupil_id].secure.add(objective_id)
    return rows


def planner_view(teaching_class: Class, objectives: list[Objective], size: int) -> PlannerView:
    """The class's pupils, who is secure on what, and the focus groups the kernel forms."""
    pupils = class_pupils(teaching_class)
    rows = standings_for(pupils, objectives)
    plan = planner.plan_groups(
        [p.pk for p in pupils],
        [o.pk for o in objectives],
        {pk: frozenset(row.secure) for pk, row in rows.items()},
        size,
    )
    return PlannerView(pupils=[rows[p.pk] for p in pupils], objectives=objectives, plan=plan)
