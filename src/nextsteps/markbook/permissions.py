"""Who may see and record in the markbook, from the access core's class and pupil scopes.

A class's markbook, gap analysis (and its export) and a pupil's profile are seen by the staff
who may see the class or the pupil. Judgements are recorded (CHANGE) by the class's teachers,
its department's head and its teaching assistants, these for the pupils of the groups they
support; next steps are planned by those who teach the class. Assessment points are set and
locked (MANAGE) by whole-school staff for the whole school or a department, and by a head of
department for their own departments. A school's level colours are for any of its members.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from nextsteps import access
from nextsteps.access import Action
from nextsteps.accounts.models import Actor, Role
from nextsteps.markbook.models import AssessmentPoint
from nextsteps.people.models import Pupil
from nextsteps.schools.models import Department, School
from nextsteps.teaching.models import Class

POINT_MANAGERS = (Role.ADMIN, Role.LEADER, Role.HOD)


def staff_school(user: Actor, urn: int) -> School:
    """The school, for its staff (the markbook is for staff), else 404 or refused."""
    school = access.access_school(user, urn)
    access.require_staff(user, school)
    return school


def member_school(user: Actor, urn: int) -> School:
    """The school, for any of its members (the level colours every page of it uses)."""
    school = access.access_school(user, urn)
    access.school_member(user, school)
    return school


def get_class(user: Actor, urn: int, class_id: int) -> tuple[School, Class]:
    """The school and one of its classes whose markbook this person may see, else 404."""
    school = staff_school(user, urn)
    teaching_class = access.access_class(user, school, class_id)
    teaching_class.school = school  # the same row: the access rules ask for it again
    return school, teaching_class


def get_pupil(user: Actor, school: School, pupil_id: int) -> Pupil:
    """A pupil whose profile this person may see, else 404."""
    return access.access_pupil(user, school, pupil_id)


def get_class_pupil(
    user: Actor, teaching_class: Class, pupil_id: int, action: Action = Action.VIEW
) -> Pupil:
    """A pupil in the class (else 404); to CHANGE, one this person records for (else
    refused, with the reason)."""
    return access.access_class_pupil(user, teaching_class, pupil_id, write=action == Action.CHANGE)


def can_record(user: Actor, teaching_class: Class) -> bool:
    """Whether this person records judgements in the class (for some or all of its pupils)."""
    return access.can_record_in(user, teaching_class)


def require_recording(user: Actor, teaching_class: Class) -> None:
    """Refuse (403, with the reason) anyone who does not record in the class."""
    if not can_record(user, teaching_class):
        raise PermissionDenied(_("You cannot record judgements for this class."))


def recordable_pupil_ids(user: Actor, teaching_class: Class) -> set[int] | None:
    """The pupils of the class this person records for; None means every pupil in it."""
    return access.recordable_pupil_ids(user, teaching_class)


def recording_enrolment(user: Actor, school: School, class_id: int, pupil_id: int) -> Any | None:
    """The enrolment (class and pupil) a keystroke records in, when every rule allows it, in
    one query; None otherwise (ask `get_class`, `require_recording` and `get_class_pupil`
    for the reason)."""
    return access.recording_enrolment(user, school, class_id, pupil_id)


def can_record_for(user: Actor, teaching_class: Class, pupil: Pupil) -> bool:
    """Whether this person may record for this pupil of the class."""
    if not can_record(user, teaching_class):
        return False
    recordable = recordable_pupil_ids(user, teaching_class)
    return recordable is None or pupil.pk in recordable


def can_plan(user: Actor, teaching_class: Class) -> bool:
    """Next steps are planned by a teacher of the class or its department's head."""
    return access.teaches(user, teaching_class)


class AssessmentPointPolicy(access.Policy[AssessmentPoint]):
    """Assessment points: seen and managed (set, locked) by whole-school staff, and by a head
    of department for their own departments' points."""

    model = AssessmentPoint
    noun = "assessment point"
    actions = frozenset({Action.VIEW, Action.MANAGE})

    def scope(
        self, user: Actor, school: School, action: Action = Action.VIEW
    ) -> QuerySet[AssessmentPoint]:
        self.check_action(action)
        access.mark_asked()
        points = AssessmentPoint.objects.filter(school=school)
        if access.sees_whole_school(user, school):
            return points
        return points.filter(department__in=self.departments(user, school))

    def school(self, user: Actor, urn: int) -> School:
        """The school, for those who set its assessment points, else 404."""
        return access.access_school(user, urn, roles=POINT_MANAGERS)

    def whole_school(self, user: Actor, school: School) -> bool:
        """Whether this person sets points for the whole school (not only departments)."""
        return access.sees_whole_school(user, school)

    def departments(self, user: Actor, school: School) -> QuerySet[Department]:
        """The departments this person sets points for."""
        departments = Department.objects.filter(school=school)
        if access.sees_whole_school(user, school):
            return departments
        return departments.filter(pk__in=access.hod_department_ids(user, school))


assessment_points = AssessmentPointPolicy()
