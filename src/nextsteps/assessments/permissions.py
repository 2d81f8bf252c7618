"""Who may see, mark and set tests, from the access core's class and pupil scopes.

A test is seen by whole-school staff and by the staff who may see a class sitting it (pupils
and parents see their own results on the pupil's pages instead). Marks are entered (CHANGE)
by whoever may record in a class sitting it: its teachers, its department's head and the
teaching assistants of its groups, for their pupils. A test is changed (MANAGE) by a teacher
of a class sitting it, its head of department, or whole-school staff. Score tables are
edited by the school's administrators, leaders and heads of department; a department's
thresholds by its head (the whole school's by whole-school staff); challenges are set by
teachers, heads of department and leaders.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from nextsteps import access
from nextsteps.access import Action
from nextsteps.accounts.models import Actor, Role
from nextsteps.assessments import selectors
from nextsteps.assessments.models import Assessment
from nextsteps.people.models import Pupil
from nextsteps.schools.models import Department, School
from nextsteps.teaching.models import Class

TABLE_EDITORS = frozenset({Role.ADMIN, Role.LEADER, Role.HOD})
CHALLENGE_SETTERS = frozenset({Role.TEACHER, Role.HOD, Role.LEADER, Role.ADMIN})


def staff_school(user: Actor, urn: int) -> School:
    """The school, for its staff (the tests' pages are for staff), else 404 or refused."""
    school = access.access_school(user, urn)
    access.require_staff(user, school)
    return school


def school_for(user: Actor, urn: int) -> School:
    """The school, for any of its members (a pupil's own progress page is theirs too)."""
    return access.access_school(user, urn)


def is_staff(user: Actor, school: School) -> bool:
    return access.is_staff_in(user, school)


def get_class(user: Actor, school: School, class_id: int) -> Class:
    """A class this person may see, else 404."""
    return access.access_class(user, school, class_id)


def get_pupil(user: Actor, school: School, pupil_id: int) -> Pupil:
    """A pupil whose progress this person may see (themselves, their child, a pupil they
    teach), else 404."""
    return access.access_pupil(user, school, pupil_id)


class AssessmentPolicy(access.Policy[Assessment]):
    """Tests: VIEW (see it and its results), CHANGE (enter marks), MANAGE (change the test)."""

    model = Assessment
    noun = "test"
    actions = frozenset({Action.VIEW, Action.CHANGE, Action.MANAGE})

    def scope(
        self, user: Actor, school: School, action: Action = Action.VIEW
    ) -> QuerySet[Assessment]:
        self.check_action(action)
        access.mark_asked()
        tests = Assessment.objects.filter(school=school)
        whole_school = access.sees_whole_school(user, school)
        if not whole_school:
            if not access.is_staff_in(user, school):
                return tests.none()
            visible = access.classes_for(user, school).values("pk")
            tests = tests.filter(class_links__teaching_class__in=visible).distinct()
        if action == Action.CHANGE:
            classes = Class.objects.filter(access.recording_rule(user, school)).values("pk")
            return tests.filter(
                pk__in=Assessment.objects.filter(class_links__teaching_class__in=classes).values(
                    "pk"
                )
            )
        if action == Action.MANAGE and not whole_school:
            classes = Class.objects.filter(access.teaching_rule(user, school)).values("pk")
            return tests.filter(
                pk__in=Assessment.objects.filter(class_links__teaching_class__in=classes).values(
                    "pk"
                )
            )
        return tests

    def get(self, user: Actor, school: School, pk: int, action: Action = Action.VIEW) -> Assessment:
        """A test the person may see, else 404; and, for CHANGE or MANAGE, one they may act
        on, else 404 as well (so a test one may not mark is not told apart from none)."""
        self.check_action(action)
        assessment = access.found(self.scope(user, school, Action.VIEW), self.noun, pk=pk)
        if action != Action.VIEW and not self.can(user, action, assessment):
            raise Http404(f"No such {self.noun}")
        return assessment

    def can(self, user: Actor, action: Action, obj: Assessment) -> bool:
        """May this person act on a test they may see (VIEW is answered by `get`/`scope`)."""
        self.check_action(action)
        access.mark_asked()
        if action == Action.CHANGE:
            return bool(recordable_classes(user, obj))
        if action == Action.MANAGE:
            if access.sees_whole_school(user, obj.school):
                return True
            classes = Class.objects.filter(
                pk__in=obj.class_links.values("teaching_class_id")
            ).select_related("school")
            return any(access.teaches(user, teaching_class) for teaching_class in classes)
        return self.scope(user, obj.school, action).filter(pk=obj.pk).exists()


assessments = AssessmentPolicy()


def recordable_classes(user: Actor, assessment: Assessment) -> list[Class]:
    """The classes sitting a test whose marks this person may enter (the rule of
    `access.can_record_in`, for every class of the test in one query)."""
    access.mark_asked()
    return list(
        Class.objects.filter(
            access.recording_rule(user, assessment.school),
            pk__in=assessment.class_links.values("teaching_class_id"),
        )
        .select_related("school")
        .distinct()
        .order_by("year_group", "name")
    )


def visible_class_ids(user: Actor, school: School) -> set[int]:
    """The classes of the school this person may see, by id."""
    return set(access.classes_for(user, school).values_list("pk", flat=True))


def classes_in_order(user: Actor, school: School) -> list[Class]:
    """The classes this person may see, by year group and name."""
    return list(access.classes_for(user, school).order_by("year_group", "name"))


def classes_to_test(user: Actor, school: School) -> list[Class]:
    """Classes this person may set a test for: the ones they teach (or every class, for
    whole-school staff)."""
    classes = access.classes_for(user, school).order_by("year_group", "name")
    if access.sees_whole_school(user, school):
        return list(classes)
    return [c for c in classes if access.teaches(user, c)]


def recordable_cohort(user: Actor, assessment: Assessment) -> list[Pupil]:
    """The pupils sitting the test whose marks this person may enter (each carrying its
    `teaching_class`)."""
    classes = recordable_classes(user, assessment)
    pupils = selectors.cohort(assessment, classes)
    whole: set[int] = set()
    some: set[int] = set()
    for teaching_class in classes:
        allowed = access.recordable_pupil_ids(user, teaching_class)
        if allowed is None:
            whole.add(teaching_class.pk)
        else:
            some |= allowed
    return [p for p in pupils if p.teaching_class.pk in whole or p.pk in some]  # type: ignore[attr-defined]


def editable_pupil_ids(user: Actor, teaching_class: Class) -> set[int] | None:
    """Pupils of a class whose marks this person may type in (None: all of them)."""
    if not access.can_record_in(user, teaching_class):
        return set()
    return access.recordable_pupil_ids(user, teaching_class)


def recordable_pupil_ids(user: Actor, teaching_class: Class) -> set[int] | None:
    """Pupils of a class this person may record for (None: all of them)."""
    return access.recordable_pupil_ids(user, teaching_class)


def may_record_in(user: Actor, teaching_class: Class) -> bool:
    return access.can_record_in(user, teaching_class)


def edits_tables(user: Actor, school: School) -> bool:
    """Score tables are loaded and banded by administrators, leaders and heads of department
    (and by whole-school staff such as a trust's leaders)."""
    return bool(access.roles_in(user, school) & TABLE_EDITORS) or access.sees_whole_school(
        user, school
    )


def threshold_scopes(
    user: Actor, school: School, departments: list[Department]
) -> list[tuple[str, str, bool]]:
    """(key, label, may edit) for the whole school and each of the school's departments."""
    whole = access.sees_whole_school(user, school)
    own = access.hod_department_ids(user, school)
    scopes = [("school", _("Whole school"), whole)]
    for department in departments:
        scopes.append((str(department.pk), department.name, whole or department.pk in own))
    return scopes


def sets_challenges(user: Actor, school: School) -> bool:
    return bool(access.roles_in(user, school) & CHALLENGE_SETTERS)
