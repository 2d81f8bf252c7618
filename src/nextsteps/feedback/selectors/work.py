"""Reads for work and feedback: submissions, versions with their changes, feedback for a pupil."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from nextsteps.curriculum.models import SuccessCriterion
from nextsteps.feedback.kernels import loop
from nextsteps.feedback.models import (
    ClassFeedbackPoint,
    CodeUse,
    ConversationNote,
    Feedback,
    MarkingCode,
    Submission,
    Version,
    Work,
)
from nextsteps.feedback.selectors.goals import for_pupil_scope, pupil_class_ids, pupil_group_ids
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import Class, GroupMembership, PupilGroup
from nextsteps.teaching.selectors import class_pupils, current

# ---------------------------------------------------------------------------- work


def work_audience(teaching_class: Class, group: PupilGroup | None) -> list[Pupil]:
    """The pupils a piece of work (or a conversation) is for: the group, or the class."""
    if group is None:
        return class_pupils(teaching_class)
    memberships = GroupMembership.objects.filter(current(), group=group).select_related("pupil")
    return sorted((m.pupil for m in memberships), key=lambda p: (p.legal_surname, p.legal_forename))


def work_for_class(teaching_class: Class) -> list[Work]:
    """Work set to the class with counts of what needs the teacher (three queries)."""
    return list(
        Work.objects.filter(teaching_class=teaching_class)
        .select_related("group")
        .prefetch_related("objectives")
        .annotate(
            handed_in=Count("submissions", distinct=True),
            to_mark=Count(
                "submissions",
                filter=Q(submissions__status__in=[Submission.Status.SUBMITTED]),
                distinct=True,
            ),
            revised=Count(
                "submissions",
                filter=Q(submissions__status=Submission.Status.REVISED),
                distinct=True,
            ),
        )
        .order_by("-set_at", "-pk")
    )


def work_for_pupil(pupil: Pupil) -> list[Work]:
    """Work set to the pupil's classes and groups, each with the pupil's submission."""
    class_ids, group_ids = pupil_class_ids(pupil), pupil_group_ids(pupil)
    work = list(
        Work.objects.filter(for_pupil_scope(pupil, class_ids, group_ids))
        .select_related("teaching_class")
        .prefetch_related("objectives")
        .order_by("-set_at", "-pk")
    )
    submissions = {
        s.work_id: s for s in Submission.objects.filter(pupil=pupil, work__in=[w.pk for w in work])
    }
    for item in work:
        item.my_submission = submissions.get(item.pk)  # type: ignore[attr-defined]
    return work


def pupil_can_see_work(pupil: Pupil, work: Work) -> bool:
    scope = for_pupil_scope(pupil, pupil_class_ids(pupil), pupil_group_ids(pupil))
    return (
        Work.objects.filter(scope, pk=work.pk).exists()
        or Submission.objects.filter(work=work, pupil=pupil).exists()
    )


@dataclass
class SubmissionRow:
    pupil: Pupil
    submission: Submission | None
    versions: int = 0
    awaiting_acknowledgement: bool = False


def work_submissions(work: Work) -> list[SubmissionRow]:
    """Every pupil the work is set to, with their submission and what it is waiting for."""
    pupils = work_audience(work.teaching_class, work.group)
    submissions = {
        s.pk: s
        for s in Submission.objects.filter(work=work).annotate(
            version_count=Count("versions", distinct=True),
            unacknowledged=Count(
                "feedback",
                filter=Q(feedback__acknowledged_at__isnull=True, feedback__responses__isnull=False),
                distinct=True,
            ),
        )
    }
    by_pupil = {s.pupil_id: s for s in submissions.values()}
    rows = []
    for pupil in pupils:
        submission = by_pupil.pop(pupil.pk, None)
        rows.append(_submission_row(pupil, submission))
    if by_pupil:  # pupils who handed in and then left the class or group
        for pupil in Pupil.objects.filter(pk__in=list(by_pupil)):
            rows.append(_submission_row(pupil, by_pupil[pupil.pk]))
    return rows


def _submission_row(pupil: Pupil, submission: Submission | None) -> SubmissionRow:
    return SubmissionRow(
        pupil=pupil,
        submission=submission,
        versions=getattr(submission, "version_count", 0),
        awaiting_acknowledgement=bool(getattr(submission, "unacknowledged", 0)),
    )


@dataclass
class VersionView:
    version: Version
    changes: list[loop.Segment] | None  # against the version before, for revisions
    feedback: list[Feedback]
    added_words: int = 0


def submission_detail(submission: Submission) -> list[VersionView]:
    """Every version, oldest first, with the feedback on it and its changes (four queries)."""
    versions = list(submission.versions.select_related("responds_to").order_by("number"))
    feedback = list(
        Feedback.objects.filter(submission=submission, kind=Feedback.Kind.WRITTEN)
        .select_related("given_by", "acknowledged_by", "submission__work", "objective")
        .prefetch_related(
            "criteria_met", Prefetch("codes", queryset=CodeUse.objects.select_related("code"))
        )
        .order_by("given_at", "pk")
    )
    by_version: dict[int, list[Feedback]] = defaultdict(list)
    for item in feedback:
        if item.version_id:
            by_version[item.version_id].append(item)
    views = []
    previous: Version | None = None
    for version in versions:
        changes = None
        if previous is not None and version.kind == Version.Kind.REVISION:
            changes = loop.text_diff(previous.text, version.text)
        views.append(
            VersionView(
                version=version,
                changes=changes,
                feedback=by_version.get(version.pk, []),
                added_words=loop.changed_words(changes or []),
            )
        )
        previous = version
    return views


def verbal_feedback_for(submission: Submission) -> list[Feedback]:
    return list(
        Feedback.objects.filter(submission=submission, kind=Feedback.Kind.VERBAL)
        .select_related("given_by", "submission__work", "objective")
        .prefetch_related("criteria_met", "codes")
        .order_by("given_at")
    )


def marking_codes(school_id: int) -> list[MarkingCode]:
    return list(MarkingCode.objects.filter(school_id=school_id, active=True))


# ---------------------------------------------------------------------------- feedback for a pupil


def with_next_step_done(rows: QuerySet[Feedback]) -> QuerySet[Feedback]:
    """Feedback with `first_response`: when the pupil first answered it in purple pen. Its
    next step is done from then, or from when the teacher saw it done (`acknowledged_at`),
    whichever came first (`next_step_done_at`)."""
    return rows.annotate(first_response=Min("responses__created_at"))


def next_step_done_at(item: Feedback) -> dt.datetime | None:
    """When the feedback's next step was done (None: still to do); `item` comes through
    `with_next_step_done`."""
    moments = [m for m in (getattr(item, "first_response", None), item.acknowledged_at) if m]
    return min(moments) if moments else None


def recent_feedback(pupil: Pupil, *, limit: int = 5, released_only: bool = False) -> list[Feedback]:
    """The pupil's latest feedback with its codes, steps met, the work it is on, and when
    its next step was done (`done_at`, None while it is still to do)."""
    rows = Feedback.objects.filter(pupil=pupil)
    if released_only:
        rows = rows.filter(released_to_guardians=True)
    items = list(
        with_next_step_done(rows)
        .select_related("submission__work", "objective", "given_by", "teaching_class")
        .prefetch_related(
            "criteria_met", Prefetch("codes", queryset=CodeUse.objects.select_related("code"))
        )
        .order_by("-given_at", "-pk")[:limit]
    )
    for item in items:
        item.done_at = next_step_done_at(item)  # type: ignore[attr-defined]
    return items


def class_points_for_pupil(pupil: Pupil, *, limit: int = 6) -> list[ClassFeedbackPoint]:
    """Whole-class points that name this pupil (never showing who else they apply to)."""
    return list(
        ClassFeedbackPoint.objects.filter(pupils=pupil)
        .select_related("note")
        .order_by("-note__given_at", "pk")[:limit]
    )


def recent_next_steps(pupil: Pupil, *, limit: int = 3, released_only: bool = False) -> list[str]:
    """The newest next steps from feedback and learning conversations, newest first."""
    feedback = Feedback.objects.filter(pupil=pupil).exclude(next_step="")
    if released_only:
        feedback = feedback.filter(released_to_guardians=True)
    steps = [
        (given_at, text)
        for given_at, text in feedback.order_by("-given_at").values_list("given_at", "next_step")[
            :limit
        ]
    ]
    conversation_notes = ConversationNote.objects.filter(pupil=pupil)
    if released_only:  # a teacher's notes from a focus group are not shared with parents
        conversation_notes = conversation_notes.none()
    for held_on, text in (
        conversation_notes.exclude(next_step="")
        .order_by("-conversation__held_on")
        .values_list("conversation__held_on", "next_step")[:limit]
    ):
        steps.append((timezone.make_aware(dt.datetime.combine(held_on, dt.time(12))), text))
    steps.sort(key=lambda item: item[0], reverse=True)
    seen: list[str] = []
    for _when, text in steps:
        if text not in seen:
            seen.append(text)
    return seen[:limit]


def work_criteria(work: Work) -> QuerySet[SuccessCriterion]:
    """The steps the work looks for: the ones the teacher chose, or every step of its
    learning intentions."""
    chosen = SuccessCriterion.objects.filter(pk__in=work.criteria.values("pk"))
    if chosen.exists():
        return chosen.select_related("objective").order_by("objective__position", "position")
    return (
        SuccessCriterion.objects.filter(objective__in=work.objectives.values("pk"))
        .select_related("objective")
        .order_by("objective__position", "position")
    )


def submission_of(work: Work, pupil: Pupil) -> Submission | None:
    """The pupil's submission of a piece of work, if they have handed it in."""
    return Submission.objects.filter(work=work, pupil=pupil).first()


def latest_version(submission: Submission) -> Version | None:
    return submission.versions.order_by("-number").first()
