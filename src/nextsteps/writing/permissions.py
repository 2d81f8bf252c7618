"""Who may see and record the KS2 writing teacher assessment.

Built from the access core: senior leaders and data managers see every Year 6 class of their
school; a teacher sees the Year 6 classes they teach (not a teaching assistant, not a head of
department by subject). Pupils and parents see nothing here. A class of another year group is
not found: the assessment is for the end-of-KS2 judgement only. Whoever sees a class judges
its pupils' writing (`Action.VIEW` and `Action.CHANGE` answer alike).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from nextsteps import access
from nextsteps.access import Action, Policy
from nextsteps.accounts.models import Actor, signed_in_user
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class, ClassStaff
from nextsteps.writing.kernels import rules
from nextsteps.writing.models import Piece, Weakness


class WritingClassPolicy(Policy[Class]):
    """The end-of-KS2 classes a person judges writing in."""

    model = Class
    noun = "Year 6 class"
    actions = frozenset({Action.VIEW, Action.CHANGE})

    def scope(self, user: Actor, school: School, action: Action = Action.VIEW) -> QuerySet[Class]:
        self.check_action(action)
        year_groups = {framework.year_group for framework in rules.shipped_frameworks()}
        scope = (
            access.classes_for(user, school)
            .filter(year_group__in=year_groups)
            .select_related("academic_year")
        )
        if access.sees_whole_school(user, school):
            return scope
        return scope.filter(
            staff_links__staff__user=signed_in_user(user), staff_links__role=ClassStaff.Role.TEACHER
        ).distinct()


writing_classes = WritingClassPolicy()


def classes(user: Actor, school: School) -> QuerySet[Class]:
    """The end-of-KS2 classes this person may judge writing in."""
    return writing_classes.scope(user, school, Action.VIEW)


def leads(user: Actor, school: School) -> bool:
    """Senior leaders and data managers (and trust leaders), who also import the statements."""
    return access.sees_whole_school(user, school)


def member_school(user: Actor, urn: int) -> School:
    """The school, for anyone with a role in it (a class page then asks `get_class`)."""
    return access.access_school(user, urn)


def school_for(user: Actor, urn: int) -> School:
    """The school, for someone who judges writing in it (a leader, or a Year 6 teacher)."""
    school = access.access_school(user, urn)
    if not access.sees_whole_school(user, school) and not classes(user, school).exists():
        raise Http404("No Year 6 classes")
    return school


def school_for_leaders(user: Actor, urn: int) -> School:
    """Importing the statements is for the school's leaders and data managers."""
    return access.access_school(user, urn, roles=access.WHOLE_SCHOOL_ROLES)


def get_class(user: Actor, school: School, class_id: int) -> Class:
    return writing_classes.get(user, school, class_id, Action.VIEW)


def get_pupil(user: Actor, teaching_class: Class, pupil_id: int) -> Pupil:
    """A pupil currently in a class this person may judge in (who may then record for them)."""
    return access.access_class_pupil(user, teaching_class, pupil_id)


def get_piece(pupil: Pupil, piece_id: int) -> Piece:
    """A piece of writing of this pupil (already checked with `get_pupil`), else 404."""
    return access.found(
        Piece.objects.filter(school_id=pupil.school_id, pupil=pupil),
        "piece of writing",
        pk=piece_id,
    )


def get_open_weakness(pupil: Pupil, weakness_id: int) -> Weakness:
    """An open particular weakness of this pupil, else 404."""
    return access.found(
        Weakness.objects.filter(
            school_id=pupil.school_id, pupil=pupil, withdrawn_at=None
        ).select_related("statement"),
        "particular weakness",
        pk=weakness_id,
    )
