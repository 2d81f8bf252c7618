"""Who sees a class and what they may do in it, built on the access core's class scope.

- A class's page: the school's staff whose scope holds the class (`access.classes_for`);
  pupils and parents are refused, anyone else is told it is not found.
- Sign-in cards: a teacher of the class or its department's head (`access.teaches`).
- Recording in the class: its teachers, its department's head and teaching assistants for
  their groups (`access.can_record_in`).
"""

from __future__ import annotations

from nextsteps import access
from nextsteps.accounts.models import Actor
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class


def staff_school(user: Actor, urn: int) -> School:
    """The school, for its staff: pupils and parents are refused."""
    school = access.access_school(user, urn)
    access.require_staff(user, school)
    return school


def class_for_staff(user: Actor, urn: int, class_id: int) -> tuple[School, Class]:
    """The school and a class of it this member of staff may see, else 403 or 404."""
    school = staff_school(user, urn)
    return school, access.access_class(user, school, class_id)


def class_for_teacher(user: Actor, urn: int, class_id: int) -> tuple[School, Class]:
    """The school and a class of it this person teaches (for its sign-in cards), else 404."""
    school = staff_school(user, urn)
    return school, access.access_class_as_teacher(user, school, class_id)


def may_issue_cards(user: Actor, teaching_class: Class) -> bool:
    return access.teaches(user, teaching_class)


def may_record(user: Actor, teaching_class: Class) -> bool:
    return access.can_record_in(user, teaching_class)
