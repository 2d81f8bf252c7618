"""The target policy answers one question three ways: the rows in scope, one row by id (404
outside), and may this person act on this row; for every persona they agree."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404

from nextsteps.access import Action
from nextsteps.feedback.models import Target
from nextsteps.feedback.permissions import targets
from tests.conftest import PERSONAS, Cast


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", [Action.VIEW, Action.DECIDE, Action.CHANGE])
def test_scope_get_and_can_agree(cast: Cast, persona: str, action: Action) -> None:
    user = cast.user(persona)
    in_scope = set(targets.scope(user, cast.primary, action).values_list("pk", flat=True))
    for target in Target.objects.filter(school=cast.primary).select_related(
        "teaching_class__school"
    ):
        assert targets.can(user, action, target) == (target.pk in in_scope)
        if target.pk in in_scope:
            assert targets.get(user, cast.primary, target.pk, action) == target
        else:
            with pytest.raises(Http404):
                targets.get(user, cast.primary, target.pk, action)


def test_who_decides(cast: Cast) -> None:
    target = Target.objects.filter(pupil=cast.amara).first()
    assert target is not None
    assert targets.can(cast.user("teacher"), Action.DECIDE, target)
    assert not targets.can(cast.user("ta"), Action.DECIDE, target)
    assert not targets.can(cast.user("pupil"), Action.DECIDE, target)
    assert targets.can(cast.user("pupil"), Action.VIEW, target)


def test_an_action_the_policy_does_not_answer_is_an_error(cast: Cast) -> None:
    with pytest.raises(ImproperlyConfigured):
        targets.scope(cast.user("teacher"), cast.primary, Action.MANAGE)
