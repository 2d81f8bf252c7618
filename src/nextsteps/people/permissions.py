"""Who sees a pupil and how much of them, built on the access core's pupil scope.

- A pupil's page (`pupils`, `Action.VIEW`): anyone whose scope holds the pupil
  (`access.pupils_for`: whole-school staff, their teachers and teaching assistants, the pupil,
  their parents); anyone else is told the pupil is not found.
- Their parents and attendance: staff only (`access.audience`), not the pupil or a parent.
"""

from __future__ import annotations

from django.db.models import QuerySet

from nextsteps import access
from nextsteps.access import Action, Policy
from nextsteps.accounts.models import Actor
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School


class PupilPolicy(Policy[Pupil]):
    """Pupils: VIEW for whoever the access core's pupil scope gives them to."""

    model = Pupil
    noun = "pupil"

    def scope(self, user: Actor, school: School, action: Action) -> QuerySet[Pupil]:
        self.check_action(action)
        return access.pupils_for(user, school)


pupils = PupilPolicy()


def sees_family(user: Actor, school: School) -> bool:
    """Whether this person sees a pupil's parents and attendance: the school's staff."""
    return access.audience(user, school) is access.Audience.STAFF
