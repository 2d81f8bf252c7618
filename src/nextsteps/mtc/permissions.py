"""Who may do what with multiplication tables check practice, from the core access rules.

A pupil practises and sees only their own attempts; their fact map is seen by them, their
parents and the staff who may see the pupil (`access.access_pupil`); a class's fact map by
the staff who may see the class; access arrangements are set by a teacher of the class (for a
pupil in it) or by the pupil themselves.
"""

from __future__ import annotations

from django.db.models import QuerySet

from nextsteps import access
from nextsteps.access import Action
from nextsteps.accounts.models import Actor, Role
from nextsteps.mtc.models import PracticeAttempt
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class

MTC_YEAR_GROUP = 4  # the check is taken in year 4; the staff page lists year 4 classes


def practising_pupil(user: Actor, school: School) -> Pupil:
    """The signed-in pupil of this school (only pupils practise), else 404."""
    access.require_role(user, school, Role.PUPIL)
    return access.own_pupil(user, school)


class PracticeAttemptPolicy(access.Policy[PracticeAttempt]):
    """Practice attempts: a pupil sees (VIEW) and answers (CHANGE) only their own; another
    pupil's attempt is not found."""

    model = PracticeAttempt
    noun = "practice"
    actions = frozenset({Action.VIEW, Action.CHANGE})

    def scope(
        self, user: Actor, school: School, action: Action = Action.VIEW
    ) -> QuerySet[PracticeAttempt]:
        self.check_action(action)
        access.mark_asked()
        return PracticeAttempt.objects.filter(pupil=practising_pupil(user, school))


attempts = PracticeAttemptPolicy()


def own_attempt(
    user: Actor, school: School, attempt_id: int, action: Action = Action.VIEW
) -> PracticeAttempt:
    """One of the signed-in pupil's own attempts, else 404 (another pupil's is not found)."""
    return attempts.get(user, school, attempt_id, action)


def school_for(user: Actor, urn: int) -> School:
    """The school, for any of its members who may reach the practice pages."""
    return access.access_school(user, urn)


def is_staff(user: Actor, school: School) -> bool:
    """Staff see fact maps; pupils practise."""
    return access.is_staff_in(user, school)


def fact_map_classes(user: Actor, school: School) -> list[Class]:
    """The year 4 classes whose fact maps this member of staff may see, by name."""
    classes = access.classes_for(user, school).filter(year_group=MTC_YEAR_GROUP)
    return list(classes.order_by("name"))


def get_pupil(user: Actor, school: School, pupil_id: int) -> Pupil:
    """A pupil whose fact map this person may see (themselves, their child, a pupil they
    teach), else 404."""
    return access.access_pupil(user, school, pupil_id)


def get_class(user: Actor, school: School, class_id: int) -> Class:
    """A class whose fact map this member of staff may see, else 404."""
    access.require_staff(user, school)
    return access.access_class(user, school, class_id)


def can_arrange(user: Actor, teaching_class: Class) -> bool:
    """A teacher of the class (or its department's head) sets its pupils' arrangements."""
    return access.teaches(user, teaching_class)


def arrangeable_pupil(
    user: Actor, school: School, class_id: int, pupil_id: int
) -> tuple[Class, Pupil]:
    """A class this person teaches and a pupil in it, whose practice screen they set."""
    access.require_staff(user, school)
    teaching_class = access.access_class_as_teacher(user, school, class_id)
    return teaching_class, access.access_class_pupil(user, teaching_class, pupil_id)
