"""Reads for classes and groups, shaped for pages, with bounded queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from nextsteps.ops.prepared import Prepared
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import Class, ClassStaff, Enrolment, GroupMembership, PupilGroup


def current(on: dt.date | None = None) -> Q:
    """Rows (enrolments, memberships) open on a date."""
    on = on or timezone.localdate()
    return Q(starts_on__lte=on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def class_cards(classes: QuerySet[Class]) -> list[Class]:
    """Classes with their pupil count, teachers and subjects, in three queries."""
    today = timezone.localdate()
    return list(
        classes.annotate(
            pupil_count=Count(
                "enrolments",
                filter=Q(enrolments__starts_on__lte=today)
                & (Q(enrolments__ends_on__isnull=True) | Q(enrolments__ends_on__gte=today)),
                distinct=True,
            )
        )
        .prefetch_related(
            Prefetch(
                "staff_links",
                queryset=ClassStaff.objects.select_related("staff").order_by("role"),
            ),
            "subjects",
        )
        .order_by("year_group", "name")
    )


def class_pupils(teaching_class: Class, on: dt.date | None = None) -> list[Pupil]:
    """Pupils currently in the class, in register order."""
    pupils: list[Pupil] = CLASS_PUPILS(class_id=teaching_class.pk, on=on or timezone.localdate())
    return pupils


def _class_pupils(_shape: object, *, class_id: int, on: dt.date) -> QuerySet[Pupil]:
    return Pupil.objects.filter(pk__in=class_pupil_ids_on(class_id, on)).order_by(
        "legal_surname", "legal_forename"
    )


# Every class page reads them: built and compiled once (nextsteps.ops.prepared).
CLASS_PUPILS = Prepared(_class_pupils, values=["class_id", "on"])


def class_pupil_ids(teaching_class: Class, on: dt.date | None = None) -> QuerySet[Any]:
    """The ids of the pupils in the class on a date, as a subquery (no query of its own)."""
    return class_pupil_ids_on(teaching_class.pk, on or timezone.localdate())


def class_pupil_ids_on(class_id: int, on: dt.date) -> QuerySet[Any]:
    """`class_pupil_ids` by the class's id."""
    return Enrolment.objects.filter(current(on), teaching_class_id=class_id).values("pupil_id")


@dataclass
class GroupView:
    group: PupilGroup
    pupils: list[Pupil] = field(default_factory=list)


def class_groups(teaching_class: Class, on: dt.date | None = None) -> list[GroupView]:
    """The class's groups with their current pupils and supporting staff, in three queries."""
    memberships = GroupMembership.objects.filter(current(on)).select_related("pupil")
    groups = (
        PupilGroup.objects.filter(teaching_class=teaching_class)
        .prefetch_related(Prefetch("memberships", queryset=memberships), "supporters")
        .order_by("name")
    )
    return [
        GroupView(
            group=group,
            pupils=sorted((m.pupil for m in group.memberships.all()), key=lambda p: p.name),
        )
        for group in groups
    ]


def class_staff(teaching_class: Class) -> list[ClassStaff]:
    """The class's teachers and teaching assistants, with who they are (one query)."""
    return list(teaching_class.staff_links.select_related("staff"))
