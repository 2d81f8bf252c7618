"""The demo's policy work: realistic, in various states, and rebuilt without change."""

from __future__ import annotations

from django.utils import timezone

from nextsteps.demo.builder import build_demo
from nextsteps.policy.models import (
    Decision,
    PolicyDocument,
    Response,
    ResponseComment,
    ResponseVersion,
    Review,
    Unit,
)
from tests.conftest import Cast
from tests.policy.helpers import department


def test_kingsmead_departments_are_part_way_with_maths_agreed(cast: Cast) -> None:
    maths = department(cast, "Mathematics")
    statuses = set(Response.objects.filter(department=maths).values_list("status", flat=True))
    assert statuses == {"agreed"}
    assert Response.objects.filter(department=maths).count() == 9
    others = set(
        Response.objects.filter(school=cast.secondary)
        .exclude(department=maths)
        .values_list("status", flat=True)
    )
    assert others == {"draft", "submitted", "changes_requested", "agreed"}
    assert (
        Response.objects.filter(school=cast.secondary).values("department").distinct().count() == 6
    )
    progress = Response.objects.get(department=maths, question__key="progress")
    assert progress.versions.count() == 2
    assert ResponseComment.objects.filter(response=progress).exclude(body="").exists()


def test_one_published_version_and_a_review_due_soon(cast: Cast) -> None:
    assert PolicyDocument.objects.filter(school=cast.secondary).count() == 1
    today = timezone.localdate()
    soon = Review.objects.filter(
        school=cast.secondary,
        completed_on__isnull=True,
        due_on__gte=today,
        due_on__lte=today + timezone.timedelta(days=14),
    )
    assert soon.exists()
    assert Review.objects.filter(school=cast.secondary, completed_on__isnull=False).exists()
    assert Unit.objects.filter(teaching_class=cast.four_oak).exists()


def test_building_the_demo_again_changes_no_policy_rows(cast: Cast) -> None:
    models = (Response, ResponseVersion, ResponseComment, Decision, PolicyDocument, Review, Unit)
    before = {m.__name__: m.objects.count() for m in models}
    build_demo()
    assert {m.__name__: m.objects.count() for m in models} == before
