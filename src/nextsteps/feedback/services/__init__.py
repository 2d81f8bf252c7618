"""Writes for the feedback loop. Every function checks its input, refuses with a reason a
teacher or pupil can act on (`FeedbackRefused`), changes nothing when it refuses, and writes
the audit log. Split by subdomain; import from here."""

from nextsteps.feedback.services.common import (
    NEXT_STEP_MAX,
    FeedbackRefused,
    guardian_user_ids,
    notifications_mark_read,
    notify,
    teacher_user_ids,
)
from nextsteps.feedback.services.evidence import (
    NoteEntry,
    conversation_record,
    question_record,
    review_write,
    term_for,
)
from nextsteps.feedback.services.goals import (
    intentions_share,
    marking_code_save,
    self_assessment_record,
)
from nextsteps.feedback.services.media import MAX_NOTES_PER_PLACE, media_note_add
from nextsteps.feedback.services.parents import (
    REPLY_MAX,
    email_digest_choose,
    email_digest_send,
    parent_reply,
    replies_open_set,
    tip_tried,
)
from nextsteps.feedback.services.targets import (
    target_claim,
    target_confirm,
    target_return,
    target_set,
    target_update,
)
from nextsteps.feedback.services.work import (
    PointEntry,
    class_feedback_give,
    feedback_acknowledge,
    feedback_give,
    submission_mark_final,
    verbal_feedback_record,
    version_add,
    work_set,
)

__all__ = [
    "MAX_NOTES_PER_PLACE",
    "NEXT_STEP_MAX",
    "REPLY_MAX",
    "email_digest_choose",
    "email_digest_send",
    "parent_reply",
    "replies_open_set",
    "tip_tried",
    "FeedbackRefused",
    "NoteEntry",
    "PointEntry",
    "class_feedback_give",
    "conversation_record",
    "feedback_acknowledge",
    "feedback_give",
    "guardian_user_ids",
    "intentions_share",
    "marking_code_save",
    "media_note_add",
    "notifications_mark_read",
    "notify",
    "question_record",
    "review_write",
    "self_assessment_record",
    "submission_mark_final",
    "target_claim",
    "target_confirm",
    "target_return",
    "target_set",
    "target_update",
    "teacher_user_ids",
    "term_for",
    "verbal_feedback_record",
    "version_add",
    "work_set",
]
