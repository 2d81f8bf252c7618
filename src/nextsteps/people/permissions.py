"""Who sees a pupil and how much of them, built on the access core's pupil scope.

- A pupil's page: anyone whose scope holds the pupil (`access.pupils_for`: whole-school staff,
  their teachers and teaching assistants, the pupil, their parents); anyone else is told the
  pupil is not found.
- Their parents and attendance: staff only (`access.audience`), not the pupil or a parent.
"""

from __future__ import annotations

from nextsteps import access
from nextsteps.accounts.models import Actor
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School


def pupil(user: Actor, urn: int, pupil_id: int) -> tuple[School, Pupil]:
    """The school and a pupil of it this person may see, else 404."""
    school = access.access_school(user, urn)
    return school, access.access_pupil(user, school, pupil_id)


def sees_family(user: Actor, school: School) -> bool:
    """Whether this person sees a pupil's parents and attendance: the school's staff."""
    return access.audience(user, school) is access.Audience.STAFF
