"""The pupil policy: a pupil is found by whoever the access core's pupil scope gives them to,
and not found by anyone else (another school's teacher, another family)."""

from __future__ import annotations

import pytest
from django.http import Http404

from nextsteps import access
from nextsteps.access import Action
from nextsteps.people.models import Pupil
from nextsteps.people.permissions import pupils
from tests.conftest import PERSONAS, Cast


@pytest.mark.parametrize("persona", PERSONAS)
def test_scope_get_and_can_agree_with_the_cores_pupil_scope(cast: Cast, persona: str) -> None:
    user = cast.user(persona)
    in_scope = set(pupils.scope(user, cast.primary, Action.VIEW).values_list("pk", flat=True))
    assert in_scope == set(access.pupils_for(user, cast.primary).values_list("pk", flat=True))
    for pupil in Pupil.objects.filter(school=cast.primary)[:40]:
        assert pupils.can(user, Action.VIEW, pupil) == (pupil.pk in in_scope)
        if pupil.pk in in_scope:
            assert pupils.get(user, cast.primary, pupil.pk) == pupil
        else:
            with pytest.raises(Http404, match="No such pupil"):
                pupils.get(user, cast.primary, pupil.pk)


def test_a_pupil_of_another_school_is_not_found(cast: Cast) -> None:
    other_pupil = Pupil.objects.get(school=cast.other)
    with pytest.raises(Http404, match="No such pupil"):
        pupils.get(cast.user("teacher"), cast.primary, other_pupil.pk)
    assert pupils.get(cast.user("pupil"), cast.primary, cast.amara.pk) == cast.amara
