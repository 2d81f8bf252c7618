"""Who sees and records statutory check results, built from the access core.

- Senior leaders and data managers (and trust leaders): the whole school; they may record.
- Teachers: their own classes of the check's year groups (Year 1 and 2 for phonics, Year 4
  for the multiplication tables check, Reception for the baseline); teaching assistants the
  pupils of the groups they support.
- Pupils and parents: nothing here (the statutory results are not shown to them in
  nextsteps; schools report them to parents in their own way).

Anything outside a person's scope is not found (404), as everywhere.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from nextsteps import access
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class

CHECK_YEAR_GROUPS = {"phonics": (1, 2), "mtc": (4,), "baseline": (0,)}


def school_for_staff(user: Any, urn: int) -> School:
    """The school, for its staff only: pupils and parents are not found here."""
    school = access.access_school(user, urn)
    access.require_staff(user, school)
    return school


def sees_school(user: Any, school: School) -> bool:
    return access.sees_whole_school(user, school)


def require_school(user: Any, school: School) -> None:
    """The school-wide summary and its threshold entry: leaders and data managers."""
    access.require_whole_school(user, school)


def check_class(user: Any, school: School, check: str, class_id: int) -> Class:
    """A class of the check's year groups that the user may see, else 404."""
    teaching_class = access.access_class(user, school, class_id)
    if teaching_class.year_group not in CHECK_YEAR_GROUPS[check]:
        raise Http404("No such class for this check")
    return teaching_class


def classes_for_check(user: Any, school: School, check: str) -> list[Class]:
    return list(
        access.classes_for(user, school)
        .filter(year_group__in=CHECK_YEAR_GROUPS[check], academic_year__starts_on__isnull=False)
        .select_related("academic_year")
        .order_by("year_group", "name")
    )


def recordable(user: Any, school: School, teaching_class: Class) -> set[int] | None:
    """Pupils the user may record for in the class (None: all); an empty set: none."""
    if access.sees_whole_school(user, school):
        access.mark_asked()
        return None
    if not access.can_record_in(user, teaching_class):
        return set()
    return access.recordable_pupil_ids(user, teaching_class)


def may_record(allowed: set[int] | None, pupil: Pupil) -> bool:
    return allowed is None or pupil.pk in allowed
