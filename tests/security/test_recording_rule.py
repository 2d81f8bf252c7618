"""The markbook's keystroke asks one query whether this person may record for this pupil in
this class (`access.recording_enrolment`). For every persona, class and pupil it must say
what the separate rules say together: the class is visible (`classes_for`), the person
records in it (`can_record_in`) and the pupil is one they record for (`access_class_pupil`
with write)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from nextsteps import access
from nextsteps.accounts.models import Actor, Membership, Role
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import Class, ClassStaff
from tests.conftest import PERSONAS, Cast


def separate_rules(user: Actor, teaching_class: Class, pupil: Pupil) -> bool:
    school = teaching_class.school
    if not access.classes_for(user, school).filter(pk=teaching_class.pk).exists():
        return False
    if not access.can_record_in(user, teaching_class):
        return False
    try:
        access.access_class_pupil(user, teaching_class, pupil.pk, write=True)
    except (Http404, PermissionDenied):
        return False
    return True


def assert_one_query_agrees(cast: Cast, user: Actor) -> None:
    pupils = list(Pupil.objects.filter(school=cast.primary))
    for teaching_class in Class.objects.filter(school=cast.primary).select_related("school"):
        for pupil in pupils:
            one = access.recording_enrolment(user, cast.primary, teaching_class.pk, pupil.pk)
            expected = separate_rules(user, teaching_class, pupil)
            assert (one is not None) == expected, (user, teaching_class.name, pupil.pk)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_one_query_says_what_the_separate_rules_say(cast: Cast, persona: str) -> None:
    assert_one_query_agrees(cast, cast.user(persona))


def test_a_class_link_without_a_teaching_role_does_not_let_anyone_record(cast: Cast) -> None:
    """Staff listed on a class but holding no teaching role in the school see no class, so
    they record for no one, whatever the class's staff list says."""
    user = cast.user("teacher")
    Membership.objects.filter(user=user, school=cast.primary).update(role=Role.GUARDIAN)
    assert ClassStaff.objects.filter(staff__user=user).exists()
    user = type(user).objects.get(pk=user.pk)  # memberships read afresh
    assert_one_query_agrees(cast, user)
    four_oak = cast.four_oak
    pupil = Pupil.objects.filter(enrolments__teaching_class=four_oak).first()
    assert pupil is not None
    assert access.recording_enrolment(user, cast.primary, four_oak.pk, pupil.pk) is None
