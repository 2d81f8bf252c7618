"""The policy's permission policies answer as the pages always did: leaders decide, a head
of department answers for their own department, reviews of the whole school are the
leaders'; a class's teachers plan for it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404
from django.utils import timezone

from nextsteps.access import Action
from nextsteps.policy import permissions, services
from nextsteps.policy.models import Review
from tests.conftest import Cast
from tests.policy.helpers import department


def test_heads_answer_for_their_department_and_leaders_decide(cast: Cast) -> None:
    school = cast.secondary
    hod, leader = cast.user("hod"), cast.user("leader")
    maths, english = department(cast, "Mathematics"), department(cast, "English")
    answers = permissions.answers
    assert answers.can_in(hod, Action.CHANGE, school, maths)
    assert not answers.can_in(hod, Action.CHANGE, school, english)
    assert not answers.can_in(hod, Action.DECIDE, school, maths)
    assert answers.can_in(leader, Action.DECIDE, school, maths)
    assert answers.steps(hod, school, maths) == {
        "comment": True,
        "submit": True,
        "agree": False,
        "changes": False,
    }
    assert answers.steps(leader, school, english) == {
        "comment": True,
        "submit": False,
        "agree": True,
        "changes": True,
    }
    assert {r.department_id for r in answers.scope(hod, school, Action.CHANGE)} <= {maths.pk}
    assert not answers.scope(hod, school, Action.DECIDE).exists()
    with pytest.raises(Http404):
        permissions.get_department(hod, school, english.pk, Action.CHANGE)
    opens = permissions.sections(hod, school)
    assert opens.works and not opens.leads and opens.plans


def test_a_whole_school_review_is_refused_to_a_head_and_anothers_is_not_found(
    cast: Cast,
) -> None:
    school = cast.secondary
    hod = cast.user("hod")
    today = timezone.localdate()
    whole = services.review_schedule(school=school, by=None, due_on=today, focus="All of it")
    english = services.review_schedule(
        school=school,
        by=None,
        due_on=today,
        focus="English",
        department=department(cast, "English"),
    )
    maths = Review.objects.filter(department=department(cast, "Mathematics")).first()
    assert maths is not None
    assert permissions.reviews.get(hod, school, maths.pk) == maths
    with pytest.raises(PermissionDenied):
        permissions.reviews.get(hod, school, whole.pk)
    with pytest.raises(Http404):
        permissions.reviews.get(hod, school, english.pk)
    assert permissions.reviews.get(cast.user("leader"), school, whole.pk) == whole
    with pytest.raises(Http404):
        permissions.reviews.require_manage(hod, school)
    listed = set(permissions.reviews.scope(hod, school, Action.VIEW))
    assert maths in listed and whole not in listed and english not in listed


def test_documents_are_read_by_everyone_and_managed_by_leaders(cast: Cast) -> None:
    school = cast.secondary
    assert not permissions.documents.scope(cast.user("hod"), school, Action.MANAGE).exists()
    with pytest.raises(Http404):
        permissions.documents.get_version(cast.user("hod"), school, 10**6)
    with pytest.raises(PermissionDenied):
        permissions.documents.require_manage(cast.user("hod"), school)


def test_a_classs_teachers_plan_for_it_and_others_read(cast: Cast) -> None:
    units = permissions.units
    assert units.can_plan(cast.user("teacher"), Action.CHANGE, cast.four_oak)
    assert not units.can_plan(cast.user("ta"), Action.CHANGE, cast.four_oak)
    assert units.can_plan(cast.user("ta"), Action.VIEW, cast.four_oak)
    with pytest.raises(Http404):
        units.planning_class(cast.user("ta"), cast.primary, cast.four_oak.pk, Action.CHANGE)
    with pytest.raises(PermissionDenied):
        units.planning_class(cast.user("parent"), cast.primary, cast.four_oak.pk)
    with pytest.raises(ImproperlyConfigured):
        units.scope(cast.user("teacher"), cast.primary, Action.DECIDE)
