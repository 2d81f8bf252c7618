"""Reads for parents who answer: next steps current and done, the tips to try at home, a
parent's own replies, and the replies staff read on a pupil's work and profile."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from nextsteps.accounts.models import Actor, signed_in_user
from nextsteps.feedback.models import (
    CurrentIntention,
    EmailDigestChoice,
    Feedback,
    ParentReply,
    ParentReplySettings,
    Submission,
)
from nextsteps.feedback.selectors.goals import IntentionView, pupil_intentions
from nextsteps.feedback.selectors.work import next_step_done_at, with_next_step_done
from nextsteps.people.models import Guardian, Pupil
from nextsteps.schools.models import School


def replies_open(school: School) -> bool:
    """Whether the school lets parents answer (it does unless it has turned replies off)."""
    row = ParentReplySettings.objects.filter(school=school).only("replies_open").first()
    return row is None or row.replies_open


def guardian_of(user: Actor, school: School) -> Guardian | None:
    """The parent record of the signed-in person at the school, if they are a parent."""
    return (
        Guardian.objects.filter(school=school, user=signed_in_user(user))
        .select_related("school")
        .first()
    )


def feedback_for_parent(pupil: Pupil, feedback_id: int) -> Feedback | None:
    """A piece of the child's feedback that is shared with parents, or None."""
    return (
        Feedback.objects.filter(pupil=pupil, released_to_guardians=True, pk=feedback_id)
        .select_related("submission", "teaching_class", "pupil")
        .first()
    )


def intention_for_parent(pupil: Pupil, intention_id: int) -> CurrentIntention | None:
    """One of the child's current learning intentions (where the tips come from), or None."""
    for view in pupil_intentions(pupil):
        if view.intention.pk == intention_id:
            return view.intention
    return None


@dataclass
class NextStepView:
    """A next step shared with parents: current until the pupil has acted on it."""

    feedback: Feedback
    done_at: dt.datetime | None
    replies: list[ParentReply] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass
class TipView:
    """One "how to help at home" idea, and when this parent said they tried it."""

    intention: CurrentIntention
    subject: str
    tip: str
    tried: ParentReply | None


def next_steps_for_parent(pupil: Pupil, *, limit: int = 4) -> list[NextStepView]:
    """The latest next steps shared with parents, newest first, each marked done once the
    pupil has responded to it (their purple-pen revision) or the teacher has seen it done
    (one query)."""
    rows = (
        with_next_step_done(
            Feedback.objects.filter(pupil=pupil, released_to_guardians=True).exclude(next_step="")
        )
        .select_related("submission__work", "given_by", "teaching_class")
        .order_by("-given_at", "-pk")[:limit]
    )
    return [NextStepView(feedback=item, done_at=next_step_done_at(item)) for item in rows]


def parent_answers(
    pupil: Pupil,
    guardian: Guardian | None,
    *,
    intentions: list[IntentionView],
    feedback: list[Feedback],
    school: School,
) -> dict[str, Any]:
    """What a parent's page adds for answering: next steps current and done, their own
    replies under each piece of feedback, the tips with the ones they tried, and whether the
    school takes replies (three queries)."""
    steps = next_steps_for_parent(pupil)
    mine = _own_replies(pupil, guardian)
    # What they did at home shows under the next step; a reply under the feedback.
    at_home: dict[int, list[ParentReply]] = defaultdict(list)
    replies: dict[int, list[ParentReply]] = defaultdict(list)
    tried: dict[tuple[int, str], ParentReply] = {}
    for reply in mine:
        if reply.feedback_id and reply.kind == ParentReply.Kind.AT_HOME:
            at_home[reply.feedback_id].append(reply)
        elif reply.feedback_id:
            replies[reply.feedback_id].append(reply)
        elif reply.intention_id:
            tried.setdefault((reply.intention_id, reply.tip), reply)
    for step in steps:
        step.replies = at_home.get(step.feedback.pk, [])
    for item in feedback:
        item.my_replies = replies.get(item.pk, [])  # type: ignore[attr-defined]
    tips = [
        TipView(
            intention=view.intention,
            subject=str(view.subject),
            tip=idea,
            tried=tried.get((view.intention.pk, idea)),
        )
        for view in intentions
        for idea in view.intention.home_help_ideas
    ]
    return {
        "steps_now": [s for s in steps if not s.done],
        "steps_done": [s for s in steps if s.done],
        "tips": tips,
        "replies_open": guardian is not None and replies_open(school),
    }


def _own_replies(pupil: Pupil, guardian: Guardian | None) -> list[ParentReply]:
    """A parent reads their own replies: another parent's words to the school stay theirs."""
    if guardian is None:
        return []
    return list(ParentReply.objects.filter(pupil=pupil, guardian=guardian))


def replies_for_submission(submission: Submission | None) -> list[ParentReply]:
    """Parents' replies to the feedback on one piece of work, oldest first (one query)."""
    if submission is None:
        return []
    return list(
        ParentReply.objects.filter(feedback__submission=submission).select_related(
            "guardian", "feedback"
        )
    )


def replies_for_pupil(
    pupil: Pupil, class_ids: Iterable[int] | QuerySet[Any], *, limit: int = 10
) -> list[ParentReply]:
    """The latest replies from a pupil's parents about the classes named, newest first
    (one query): staff read only what was written to their classes."""
    return list(
        ParentReply.objects.filter(pupil=pupil, teaching_class_id__in=class_ids)
        .select_related("guardian", "feedback__submission__work", "teaching_class")
        .order_by("-written_at", "-pk")[:limit]
    )


def email_digest_chosen(user: Actor) -> bool:
    return EmailDigestChoice.objects.filter(user=signed_in_user(user), daily=True).exists()
