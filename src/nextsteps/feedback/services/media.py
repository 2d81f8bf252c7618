"""Writes for the pupil's own voice: voice notes and drawings on work and self-assessments,
and the teacher's spoken or drawn feedback on a piece of work."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from nextsteps.accounts.models import Actor, acting_user
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.feedback.models import MediaNote, Notification, SelfAssessment, Submission
from nextsteps.feedback.services.common import (
    FeedbackRefused,
    guardian_user_ids,
    notify,
)
from nextsteps.markbook.uploads import (
    CheckedUpload,
    UploadRefused,
    checked_drawing,
    checked_recording,
)
from nextsteps.people.models import Pupil

# A piece of work or a self-assessment is a place for a few notes, not an audio archive.
MAX_NOTES_PER_PLACE = 20


@transaction.atomic(durable=True)
def media_note_add(
    *,
    pupil: Pupil,
    kind: str,
    file: UploadedFile[bytes] | None,
    by: Actor | None,
    submission: Submission | None = None,
    self_assessment: SelfAssessment | None = None,
    is_feedback: bool = False,
    shared_with_guardians: bool = True,
) -> MediaNote:
    """Add a voice note or a drawing to the pupil's work or self-assessment; as feedback (on
    work only) the pupil, and their parents when shared, are told."""
    place: Submission | SelfAssessment | None = submission or self_assessment
    if place is None or (submission is not None and self_assessment is not None):
        raise FeedbackRefused(_("Add the note to one piece of work or one self-assessment."))
    if place.pupil_id != pupil.pk or place.school_id != pupil.school_id:
        raise FeedbackRefused(_("That is not %(pupil)s's work.") % {"pupil": pupil.forename})
    if is_feedback and submission is None:
        raise FeedbackRefused(_("Spoken feedback is given on a piece of work."))
    if submission is not None and not is_feedback and submission.status == Submission.Status.FINAL:
        raise FeedbackRefused(_("This work is finished, so it cannot be changed any more."))
    upload = _checked(kind, file)
    if place.media_notes.count() >= MAX_NOTES_PER_PLACE:
        raise FeedbackRefused(
            _("There are already %(n)d notes here, the most one place can hold.")
            % {"n": MAX_NOTES_PER_PLACE},
            field="file",
        )
    note = MediaNote.objects.create(
        school_id=pupil.school_id,
        pupil=pupil,
        kind=kind,
        submission=submission,
        self_assessment=self_assessment,
        is_feedback=is_feedback,
        shared_with_guardians=shared_with_guardians,
        file=upload.file,
        content_type=upload.content_type,
        original_name=upload.name[:200],
        size=upload.size,
        created_by=acting_user(by),
    )
    audit_write(
        actor=by,
        action=AuditAction.MEDIA_NOTE_ADD,
        target=note,
        after={"kind": kind, "pupil": pupil.pk, "feedback": is_feedback},
    )
    if is_feedback and submission is not None:
        _notify_spoken_feedback(note, submission)
    return note


def _checked(kind: str, file: UploadedFile[bytes] | None) -> CheckedUpload:
    if kind not in MediaNote.Kind.values:
        raise FeedbackRefused(_("“%(kind)s” is not a voice note or a drawing.") % {"kind": kind})
    if file is None:
        if kind == MediaNote.Kind.VOICE:
            message = _("Record a voice note, or choose a recording, before saving.")
        else:
            message = _("Draw something, or choose a picture, before saving.")
        raise FeedbackRefused(message, field="file")
    try:
        if kind == MediaNote.Kind.VOICE:
            return checked_recording(file)
        return checked_drawing(file)
    except UploadRefused as error:
        raise FeedbackRefused(str(error), field="file") from error


def _notify_spoken_feedback(note: MediaNote, submission: Submission) -> None:
    work = submission.work
    urn = work.teaching_class.school.urn
    pupil = note.pupil
    url = reverse(
        "feedback:submission", kwargs={"urn": urn, "work_id": work.pk, "pupil_id": pupil.pk}
    )
    what = _("a voice note") if note.is_voice else _("a drawing")
    notify(
        user_ids=[pupil.user_id],
        school_id=pupil.school_id,
        kind=Notification.Kind.FEEDBACK,
        message=_("Your teacher left %(what)s on “%(work)s”") % {"what": what, "work": work.title},
        url=url,
    )
    if note.shared_with_guardians:
        notify(
            user_ids=guardian_user_ids(pupil),
            school_id=pupil.school_id,
            kind=Notification.Kind.FEEDBACK,
            message=_("%(pupil)s's teacher left %(what)s on their work")
            % {"pupil": pupil.forename, "what": what},
            url=reverse("feedback:child", kwargs={"urn": urn, "pupil_id": pupil.pk}),
        )
