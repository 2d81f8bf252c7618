"""Writing classes, their staff and their pupils' enrolments.

The roster imports (OneRoster, spreadsheets) match and check their rows, then hand them here
to be written in bulk, inside the import's own transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import Max

from nextsteps.ops.bulk import insert_rows
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class, ClassStaff, Enrolment

BATCH = 2000
CLASS_FIELDS = frozenset({"name", "kind", "year_group", "academic_year_id"})


def classes_roster_write(
    *,
    school: School,
    new: Sequence[Mapping[str, Any]],
    changes: Mapping[int, Mapping[str, Any]],
) -> list[int]:
    """Create classes and change others (per id, only the fields that change), in bulk; the
    new classes' ids, in order."""
    for fields in [*new, *changes.values()]:
        unknown = set(fields) - CLASS_FIELDS
        if unknown:
            raise TypeError(f"unknown class fields: {sorted(unknown)}")
    created = Class.objects.bulk_create(
        [Class(school=school, **fields) for fields in new], batch_size=1000
    )
    if changes:
        classes = Class.objects.filter(school=school).in_bulk(sorted(changes))
        for class_id, teaching_class in classes.items():
            for name, value in changes[class_id].items():
                setattr(teaching_class, name, value)
        Class.objects.bulk_update(
            list(classes.values()), ["name", "kind", "year_group", "academic_year_id"]
        )
    return [teaching_class.pk for teaching_class in created]


def class_subjects_add(*, links: Iterable[tuple[int, int]]) -> None:
    """Put classes under subjects: (class id, subject id) pairs not yet linked."""
    through = Class.subjects.through
    through.objects.bulk_create(
        [through(class_id=c, subject_id=s) for c, s in sorted(links)], batch_size=1000
    )


def enrolments_roster_insert(
    *, school: School, rows: Sequence[tuple[int, int, dt.date, dt.date | None]]
) -> list[int]:
    """Enrol pupils — (pupil id, class id, first day, last day) — without model overhead; the
    new enrolments' ids, read back by natural key, in order."""
    if not rows:
        return []
    before = Enrolment.objects.aggregate(top=Max("pk"))["top"] or 0
    insert_rows(
        Enrolment,
        ["school_id", "pupil_id", "teaching_class_id", "starts_on", "ends_on"],
        ((school.pk, pupil, klass, starts, ends) for pupil, klass, starts, ends in rows),
    )
    ids: dict[tuple[int, int, dt.date], list[int]] = defaultdict(list)
    for pk, pupil_id, class_id, starts in (
        Enrolment.objects.filter(school=school, pk__gt=before)
        .order_by("pk")
        .values_list("pk", "pupil_id", "teaching_class_id", "starts_on")
        .iterator(chunk_size=BATCH)
    ):
        ids[(pupil_id, class_id, starts)].append(pk)
    return [ids[(pupil, klass, starts)].pop(0) for pupil, klass, starts, _ in rows]


def enrolments_roster_dates(*, dates: Mapping[int, Mapping[str, dt.date | None]]) -> None:
    """Change enrolments' first or last days (per id, `starts_on` and/or `ends_on`)."""
    ids = sorted(dates)
    names = sorted({name for fields in dates.values() for name in fields})
    for start in range(0, len(ids), BATCH):
        enrolments = Enrolment.objects.in_bulk(ids[start : start + BATCH])
        for enrolment_id, enrolment in enrolments.items():
            for name, value in dates[enrolment_id].items():
                setattr(enrolment, name, value)
        Enrolment.objects.bulk_update(list(enrolments.values()), names, batch_size=BATCH)


def class_staff_roster_write(
    *,
    school: School,
    new: Sequence[tuple[int, int, str]],
    roles: Mapping[int, str],
    removed: Sequence[int],
) -> list[int]:
    """Take staff off classes (link ids), change their role in others (per link id) and put
    staff on classes — (class id, staff id, role) — in bulk; the new links' ids, in order."""
    class_staff_remove(link_ids=removed)
    links = ClassStaff.objects.in_bulk(sorted(roles)) if roles else {}
    for link_id, link in links.items():
        link.role = roles[link_id]
    ClassStaff.objects.bulk_update(list(links.values()), ["role"], batch_size=BATCH)
    created = ClassStaff.objects.bulk_create(
        [
            ClassStaff(school=school, teaching_class_id=class_id, staff_id=staff_id, role=role)
            for class_id, staff_id, role in new
        ],
        batch_size=BATCH,
    )
    return [link.pk for link in created]


def class_staff_remove(*, link_ids: Sequence[int]) -> int:
    """Take staff off classes (link ids); how many links went."""
    removed = 0
    for start in range(0, len(link_ids), BATCH):
        gone, _ = ClassStaff.objects.filter(pk__in=link_ids[start : start + BATCH]).delete()
        removed += gone
    return removed


# ---------------------------------------------------------------------------- MIS syncs
# Writes for a sync from a management system (Wonde), inside the sync's own transaction.


def class_roster_create(
    *,
    school: School,
    academic_year_id: int,
    name: str,
    kind: str,
    year_group: int | None,
    subject_ids: Iterable[int] = (),
) -> Class:
    """A new class (or form) for the year, under its subjects."""
    created = Class.objects.create(
        school=school,
        academic_year_id=academic_year_id,
        name=name,
        kind=kind,
        year_group=year_group,
    )
    class_subjects_add(links={(created.pk, subject_id) for subject_id in subject_ids})
    return created


def class_roster_rename(*, teaching_class: Class, name: str, year_group: int | None) -> None:
    """Give a class the name and year group its management system now has."""
    teaching_class.name, teaching_class.year_group = name, year_group
    teaching_class.save(update_fields=["name", "year_group"])


def places_sync_apply(
    *,
    school: School,
    opened: Sequence[tuple[int, int, dt.date]],
    ended: Mapping[int, dt.date],
) -> list[int]:
    """Open places — (pupil id, class id, first day) — and end others (enrolment id → last
    day), in bulk; the new places' ids, in order."""
    created = Enrolment.objects.bulk_create(
        [
            Enrolment(school=school, pupil_id=pupil_id, teaching_class_id=class_id, starts_on=day)
            for pupil_id, class_id, day in opened
        ],
        batch_size=BATCH,
    )
    Enrolment.objects.bulk_update(
        [Enrolment(pk=pk, school=school, ends_on=last) for pk, last in ended.items()],
        ["ends_on"],
        batch_size=BATCH,
    )
    return [place.pk for place in created]


def class_staff_sync_write(
    *,
    school: School,
    added: Sequence[tuple[int, int]],
    removed: Mapping[int, set[int]],
) -> None:
    """Put staff on classes — (class id, staff id) — and take others off (per class id, the
    staff ids)."""
    ClassStaff.objects.bulk_create(
        [
            ClassStaff(school=school, teaching_class_id=class_id, staff_id=staff_id)
            for class_id, staff_id in added
        ]
    )
    for class_id, staff_ids in removed.items():
        if staff_ids:
            ClassStaff.objects.filter(teaching_class_id=class_id, staff_id__in=staff_ids).delete()
