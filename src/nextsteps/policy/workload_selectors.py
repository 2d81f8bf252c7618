"""Reads for workload: each department's marking and feedback in hours per teacher per week,
from its agreed expectations or, failing those, its latest answer; and its data drops this
year, counted from the assessment points scheduled in the calendar."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils import timezone

from nextsteps.policy.drop_selectors import Drops, calendar_drops
from nextsteps.policy.kernels import workload
from nextsteps.policy.models import (
    DepartmentSettings,
    MarkingExpectation,
    MarkingKind,
    Response,
)
from nextsteps.policy.selectors import settings_for
from nextsteps.schools.models import Department, School
from nextsteps.teaching.models import Class, Enrolment
from nextsteps.teaching.selectors import current

# Used when a department has no classes yet to take an average from.
DEFAULT_PUPILS_PER_CLASS = 28


@dataclass
class ActivityRow:
    activity: workload.Activity
    sentence: str
    hours: Decimal


@dataclass
class SavingView:
    kind_label: str
    hours_now: Decimal
    whole_class_hours: Decimal
    whole_class_saves: Decimal
    verbal_saves: Decimal


@dataclass
class WorkloadRow:
    department: Department
    source: str  # "agreed", "proposed" or "" (nothing planned yet)
    activities: list[ActivityRow]
    pupils_per_class: int
    pupils_from_classes: bool
    hours: Decimal
    over_limit: bool
    savings: list[SavingView]
    drops: Drops

    @property
    def saving_whole_class(self) -> Decimal:
        return sum((s.whole_class_saves for s in self.savings), Decimal(0))

    @property
    def saving_verbal(self) -> Decimal:
        return sum((s.verbal_saves for s in self.savings), Decimal(0))


def class_sizes(school: School, on: dt.date | None = None) -> dict[int, int]:
    """The average current size of each department's teaching classes, in one query."""
    rows = (
        Enrolment.objects.filter(
            current(on),
            teaching_class__school=school,
            teaching_class__kind=Class.Kind.TEACHING,
            teaching_class__subjects__department__isnull=False,
        )
        .values("teaching_class__subjects__department", "teaching_class")
        .annotate(pupils=Count("pupil", distinct=True))
    )
    sizes: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        sizes[row["teaching_class__subjects__department"]].append(row["pupils"])
    return {d: round(sum(v) / len(v)) for d, v in sizes.items() if v}


def _latest_structured(school: School, key: str) -> dict[int, dict[str, Any]]:
    """Each department's latest structured answer to the question with this key."""
    return dict(
        Response.objects.filter(
            school=school, question__key=key, latest_version__isnull=False
        ).values_list("department_id", "latest_version__structured")
    )


def to_activity(data: dict[str, Any]) -> workload.Activity:
    return workload.Activity(
        kind=data["kind"],
        times=int(data["times"]),
        period=data["period"],
        minutes_per_pupil=Decimal(str(data["minutes_per_pupil"])),
        classes=int(data["classes"]),
    )


def workload_rows(
    school: School,
    departments: list[Department],
    limit: Decimal | None = None,
    *,
    drops: list[Drops] | None = None,
    on: dt.date | None = None,
) -> list[WorkloadRow]:
    """Each department's marking workload and data drops, in a fixed number of queries.

    `drops` are the departments' drops when the caller has them already (in the same order).
    """
    from nextsteps.policy.structures import activity_sentence

    if limit is None or drops is None:
        settings = settings_for(school)
        limit = settings.workload_limit_hours if limit is None else limit
        if drops is None:
            today = on or timezone.localdate()
            drops, _school = calendar_drops(
                school, departments, today, whole_school=False, settings=settings
            )
    agreed: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in MarkingExpectation.objects.filter(school=school).order_by("department", "position"):
        agreed[e.department_id].append(
            {
                "kind": e.kind,
                "times": e.times,
                "period": e.period,
                "minutes_per_pupil": str(e.minutes_per_pupil),
                "classes": e.classes,
            }
        )
    proposed = _latest_structured(school, "marking-feedback")
    sizes = class_sizes(school)
    saved_sizes = dict(
        DepartmentSettings.objects.filter(
            school=school, pupils_per_class__isnull=False
        ).values_list("department_id", "pupils_per_class")
    )
    rows = []
    for department, department_drops in zip(departments, drops, strict=True):
        source = "agreed" if agreed.get(department.pk) else ""
        raw = agreed.get(department.pk) or []
        if not raw and proposed.get(department.pk):
            source, raw = "proposed", proposed[department.pk].get("activities", [])
        size = saved_sizes.get(department.pk) or sizes.get(department.pk)
        pupils = size or DEFAULT_PUPILS_PER_CLASS
        activities = [to_activity(a) for a in raw]
        hours = workload.weekly_hours(activities, pupils)
        rows.append(
            WorkloadRow(
                department=department,
                source=source,
                activities=[
                    ActivityRow(a, activity_sentence(data), workload.activity_hours(a, pupils))
                    for a, data in zip(activities, raw, strict=True)
                ],
                pupils_per_class=pupils,
                pupils_from_classes=department.pk not in saved_sizes and bool(size),
                hours=hours,
                over_limit=workload.over_limit(hours, limit),
                savings=[
                    SavingView(
                        kind_label=str(MarkingKind(saving.kind).label),
                        hours_now=saving.hours_now,
                        whole_class_hours=saving.whole_class_hours,
                        whole_class_saves=saving.whole_class_saves,
                        verbal_saves=saving.verbal_saves,
                    )
                    for saving in workload.savings(activities, pupils)
                ],
                drops=department_drops,
            )
        )
    return rows
