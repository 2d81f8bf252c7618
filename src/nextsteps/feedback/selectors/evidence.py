"""Reads for targets, a teacher's day, learning conversations, questions, reviews and
notifications."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from nextsteps.accounts.models import Actor, signed_in_user
from nextsteps.feedback.kernels import loop
from nextsteps.feedback.models import (
    ClassFeedback,
    ClassFeedbackPoint,
    ConversationNote,
    CurrentIntention,
    Feedback,
    LearningConversation,
    Notification,
    PupilQuestion,
    Review,
    Submission,
    Target,
    TargetEvent,
)
from nextsteps.feedback.selectors.goals import current_intentions
from nextsteps.ops.prepared import Prepared
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import Class, ClassStaff

# ---------------------------------------------------------------------------- targets


def pupil_targets(pupil: Pupil, *, shared_only: bool = False) -> list[Target]:
    targets = Target.objects.filter(pupil=pupil)
    if shared_only:
        targets = targets.filter(shared_with_guardians=True)
    return list(targets.select_related("objective").order_by("status", "due_on", "set_at"))


@dataclass
class ClassTargets:
    claimed: list[Target]
    due: list[Target]
    open: list[Target]
    achieved: list[Target]


def class_targets(teaching_class: Class, *, due_within_days: int = 14) -> ClassTargets:
    """The class's targets: claimed ones first, then those due soon (two queries)."""
    today = timezone.localdate()
    targets = list(
        Target.objects.filter(teaching_class=teaching_class)
        .select_related("pupil", "objective")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=TargetEvent.objects.filter(kind=TargetEvent.Kind.CLAIMED).order_by("at"),
                to_attr="claims",
            )
        )
        .order_by("due_on", "pupil__legal_surname", "pk")
    )
    soon = today + dt.timedelta(days=due_within_days)
    result = ClassTargets(claimed=[], due=[], open=[], achieved=[])
    for target in targets:
        if target.status == Target.Status.CLAIMED:
            result.claimed.append(target)
        elif target.status == Target.Status.ACHIEVED:
            result.achieved.append(target)
        elif target.due_on and target.due_on <= soon:
            result.due.append(target)
        else:
            result.open.append(target)
    return result


def target_history(target: Target) -> list[TargetEvent]:
    return list(target.events.select_related("by").order_by("at", "pk"))


# ---------------------------------------------------------------------------- a teacher's day


@dataclass
class TeacherDay:
    claimed_targets: list[Target]
    awaiting_acknowledgement: list[Feedback]
    to_mark: int
    intentions: list[CurrentIntention]
    classes: list[Class]


def taught_class_ids(user: Actor, school_id: int) -> list[int]:
    staff = getattr(user, "staff", None)
    if staff is None:
        return []
    return list(
        ClassStaff.objects.filter(
            staff=staff, teaching_class__school_id=school_id, role=ClassStaff.Role.TEACHER
        ).values_list("teaching_class_id", flat=True)
    )


def teacher_day(user: Actor, school_id: int) -> TeacherDay:
    """What is waiting for a teacher this morning: claimed targets, purple-pen responses to
    acknowledge, work to mark, the learning intentions of the day and links to each class's
    feedback page (seven queries)."""
    class_ids = taught_class_ids(user, school_id)
    claimed = list(
        Target.objects.filter(teaching_class_id__in=class_ids, status=Target.Status.CLAIMED)
        .select_related("pupil", "teaching_class")
        .order_by("-updated_at")[:20]
    )
    awaiting = list(
        Feedback.objects.filter(
            teaching_class_id__in=class_ids,
            acknowledged_at__isnull=True,
            responses__isnull=False,
        )
        .distinct()
        .select_related("pupil", "submission__work")
        .order_by("-given_at")[:20]
    )
    to_mark = Submission.objects.filter(
        work__teaching_class_id__in=class_ids, status=Submission.Status.SUBMITTED
    ).count()
    intentions = sorted(
        current_intentions(CurrentIntention.objects.filter(teaching_class_id__in=class_ids)),
        key=lambda i: (i.teaching_class.name, i.group_id is not None, i.group_id or 0),
    )
    return TeacherDay(
        claimed_targets=claimed,
        awaiting_acknowledgement=awaiting,
        to_mark=to_mark,
        intentions=intentions,
        classes=list(Class.objects.filter(pk__in=class_ids).order_by("year_group", "name")),
    )


# ---------------------------------------------------------------------------- conversations, etc.


def class_conversations(teaching_class: Class, *, limit: int = 10) -> list[LearningConversation]:
    return list(
        LearningConversation.objects.filter(teaching_class=teaching_class)
        .select_related("objective", "group", "led_by")
        .annotate(pupil_count=Count("notes", distinct=True))
        .order_by("-held_on", "-pk")[:limit]
    )


def conversation_detail(conversation: LearningConversation) -> list[ConversationNote]:
    return list(
        conversation.notes.select_related("pupil", "level", "judgement").order_by(
            "pupil__legal_surname", "pupil__legal_forename"
        )
    )


def class_feedback_notes(teaching_class: Class, *, limit: int = 10) -> list[ClassFeedback]:
    return list(
        ClassFeedback.objects.filter(teaching_class=teaching_class)
        .select_related("work", "objective", "given_by")
        .prefetch_related(
            Prefetch("points", queryset=ClassFeedbackPoint.objects.prefetch_related("pupils"))
        )
        .order_by("-given_at", "-pk")[:limit]
    )


@dataclass
class QuestionProfile:
    questions: list[PupilQuestion]
    months: list[loop.DepthPeriod]
    trend: float | None


def pupil_questions(pupil: Pupil) -> QuestionProfile:
    questions = list(
        PupilQuestion.objects.filter(pupil=pupil).select_related("objective").order_by("asked_on")
    )
    pairs = [(q.asked_on, q.depth) for q in questions]
    return QuestionProfile(
        questions=questions, months=loop.depth_by_month(pairs), trend=loop.depth_trend(pairs)
    )


def class_questions(teaching_class: Class, *, limit: int = 15) -> list[PupilQuestion]:
    return list(
        PupilQuestion.objects.filter(teaching_class=teaching_class)
        .select_related("pupil", "objective")
        .order_by("-asked_on", "-pk")[:limit]
    )


def pupil_reviews(pupil: Pupil, *, shared_only: bool = False) -> list[Review]:
    reviews = Review.objects.filter(pupil=pupil)
    if shared_only:
        reviews = reviews.filter(shared_with_guardians=True)
    return list(reviews.select_related("term__academic_year", "written_by").order_by("-written_at"))


def notifications_for(user: Actor, school_id: int, *, limit: int = 50) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=signed_in_user(user), school_id=school_id).order_by(
            "-created_at", "-pk"
        )[:limit]
    )


def unread_count(user: Actor, school_id: int | None = None) -> int:
    """The person's unread notifications (in one school, when named): every page's layout
    shows it, so the count is a statement compiled once a shape."""
    counted: list[int] = UNREAD(
        school_id is not None, user_id=signed_in_user(user).pk, school_id=school_id or 0
    )
    return counted[0] if counted else 0


def _unread(in_school: bool, *, user_id: int, school_id: int) -> QuerySet[Notification, int]:
    rows = Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)
    if in_school:
        rows = rows.filter(school_id=school_id)
    counted = rows.order_by().values("recipient_id").annotate(unread=Count("pk"))
    return counted.values_list("unread", flat=True)


UNREAD = Prepared(_unread, values=["user_id", "school_id"])
