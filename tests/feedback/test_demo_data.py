"""The demo's goals, feedback and targets: what the journeys need, built idempotently."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from nextsteps.feedback import demo
from nextsteps.feedback.models import (
    ClassFeedback,
    CurrentIntention,
    Feedback,
    LearningConversation,
    MarkingCode,
    Notification,
    ParentReply,
    Target,
    Version,
    Work,
)
from tests.conftest import Cast

MODELS = (
    CurrentIntention,
    Work,
    Version,
    Feedback,
    Target,
    LearningConversation,
    ClassFeedback,
    Notification,
    MarkingCode,
    ParentReply,
)


def test_demo_has_what_the_journeys_need(cast: Cast, story: Work) -> None:
    intentions = CurrentIntention.objects.filter(teaching_class=cast.four_oak, ends_on__isnull=True)
    assert intentions.filter(group=None, objective__code="Y4-MD-05").exists()
    assert intentions.filter(group__name="Squares").exists()
    feedback = Feedback.objects.get(submission__work=story, pupil=cast.amara)
    assert {use.code.symbol for use in feedback.codes.all()} >= {"Sp", "//"}
    assert feedback.next_step and feedback.acknowledged_at is None
    revision = Version.objects.get(submission__work=story, submission__pupil=cast.amara, number=2)
    assert revision.kind == "revision" and revision.responds_to == feedback
    claimed = Target.objects.get(pupil=cast.amara, status="claimed")
    assert claimed.updated_at.date() == timezone.localdate() - dt.timedelta(days=1)
    assert LearningConversation.objects.filter(
        teaching_class=cast.four_oak, recorded_at__isnull=False
    ).exists()
    assert ClassFeedback.objects.filter(teaching_class=cast.four_oak).exists()
    assert Notification.objects.filter(
        recipient__username="teacher", kind="target_claimed"
    ).exists()
    assert Notification.objects.filter(recipient__username="pupil", kind="feedback").exists()
    assert MarkingCode.objects.filter(school=cast.secondary, symbol="//").exists()


def test_building_the_demo_again_changes_nothing(cast: Cast) -> None:
    before = {model.__name__: model.objects.count() for model in MODELS}
    demo.build_demo_data(primary=cast.primary, secondary=cast.secondary, today=timezone.localdate())
    assert {model.__name__: model.objects.count() for model in MODELS} == before


def test_demo_parent_has_answered_and_the_teacher_is_told(cast: Cast) -> None:
    """Mr Hughes replied to the story's feedback, wrote what they did at home about a maths
    next step and tried a tip; Ms Okafor has each in her notifications, unread."""
    kinds = sorted(ParentReply.objects.filter(pupil=cast.amara).values_list("kind", flat=True))
    assert kinds == ["at_home", "reply", "tip_tried"]
    notes = Notification.objects.filter(
        recipient__username="teacher", kind=Notification.Kind.PARENT_REPLY, read_at__isnull=True
    )
    assert notes.count() == 3
    assert cast.user("parent").email  # so the daily e-mail can be chosen in the demo
