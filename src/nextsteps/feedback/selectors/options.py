"""The rows a page's forms choose from: a class's objectives and groups, the pupils named,
the levels of a scale and the class's recent work."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404

from nextsteps.curriculum.models import Objective, ScaleLevel
from nextsteps.feedback.models import Work
from nextsteps.feedback.selectors.goals import class_objective_choices
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class, PupilGroup


def class_objectives(teaching_class: Class) -> QuerySet[Objective]:
    """The objectives a class's pages offer, by subject and position (not yet read)."""
    ids = [o.pk for o in class_objective_choices(teaching_class)]
    return (
        Objective.objects.filter(pk__in=ids)
        .select_related("framework__subject")
        .order_by("framework__subject__name", "position")
    )


def objective_among(objectives: QuerySet[Objective], objective_id: int) -> Objective | None:
    """One of the objectives offered, with its scale, or None."""
    return objectives.filter(pk=objective_id).select_related("framework__scale").first()


def objectives_by_id(school: School, ids: Iterable[int]) -> list[Objective]:
    """The school's objectives named, by subject and position."""
    return list(
        Objective.objects.filter(school=school, pk__in=ids)
        .select_related("framework__subject", "framework")
        .order_by("framework__subject__name", "position")
    )


def objectives_named(ids: Iterable[int]) -> QuerySet[Objective]:
    """The objectives named (for a form's choices)."""
    return Objective.objects.filter(pk__in=list(ids))


def scale_levels(scale_id: int) -> QuerySet[ScaleLevel]:
    """The levels of a scale, in order (for a form's choices)."""
    return ScaleLevel.objects.filter(scale_id=scale_id).order_by("position")


def class_group(teaching_class: Class, raw: str | None) -> PupilGroup | None:
    """The group of the class named by a form's value, None when none is named, else 404."""
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404("No such group")
    group = PupilGroup.objects.filter(teaching_class=teaching_class, pk=int(raw)).first()
    if group is None:
        raise Http404("No such group")
    return group


def class_groups(teaching_class: Class) -> QuerySet[PupilGroup]:
    """The class's groups (for a form's choices), with their class."""
    return PupilGroup.objects.filter(teaching_class=teaching_class).select_related("teaching_class")


def class_group_list(teaching_class: Class) -> list[PupilGroup]:
    return list(PupilGroup.objects.filter(teaching_class=teaching_class))


def pupils_among(pupils: Iterable[Pupil]) -> QuerySet[Pupil]:
    """The pupils given, as a queryset (for a form's choices)."""
    return Pupil.objects.filter(pk__in=[p.pk for p in pupils])


def recent_class_work(teaching_class: Class, *, limit: int = 20) -> list[Work]:
    """The class's latest work, newest first."""
    return list(Work.objects.filter(teaching_class=teaching_class).order_by("-set_at")[:limit])


def first_objective(work: Work | None) -> Objective | None:
    """The first objective of a piece of work (what whole-class feedback on it is about)."""
    return work.objectives.first() if work is not None else None
