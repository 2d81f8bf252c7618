"""Whole pages: a pupil's "My learning" and a parent's page for one child."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from nextsteps.accounts.models import Actor, signed_in_user
from nextsteps.feedback.models import (
    Notification,
    Submission,
    Target,
)
from nextsteps.feedback.selectors.evidence import pupil_reviews, pupil_targets
from nextsteps.feedback.selectors.goals import pupil_class_ids, pupil_intentions
from nextsteps.feedback.selectors.work import (
    class_points_for_pupil,
    recent_feedback,
    work_for_pupil,
)
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import Class, ClassStaff

# ---------------------------------------------------------------------------- whole pages


def my_learning(pupil: Pupil, user: Actor) -> dict[str, Any]:
    """Everything on a pupil's "My learning" page, in a fixed number of queries."""
    targets = [t for t in pupil_targets(pupil) if t.status != Target.Status.ACHIEVED]
    work = [
        w
        for w in work_for_pupil(pupil)
        if getattr(w, "my_submission", None) is None
        or w.my_submission.status in {Submission.Status.FEEDBACK}  # type: ignore[attr-defined]
    ]
    return {
        "pupil": pupil,
        "intentions": pupil_intentions(pupil),
        "targets": targets,
        "achieved": Target.objects.filter(pupil=pupil, status=Target.Status.ACHIEVED).count(),
        "feedback": recent_feedback(pupil, limit=3),
        "class_points": class_points_for_pupil(pupil, limit=4),
        "notifications": list(
            Notification.objects.filter(
                recipient=signed_in_user(user), school_id=pupil.school_id, read_at__isnull=True
            ).order_by("-created_at")[:5]
        ),
        "work_to_do": work[:5],
    }


def child_page(pupil: Pupil) -> dict[str, Any]:
    """A parent's view of one child: only what is shared with parents."""
    classes = list(
        Class.objects.filter(pk__in=pupil_class_ids(pupil))
        .prefetch_related(
            Prefetch("staff_links", queryset=ClassStaff.objects.select_related("staff"))
        )
        .order_by("kind", "name")
    )
    intentions = pupil_intentions(pupil)
    ideas = [idea for view in intentions for idea in view.intention.home_help_ideas]
    return {
        "pupil": pupil,
        "classes": classes,
        "intentions": intentions,
        "targets": pupil_targets(pupil, shared_only=True),
        "feedback": recent_feedback(pupil, limit=5, released_only=True),
        "home_ideas": ideas,
        "reviews": pupil_reviews(pupil, shared_only=True)[:2],
    }
