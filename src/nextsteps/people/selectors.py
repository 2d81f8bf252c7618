"""Reads of pupils shaped for importers: each pupil's fields as plain data, loaded in bulk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from nextsteps.access import current_guardian_link
from nextsteps.people.kernels.attendance import attended_share, is_persistent_absence, percent_text
from nextsteps.people.kernels.identity import FIELD_ORDER
from nextsteps.people.models import Attendance, GuardianLink, Pupil
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class, GroupMembership
from nextsteps.teaching.selectors import current

CHUNK = 2000
RECORD_FIELDS = ("id", *FIELD_ORDER)


def pupil_records_by_upn(
    school: School, upns: Iterable[str] | None = None
) -> dict[str, dict[str, Any]]:
    """A school's pupils (all, or those with these UPNs) as field → value, by UPN."""
    pupils = Pupil.objects.filter(school=school)
    if upns is None:
        return {row["upn"]: row for row in pupils.values(*RECORD_FIELDS)}
    wanted = sorted(set(upns))
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), CHUNK):
        batch = wanted[start : start + CHUNK]
        found.update(
            {row["upn"]: row for row in pupils.filter(upn__in=batch).values(*RECORD_FIELDS)}
        )
    return found


def pupil_records_by_id(school: School, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """These pupils of a school as field → value, by id."""
    wanted = sorted(set(ids))
    pupils = Pupil.objects.filter(school=school)
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(wanted), CHUNK):
        batch = wanted[start : start + CHUNK]
        found.update({row["id"]: row for row in pupils.filter(pk__in=batch).values(*RECORD_FIELDS)})
    return found


@dataclass(frozen=True)
class AttendanceFigure:
    """A pupil's attendance this year as a page shows it."""

    attended: int
    possible: int
    as_of: dt.date
    text: str
    persistent: bool | None
    percent: float | None


def year_starting(today: dt.date) -> int:
    return today.year if today.month >= 9 else today.year - 1


def attendance_figure(row: Attendance) -> AttendanceFigure:
    share = attended_share(row.attended_sessions, row.possible_sessions)
    return AttendanceFigure(
        attended=row.attended_sessions,
        possible=row.possible_sessions,
        as_of=row.as_of,
        text=percent_text(row.attended_sessions, row.possible_sessions),
        persistent=is_persistent_absence(
            row.attended_sessions, row.possible_sessions, row.year_starting
        ),
        percent=None if share is None else float(share * 100),
    )


def attendance_this_year(pupil: Pupil, today: dt.date | None = None) -> AttendanceFigure | None:
    """The pupil's attendance for the current academic year (one query), or None."""
    year = year_starting(today or timezone.localdate())
    row = Attendance.objects.filter(pupil=pupil, year_starting=year).first()
    return None if row is None else attendance_figure(row)


def attendance_by_pupil(school_id: int, today: dt.date) -> dict[int, AttendanceFigure]:
    """Every pupil's attendance this year in a school, by pupil id (one query)."""
    year = year_starting(today)
    return {
        row.pupil_id: attendance_figure(row)
        for row in Attendance.objects.filter(school_id=school_id, year_starting=year)
    }


@dataclass(frozen=True)
class PupilPage:
    """What a pupil's page shows beyond the pupil: their classes and groups now, and (for
    staff) the parents linked to them and their attendance."""

    classes: list[Class]
    groups: list[GroupMembership]
    guardians: list[GuardianLink]
    attendance: AttendanceFigure | None


def pupil_page(pupil: Pupil, *, with_family: bool) -> PupilPage:
    """The pupil's current classes (with subjects and teachers), groups and, `with_family`,
    their current parents and this year's attendance."""
    enrolled = pupil.enrolments.filter(current()).values("teaching_class_id")
    classes = list(
        Class.objects.filter(pk__in=enrolled)
        .prefetch_related("subjects", "staff_links__staff")
        .order_by("kind", "name")
    )
    groups = list(
        GroupMembership.objects.filter(current(), pupil=pupil).select_related(
            "group__teaching_class"
        )
    )
    guardians = (
        list(
            pupil.guardian_links.filter(current_guardian_link(prefix="")).select_related("guardian")
        )
        if with_family
        else []
    )
    return PupilPage(
        classes=classes,
        groups=groups,
        guardians=guardians,
        attendance=attendance_this_year(pupil) if with_family else None,
    )
