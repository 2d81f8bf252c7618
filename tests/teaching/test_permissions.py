"""The class policy answers one question three ways: the classes in scope, one class by id
(404 outside), and may this person act on this class; for every persona they agree, and they
agree with the access core's rules they are built on."""

from __future__ import annotations

import pytest
from django.http import Http404

from nextsteps import access
from nextsteps.access import Action
from nextsteps.teaching.models import Class
from nextsteps.teaching.permissions import classes
from tests.conftest import PERSONAS, Cast


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", [Action.VIEW, Action.CHANGE, Action.MANAGE])
def test_scope_get_and_can_agree(cast: Cast, persona: str, action: Action) -> None:
    user = cast.user(persona)
    in_scope = set(classes.scope(user, cast.primary, action).values_list("pk", flat=True))
    for teaching_class in Class.objects.filter(school=cast.primary).select_related("school"):
        assert classes.can(user, action, teaching_class) == (teaching_class.pk in in_scope)
        if teaching_class.pk in in_scope:
            assert classes.get(user, cast.primary, teaching_class.pk, action) == teaching_class
        else:
            with pytest.raises(Http404, match="No such class"):
                classes.get(user, cast.primary, teaching_class.pk, action)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_policy_keeps_the_cores_rules(cast: Cast, persona: str) -> None:
    user = cast.user(persona)
    for teaching_class in access.classes_for(user, cast.primary).select_related("school"):
        assert classes.can(user, Action.CHANGE, teaching_class) == access.can_record_in(
            user, teaching_class
        )
        assert classes.can(user, Action.MANAGE, teaching_class) == access.teaches(
            user, teaching_class
        )


def test_who_records_and_who_issues_cards(cast: Cast) -> None:
    four_oak = Class.objects.select_related("school").get(pk=cast.four_oak.pk)
    assert classes.can(cast.user("teacher"), Action.MANAGE, four_oak)
    assert classes.can(cast.user("teacher"), Action.CHANGE, four_oak)
    assert not classes.can(cast.user("otherteacher"), Action.VIEW, four_oak)
    with pytest.raises(Http404, match="No such class"):
        classes.get(cast.user("otherteacher"), cast.primary, four_oak.pk)
