"""Reads of pupils shaped for importers: each pupil's fields as plain data, loaded in bulk."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nextsteps.people.identity import FIELD_ORDER
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School

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
