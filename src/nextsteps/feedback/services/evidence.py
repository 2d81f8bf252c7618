"""Writes for learning conversations (which become judgements), questions and reviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nextsteps.accounts.models import Actor, acting_user
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.curriculum.models import Objective, ScaleLevel
from nextsteps.feedback.models import (
    ConversationNote,
    Depth,
    LearningConversation,
    PupilQuestion,
    Review,
)
from nextsteps.feedback.services.common import (
    FeedbackRefused,
    check_group,
    check_same_school,
)
from nextsteps.markbook.models import Method
from nextsteps.markbook.services import (
    JudgementEntry,
    JudgementRefused,
    judgements_record_bulk,
)
from nextsteps.people.models import Pupil
from nextsteps.schools.models import Term
from nextsteps.teaching.models import Class, PupilGroup

# ---------------------------------------------------------------------------- conversations


@dataclass(frozen=True)
class NoteEntry:
    pupil: Pupil
    note: str = ""
    next_step: str = ""
    level: ScaleLevel | None = None


@transaction.atomic(durable=True)
def conversation_record(
    *,
    teaching_class: Class,
    objective: Objective,
    notes: Sequence[NoteEntry],
    by: Actor | None,
    group: PupilGroup | None = None,
    held_on: dt.date | None = None,
    summary: str = "",
) -> LearningConversation:
    """Log a learning conversation and, in the same action, record a judgement (method:
    conversation) for every pupil given a level. All or nothing."""
    check_group(teaching_class, group)
    check_same_school(teaching_class.school_id, objective)
    notes = [n for n in notes if n.note.strip() or n.next_step.strip() or n.level is not None]
    if not notes:
        raise FeedbackRefused(_("Write a note, a next step or a level for at least one pupil."))
    conversation = LearningConversation.objects.create(
        school_id=teaching_class.school_id,
        teaching_class=teaching_class,
        group=group,
        objective=objective,
        held_on=held_on or timezone.localdate(),
        summary=summary.strip(),
        led_by=acting_user(by),
    )
    rows = ConversationNote.objects.bulk_create(
        ConversationNote(
            school_id=conversation.school_id,
            conversation=conversation,
            pupil=n.pupil,
            note=n.note.strip(),
            next_step=n.next_step.strip()[:300],
            level=n.level,
        )
        for n in notes
    )
    levelled = [(row, n) for row, n in zip(rows, notes, strict=True) if n.level is not None]
    shown_at = timezone.make_aware(dt.datetime.combine(conversation.held_on, dt.time(12)))
    try:
        judgements = judgements_record_bulk(
            entries=[
                JudgementEntry(
                    pupil=n.pupil,
                    objective=objective,
                    level=n.level,
                    method=Method.CONVERSATION,
                    note=" ".join(part for part in (n.note.strip(), n.next_step.strip()) if part),
                    shown_at=min(shown_at, timezone.now()),
                )
                for _row, n in levelled
                if n.level is not None
            ],
            by=by,
            teaching_class=teaching_class,
        )
    except JudgementRefused as error:
        raise FeedbackRefused(str(error)) from error
    for (row, _n), judgement in zip(levelled, judgements, strict=True):
        row.judgement = judgement
    ConversationNote.objects.bulk_update([row for row, _n in levelled], ["judgement"])
    if levelled:
        conversation.recorded_at = timezone.now()
        conversation.save(update_fields=["recorded_at"])
    audit_write(actor=by, action=AuditAction.CONVERSATION_RECORD, target=conversation)
    return conversation


# ---------------------------------------------------------------------------- questions, reviews


@transaction.atomic(durable=True)
def question_record(
    *,
    pupil: Pupil,
    teaching_class: Class,
    text: str,
    depth: int,
    by: Actor | None,
    objective: Objective | None = None,
    asked_on: dt.date | None = None,
) -> PupilQuestion:
    """A question a pupil asked, with how deep it goes (recall to evaluation)."""
    if not text.strip():
        raise FeedbackRefused(_("Write down the question the pupil asked."))
    if depth not in Depth.values:
        raise FeedbackRefused(_("Choose the depth of the question."))
    check_same_school(pupil.school_id, teaching_class, objective)
    question = PupilQuestion.objects.create(
        school_id=pupil.school_id,
        pupil=pupil,
        teaching_class=teaching_class,
        objective=objective,
        text=text.strip(),
        depth=depth,
        asked_on=asked_on or timezone.localdate(),
        recorded_by=acting_user(by),
    )
    audit_write(actor=by, action=AuditAction.QUESTION_RECORD, target=question)
    return question


def term_for(school_id: int, on: dt.date) -> Term | None:
    """The term a date falls in, or the last one before it (reviews written in a holiday)."""
    terms = Term.objects.filter(school_id=school_id, starts_on__lte=on).order_by("-starts_on")
    return terms.first()


@transaction.atomic(durable=True)
def review_write(
    *,
    pupil: Pupil,
    author: str,
    proud_of: str,
    by: Actor | None,
    next_focus: str = "",
    term: Term | None = None,
    shared_with_guardians: bool = True,
) -> Review:
    """A termly review of progress by the pupil or by their teacher."""
    if author not in Review.Author.values:
        raise FeedbackRefused(_("A review is written by the pupil or the teacher."))
    if not proud_of.strip():
        raise FeedbackRefused(_("Write what went well this term."))
    term = term or term_for(pupil.school_id, timezone.localdate())
    if term is None:
        raise FeedbackRefused(_("The school has no terms set up yet."))
    check_same_school(pupil.school_id, term)
    review = Review.objects.create(
        school_id=pupil.school_id,
        pupil=pupil,
        term=term,
        author=author,
        proud_of=proud_of.strip(),
        next_focus=next_focus.strip(),
        written_by=acting_user(by),
        shared_with_guardians=shared_with_guardians,
    )
    audit_write(actor=by, action=AuditAction.REVIEW_WRITE, target=review)
    return review
