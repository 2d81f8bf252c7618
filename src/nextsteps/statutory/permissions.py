"""Who sees and records statutory check results, built from the access core.

- Senior leaders and data managers (and trust leaders): the whole school; they may record.
- Teachers: their own classes of the check's year groups (Year 1 and 2 for phonics, Year 4
  for the multiplication tables check, Reception for the baseline); teaching assistants the
  pupils of the groups they support.
- Pupils and parents: nothing here (the statutory results are not shown to them in
  nextsteps; schools report them to parents in their own way).

One policy per check answers for its classes: `Action.VIEW` (see the class's results) and
`Action.CHANGE` (record them); `recording` says for which of a class's pupils. Anything
outside a person's scope is not found (404), as everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from nextsteps import access
from nextsteps.access import Action, Policy
from nextsteps.accounts.models import Actor
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class

CHECK_YEAR_GROUPS = {"phonics": (1, 2), "mtc": (4,), "baseline": (0,)}


def school_for_staff(user: Actor, urn: int) -> School:
    """The school, for its staff only: pupils and parents are not found here."""
    school = access.access_school(user, urn)
    access.require_staff(user, school)
    return school


def sees_school(user: Actor, school: School) -> bool:
    """Whether the user sees the school's summary (leaders and data managers)."""
    return access.sees_whole_school(user, school)


def require_school(user: Actor, school: School) -> None:
    """The school-wide summary and its threshold entry: leaders and data managers."""
    access.require_whole_school(user, school)


@dataclass(frozen=True)
class Recording:
    """For which of a class's pupils a person records results: `pupils` None for every one,
    else those ids (a teaching assistant's groups; empty for someone who only looks)."""

    pupils: set[int] | None

    def may_record(self, pupil: Pupil) -> bool:
        return self.pupils is None or pupil.pk in self.pupils

    @property
    def any(self) -> bool:
        """Records for at least one pupil of the class."""
        return self.pupils is None or bool(self.pupils)

    @property
    def whole_class(self) -> bool:
        """Records for every pupil: a teacher of the class or a leader (who also keeps the
        class's shared notes, such as the phonics word list)."""
        return self.pupils is None


class CheckClassPolicy(Policy[Class]):
    """The classes of one check's year groups: VIEW those the person may see, CHANGE those
    they record results in."""

    noun = "class"
    actions = frozenset({Action.VIEW, Action.CHANGE})

    def __init__(self, check: str) -> None:
        self.model = Class
        self.check = check
        self.year_groups = CHECK_YEAR_GROUPS[check]

    def scope(self, user: Actor, school: School, action: Action) -> QuerySet[Class]:
        """The classes of the check's year groups in a dated academic year, in order."""
        self.check_action(action)
        classes = (
            access.classes_for(user, school)
            .filter(year_group__in=self.year_groups, academic_year__starts_on__isnull=False)
            .select_related("academic_year")
            .order_by("year_group", "name")
        )
        if action == Action.CHANGE and not access.sees_whole_school(user, school):
            return classes.filter(pk__in=[c.pk for c in classes if access.can_record_in(user, c)])
        return classes

    def get(self, user: Actor, school: School, pk: int, action: Action = Action.VIEW) -> Class:
        """A class of the check's year groups that the user may see, else 404 (with CHANGE,
        one they record in)."""
        self.check_action(action)
        teaching_class = access.access_class(user, school, pk)
        if teaching_class.year_group not in self.year_groups:
            raise Http404("No such class for this check")
        if action == Action.CHANGE and not self.can(user, action, teaching_class):
            raise Http404("No such class")
        return teaching_class

    def can(self, user: Actor, action: Action, obj: Class) -> bool:
        self.check_action(action)
        access.mark_asked()
        if action == Action.CHANGE:
            return self.recording(user, obj.school, obj).any
        return access.classes_for(user, obj.school).filter(pk=obj.pk).exists()

    def recording(self, user: Actor, school: School, teaching_class: Class) -> Recording:
        """For which of the class's pupils the user records results."""
        if access.sees_whole_school(user, school):
            access.mark_asked()
            return Recording(None)
        if not access.can_record_in(user, teaching_class):
            return Recording(set())
        return Recording(access.recordable_pupil_ids(user, teaching_class))

    def pupil(
        self, user: Actor, teaching_class: Class, pupil_id: int, action: Action = Action.VIEW
    ) -> Pupil:
        """A pupil currently in the class (with CHANGE, one the user records for: refused
        with the reason to a teaching assistant outside their groups), else 404."""
        self.check_action(action)
        return access.access_class_pupil(
            user, teaching_class, pupil_id, write=action == Action.CHANGE
        )


check_classes = {check: CheckClassPolicy(check) for check in CHECK_YEAR_GROUPS}
