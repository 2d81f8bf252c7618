"""Who reads a school's audit log: its data managers and senior leaders (built from the
access core); anyone else is refused as everywhere."""

from __future__ import annotations

from nextsteps import access
from nextsteps.accounts.models import Actor, Role
from nextsteps.schools.models import School

LOG_ROLES = (Role.ADMIN, Role.LEADER)


def log_school(user: Actor, urn: int) -> School:
    """The school whose audit log this person reads, else 403 or 404."""
    return access.access_school(user, urn, roles=LOG_ROLES)
