"""Who may open the security and data-protection pages, built from the access core.

- The security settings (the second-factor rule, how long leavers' data is kept, who is due
  for erasure): the school's data managers and senior leaders.
- A pupil's subject access export: the school's data managers, for a pupil they may see.
- Setting up an authenticator app: anyone who works in a school (staff in any of them).

Anyone else is refused as everywhere: plainly (403) within their own school, else not found.
"""

from __future__ import annotations

from nextsteps import access
from nextsteps.accounts.models import STAFF_ROLES, Actor, Role
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School

SETTINGS_ROLES = (Role.ADMIN, Role.LEADER)
EXPORT_ROLES = (Role.ADMIN,)


def settings_school(user: Actor, urn: int) -> School:
    """The school whose security settings this person keeps, else 403 or 404."""
    return access.access_school(user, urn, roles=SETTINGS_ROLES)


def export_pupil(user: Actor, urn: int, pupil_id: int) -> tuple[School, Pupil]:
    """The school and a pupil of it whose subject access export this person may make."""
    school = access.access_school(user, urn, roles=EXPORT_ROLES)
    return school, access.access_pupil(user, school, pupil_id)


def may_set_up_second_factor(user: Actor) -> bool:
    """Staff (of any school) add an authenticator app; pupils and parents have none."""
    access.mark_asked()
    return any(m.role in STAFF_ROLES for m in access.memberships(user))
