"""Who may open the web shell's own pages (the home pages ask the access core by role)."""

from __future__ import annotations

from nextsteps import access
from nextsteps.accounts.models import STAFF_ROLES, Actor, Role
from nextsteps.schools.models import School


def getting_started_school(user: Actor, urn: int) -> School:
    """The getting-started guide is for a school's admins and senior leaders."""
    return access.access_school(user, urn, roles=[Role.ADMIN, Role.LEADER])


def is_school_admin(user: Actor, school: School) -> bool:
    """An admin of the school (the guide offers them the steps only an admin takes)."""
    access.mark_asked()
    return Role.ADMIN in access.roles_in(user, school)


def style_guide_school(user: Actor, urn: int) -> School:
    """The style page is for the school's staff."""
    school = access.access_school(user, urn)
    access.require_staff(user, school)
    return school


def menu_for(roles: set[str]) -> dict[str, bool]:
    """What the layout's menu offers a person with these roles at the school: the staff's
    pages, the audit log (admins and senior leaders), the admin site (admins), and a pupil's
    own menu, worded for a child and holding only what they use."""
    return {
        "nav_is_staff": bool(roles & STAFF_ROLES),
        "nav_sees_audit": bool(roles & {Role.ADMIN, Role.LEADER}),
        "nav_is_admin": Role.ADMIN in roles,
        "pupil_view": roles == {Role.PUPIL},
    }
