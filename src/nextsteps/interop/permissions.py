"""Who may bring data in and take it out: a school's administrators (its data managers)."""

from __future__ import annotations

from nextsteps import access
from nextsteps.accounts.models import Actor, Role
from nextsteps.schools.models import School


def data_school(user: Actor, urn: int) -> School:
    """The school with this URN if the user manages its data (an administrator there): 403 to
    someone with another role there, else 404."""
    return access.access_school(user, urn, roles=[Role.ADMIN])
