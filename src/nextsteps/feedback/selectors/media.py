"""Reads for voice notes and drawings, one query each whatever their number."""

from __future__ import annotations

from django.http import Http404

from nextsteps.feedback.models import MediaNote, SelfAssessment, Submission
from nextsteps.people.models import Pupil


def submission_notes(submission: Submission | None) -> list[MediaNote]:
    """The notes on one piece of work, oldest first (the pupil's and the teacher's)."""
    if submission is None:
        return []
    return list(MediaNote.objects.filter(submission=submission).select_related("created_by"))


def child_notes(pupil: Pupil, *, limit: int = 6) -> list[MediaNote]:
    """The latest notes shared with the pupil's parents, newest first."""
    return list(
        MediaNote.objects.filter(pupil=pupil, shared_with_guardians=True)
        .select_related("submission__work", "self_assessment__objective")
        .order_by("-created_at", "-pk")[:limit]
    )


def self_assessment_notes(pupil: Pupil, *, limit: int = 12) -> list[MediaNote]:
    """The notes on the pupil's self-assessments, newest first (for their teacher)."""
    return list(
        MediaNote.objects.filter(pupil=pupil, self_assessment__isnull=False)
        .select_related("self_assessment__objective", "created_by")
        .order_by("-created_at", "-pk")[:limit]
    )


def latest_self_assessment_choices(pupil: Pupil, *, limit: int = 200) -> list[SelfAssessment]:
    """The pupil's latest self-assessment on each learning intention, newest first: the
    places a teacher may add a note for them (from the latest `limit` self-assessments)."""
    latest: dict[int, SelfAssessment] = {}
    for assessment in (
        SelfAssessment.objects.filter(pupil=pupil)
        .select_related("objective")
        .order_by("-created_at", "-pk")[:limit]
    ):
        latest.setdefault(assessment.objective_id, assessment)
    return list(latest.values())


def self_assessment_of(pupil: Pupil, assessment_id: int) -> SelfAssessment:
    """One of the pupil's self-assessments, with its objective, else 404."""
    assessment = (
        SelfAssessment.objects.select_related("objective")
        .filter(school_id=pupil.school_id, pupil=pupil, pk=assessment_id)
        .first()
    )
    if assessment is None:
        raise Http404("No such self-assessment")
    return assessment
