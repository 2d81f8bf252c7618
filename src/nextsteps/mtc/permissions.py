"""Who may do what with multiplication tables check practice, from the core access rules.

A pupil practises and sees only their own attempts; their fact map is seen by them, their
parents and the staff who may see the pupil (`access.access_pupil`); a class's fact map by
the staff who may see the class; access arrangements are set by a teacher of the class (for a
pupil in it) or by the pupil themselves.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from nextsteps import access
from nextsteps.accounts.models import Role
from nextsteps.mtc.models import PracticeAttempt
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School


def practising_pupil(user: Any, school: School) -> Pupil:
    """The signed-in pupil of this school (only pupils practise), else 404."""
    access.require_role(user, school, Role.PUPIL)
    return access.own_pupil(user, school)


def own_attempt(user: Any, school: School, attempt_id: int) -> PracticeAttempt:
    """One of the signed-in pupil's own attempts, else 404 (another pupil's is not found)."""
    pupil = practising_pupil(user, school)
    attempt = PracticeAttempt.objects.filter(pupil=pupil, pk=attempt_id).first()
    if attempt is None:
        raise Http404("No such practice")
    return attempt
