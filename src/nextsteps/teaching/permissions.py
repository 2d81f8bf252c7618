"""Who sees a class and what they may do in it, built on the access core's class scope.

- A class's page (`Action.VIEW`): the school's staff whose scope holds the class
  (`access.classes_for`); pupils and parents are refused, anyone else is told it is not found.
- Recording in the class (`Action.CHANGE`): its teachers, its department's head and teaching
  assistants for their groups (`access.can_record_in`).
- Sign-in cards for its pupils (`Action.MANAGE`): a teacher of the class or its department's
  head (`access.teaches`).
"""

from __future__ import annotations

from django.db.models import QuerySet

from nextsteps import access
from nextsteps.access import Action, Policy
from nextsteps.accounts.models import Actor
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class


def staff_school(user: Actor, urn: int) -> School:
    """The school, for its staff: pupils and parents are refused."""
    school = access.access_school(user, urn)
    access.require_staff(user, school)
    return school


class ClassPolicy(Policy[Class]):
    """Classes: VIEW for staff who see them, CHANGE (record in) for their teachers, their
    department's head and the teaching assistants of their groups, MANAGE (issue pupils'
    sign-in cards) for their teachers and their department's head."""

    model = Class
    noun = "class"
    actions = frozenset({Action.VIEW, Action.CHANGE, Action.MANAGE})

    def scope(self, user: Actor, school: School, action: Action) -> QuerySet[Class]:
        self.check_action(action)
        classes = access.classes_for(user, school)
        if action is Action.CHANGE:
            return classes.filter(access.recording_rule(user, school)).distinct()
        if action is Action.MANAGE:
            return classes.filter(access.teaching_rule(user, school)).distinct()
        return classes

    def get(self, user: Actor, school: School, pk: int, action: Action = Action.VIEW) -> Class:
        """A class the person sees, else 404; to CHANGE or MANAGE, one they may act on so
        (else 404 too). Asked as the core asks it: the class, then the rule on its row."""
        self.check_action(action)
        if action is Action.MANAGE:
            return access.access_class_as_teacher(user, school, pk)
        return access.access_class(user, school, pk, write=action is Action.CHANGE)

    def can(self, user: Actor, action: Action, obj: Class) -> bool:
        self.check_action(action)
        access.mark_asked()
        if action is Action.CHANGE:
            return access.can_record_in(user, obj)
        if action is Action.MANAGE:
            return access.teaches(user, obj)
        return super().can(user, action, obj)


classes = ClassPolicy()
