"""Who sees and who changes a school's curriculum frameworks, built from the access core.

- See a framework (its pages, export and the API): the school's staff, and leaders of its
  trust. Pupils and parents are refused; anyone else is told it is not found.
- Change one (import a new framework or a new version): the school's data managers, senior
  leaders and heads of department.
"""

from __future__ import annotations

from django.db.models import QuerySet

from nextsteps import access
from nextsteps.access import Action, Policy
from nextsteps.accounts.models import Actor, Role
from nextsteps.curriculum.models import Framework
from nextsteps.schools.models import School

EDITORS = (Role.ADMIN, Role.LEADER, Role.HOD)


class FrameworkPolicy(Policy[Framework]):
    model = Framework
    noun = "framework"
    actions = frozenset({Action.VIEW, Action.CHANGE})

    def scope(self, user: Actor, school: School, action: Action) -> QuerySet[Framework]:
        self.check_action(action)
        access.mark_asked()
        rows = Framework.objects.filter(school=school).select_related(
            "subject", "scale", "self_scale", "school"
        )
        allowed = (
            access.is_staff_in(user, school) if action is Action.VIEW else editor(user, school)
        )
        return rows if allowed else rows.none()


frameworks = FrameworkPolicy()


def editor(user: Actor, school: School) -> bool:
    """Holds an editor's role in the school itself (the import page also opens to a leader of
    the school's trust, through `editor_school`; the framework list offers it to editors)."""
    return bool(access.roles_in(user, school) & set(EDITORS))


def staff_school(user: Actor, urn: int) -> School:
    """The school, for its staff: pupils and parents are refused."""
    school = access.access_school(user, urn)
    access.require_staff(user, school)
    return school


def editor_school(user: Actor, urn: int) -> School:
    """The school, for someone who may import frameworks into it, else 403 or 404."""
    return access.access_school(user, urn, roles=EDITORS)


def may_import(user: Actor, school: School) -> bool:
    """Whether the framework list offers this person the import page."""
    access.mark_asked()
    return editor(user, school)
