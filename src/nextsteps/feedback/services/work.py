"""Writes for work and feedback: versions, purple-pen revisions, written, verbal and
whole-class feedback, acknowledgement and final work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nextsteps.accounts.models import Actor, acting_user
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.curriculum.models import Objective, SuccessCriterion
from nextsteps.feedback.models import (
    ClassFeedback,
    ClassFeedbackPoint,
    CodeUse,
    Feedback,
    MarkingCode,
    Notification,
    Submission,
    Version,
    Work,
)
from nextsteps.feedback.services.common import (
    NEXT_STEP_MAX,
    FeedbackRefused,
    check_group,
    check_same_school,
    guardian_user_ids,
    notify,
)
from nextsteps.markbook.uploads import UploadRefused, checked_upload
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import Class, PupilGroup

# ---------------------------------------------------------------------------- work


@transaction.atomic(durable=True)
def work_set(
    *,
    teaching_class: Class,
    title: str,
    objectives: Sequence[Objective],
    by: Actor | None,
    group: PupilGroup | None = None,
    instructions: str = "",
    criteria: Sequence[SuccessCriterion] = (),
    due_on: dt.date | None = None,
    pupil_user_ids: Iterable[int] = (),
) -> Work:
    """Set a piece of work to a class or group, linked to objectives and their steps."""
    title = title.strip()
    if not title:
        raise FeedbackRefused(_("Give the work a title."))
    if not objectives:
        raise FeedbackRefused(_("Link the work to at least one learning intention."))
    check_group(teaching_class, group)
    check_same_school(teaching_class.school_id, *objectives, *criteria)
    objective_ids = {o.pk for o in objectives}
    stray = [c for c in criteria if c.objective_id not in objective_ids]
    if stray:
        raise FeedbackRefused(
            _("The step “%(step)s” is not a step of the chosen learning intentions")
            % {"step": stray[0].wording}
        )
    work = Work.objects.create(
        school_id=teaching_class.school_id,
        teaching_class=teaching_class,
        group=group,
        title=title[:200],
        instructions=instructions.strip(),
        set_by=acting_user(by),
        due_on=due_on,
    )
    work.objectives.set(objectives)
    work.criteria.set(criteria)
    audit_write(actor=by, action=AuditAction.WORK_SET, target=work)
    notify(
        user_ids=pupil_user_ids,
        school_id=work.school_id,
        kind=Notification.Kind.WORK_SET,
        message=_("New work: %(title)s") % {"title": work.title},
        url=_submission_url(work, None),
    )
    return work


def _submission_url(work: Work, pupil: Pupil | None) -> str:
    urn = Class.objects.filter(pk=work.teaching_class_id).values_list("school__urn", flat=True)[0]
    if pupil is None:
        return reverse("feedback:work_detail", kwargs={"urn": urn, "work_id": work.pk})
    return reverse(
        "feedback:submission", kwargs={"urn": urn, "work_id": work.pk, "pupil_id": pupil.pk}
    )


@transaction.atomic(durable=True)
def version_add(
    *,
    work: Work,
    pupil: Pupil,
    by: Actor | None,
    text: str = "",
    file: UploadedFile[bytes] | None = None,
    response: str = "",
) -> Version:
    """Hand in a first draft, or a purple-pen revision that answers the latest feedback."""
    text, response = text.strip(), response.strip()
    if not text and file is None:
        raise FeedbackRefused(_("Write your work, or add a photo or file of it."))
    upload = None
    if file is not None:
        try:
            upload = checked_upload(file)
        except UploadRefused as error:
            raise FeedbackRefused(str(error)) from error
    submission, _created = Submission.objects.select_for_update().get_or_create(
        school_id=work.school_id, work=work, pupil=pupil
    )
    if submission.status == Submission.Status.FINAL:
        raise FeedbackRefused(_("This work is finished, so it cannot be changed any more."))
    latest_feedback = (
        Feedback.objects.filter(submission=submission, kind=Feedback.Kind.WRITTEN)
        .order_by("-given_at", "-pk")
        .first()
    )
    number = (
        submission.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = Version.objects.create(
        school_id=work.school_id,
        submission=submission,
        number=number,
        kind=Version.Kind.REVISION if latest_feedback else Version.Kind.DRAFT,
        text=text,
        response=response,
        responds_to=latest_feedback,
        created_by=acting_user(by),
        file=upload.file if upload else "",
        content_type=upload.content_type if upload else "",
        original_name=upload.name[:200] if upload else "",
        size=upload.size if upload else 0,
    )
    submission.status = (
        Submission.Status.REVISED if latest_feedback else Submission.Status.SUBMITTED
    )
    submission.updated_at = timezone.now()
    submission.save(update_fields=["status", "updated_at"])
    audit_write(actor=by, action=AuditAction.WORK_VERSION, target=version)
    if latest_feedback is not None:
        notify(
            user_ids=[latest_feedback.given_by_id],
            school_id=work.school_id,
            kind=Notification.Kind.RESPONSE,
            message=_("%(pupil)s improved “%(work)s” in purple pen")
            % {"pupil": pupil.name, "work": work.title},
            url=_submission_url(work, pupil),
        )
    return version


@transaction.atomic(durable=True)
def feedback_give(
    *,
    version: Version,
    next_step: str,
    by: Actor | None,
    comment: str = "",
    criteria_met: Sequence[SuccessCriterion] = (),
    codes: Sequence[tuple[MarkingCode, str]] = (),
    released_to_guardians: bool = True,
) -> Feedback:
    """Written feedback on a version: the steps met, marking codes and one next step."""
    submission = Submission.objects.select_related("work", "pupil").get(pk=version.submission_id)
    work = submission.work
    next_step = next_step.strip()
    if not next_step:
        raise FeedbackRefused(_("Give one next step, so the pupil knows how to improve."))
    if len(next_step) > NEXT_STEP_MAX:
        raise FeedbackRefused(
            _("Keep the next step to one short step (at most %(n)d characters).")
            % {"n": NEXT_STEP_MAX}
        )
    if submission.status == Submission.Status.FINAL:
        raise FeedbackRefused(_("This work is marked as finished."))
    allowed = set(work.criteria.values_list("pk", flat=True)) or set(
        SuccessCriterion.objects.filter(objective__in=work.objectives.all()).values_list(
            "pk", flat=True
        )
    )
    for criterion in criteria_met:
        if criterion.pk not in allowed:
            raise FeedbackRefused(
                _("“%(step)s” is not a success criterion of this work") % {"step": criterion}
            )
    for code, _where in codes:
        if code.school_id != work.school_id or not code.active:
            raise FeedbackRefused(
                _("“%(code)s” is not one of the school's marking codes") % {"code": code.symbol}
            )
    feedback = Feedback.objects.create(
        school_id=work.school_id,
        pupil=submission.pupil,
        teaching_class_id=work.teaching_class_id,
        kind=Feedback.Kind.WRITTEN,
        submission=submission,
        version=version,
        objective=work.objectives.order_by("position").first(),
        comment=comment.strip(),
        next_step=next_step,
        given_by=acting_user(by),
        released_to_guardians=released_to_guardians,
    )
    feedback.criteria_met.set(criteria_met)
    CodeUse.objects.bulk_create(
        CodeUse(school_id=work.school_id, feedback=feedback, code=code, where=where.strip()[:200])
        for code, where in codes
    )
    submission.status = Submission.Status.FEEDBACK
    submission.updated_at = timezone.now()
    submission.save(update_fields=["status", "updated_at"])
    audit_write(actor=by, action=AuditAction.FEEDBACK_GIVE, target=feedback)
    _notify_feedback(
        feedback, submission.pupil, work.title, _submission_url(work, submission.pupil)
    )
    return feedback


def _notify_feedback(feedback: Feedback, pupil: Pupil, title: str, url: str) -> None:
    notify(
        user_ids=[pupil.user_id],
        school_id=pupil.school_id,
        kind=Notification.Kind.FEEDBACK,
        message=_("You have feedback on “%(work)s”") % {"work": title},
        url=url,
    )
    if feedback.released_to_guardians:
        urn = Class.objects.filter(pk=feedback.teaching_class_id).values_list(
            "school__urn", flat=True
        )[0]
        notify(
            user_ids=guardian_user_ids(pupil),
            school_id=pupil.school_id,
            kind=Notification.Kind.FEEDBACK,
            message=_("%(pupil)s has new feedback and a next step") % {"pupil": pupil.forename},
            url=reverse("feedback:child", kwargs={"urn": urn, "pupil_id": pupil.pk}),
        )


@transaction.atomic(durable=True)
def feedback_acknowledge(*, feedback: Feedback, by: Actor | None) -> Feedback:
    """The teacher has seen the pupil's response to this feedback."""
    if feedback.acknowledged_at is not None:
        return feedback
    if not feedback.responses.exists():
        raise FeedbackRefused(_("The pupil has not responded to this feedback yet."))
    feedback.acknowledged_at = timezone.now()
    feedback.acknowledged_by = acting_user(by)
    feedback.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_write(actor=by, action=AuditAction.FEEDBACK_ACKNOWLEDGE, target=feedback)
    return feedback


@transaction.atomic(durable=True)
def submission_mark_final(*, submission: Submission, by: Actor | None) -> Submission:
    """Mark the work as finished: every version is kept, and no more can be added."""
    if submission.status == Submission.Status.FINAL:
        return submission
    Feedback.objects.filter(
        submission=submission, acknowledged_at__isnull=True, responses__isnull=False
    ).update(acknowledged_at=timezone.now(), acknowledged_by=acting_user(by))
    submission.status = Submission.Status.FINAL
    submission.final_at = submission.updated_at = timezone.now()
    submission.save(update_fields=["status", "final_at", "updated_at"])
    audit_write(actor=by, action=AuditAction.WORK_FINAL, target=submission)
    return submission


@transaction.atomic(durable=True)
def verbal_feedback_record(
    *,
    teaching_class: Class,
    pupils: Sequence[Pupil],
    next_step: str,
    by: Actor | None,
    objective: Objective | None = None,
    comment: str = "",
    work: Work | None = None,
) -> list[Feedback]:
    """Note that feedback was given by word of mouth to these pupils (no writing needed)."""
    if not pupils:
        raise FeedbackRefused(_("Choose the pupils you gave feedback to."))
    next_step = next_step.strip()
    if not next_step and not comment.strip():
        raise FeedbackRefused(_("Say what the feedback was, or the next step you agreed."))
    check_same_school(teaching_class.school_id, objective, *pupils)
    rows = Feedback.objects.bulk_create(
        Feedback(
            school_id=teaching_class.school_id,
            pupil=pupil,
            teaching_class=teaching_class,
            kind=Feedback.Kind.VERBAL,
            objective=objective,
            comment=comment.strip(),
            next_step=next_step[:NEXT_STEP_MAX],
            given_by=acting_user(by),
            submission=Submission.objects.filter(work=work, pupil=pupil).first() if work else None,
        )
        for pupil in pupils
    )
    audit_write(
        actor=by,
        action=AuditAction.FEEDBACK_VERBAL,
        target=teaching_class,
        after={"pupils": [p.pk for p in pupils], "next_step": next_step},
    )
    return rows


@dataclass(frozen=True)
class PointEntry:
    kind: str
    text: str
    pupils: Sequence[Pupil] = ()


@transaction.atomic(durable=True)
def class_feedback_give(
    *,
    teaching_class: Class,
    title: str,
    points: Sequence[PointEntry],
    by: Actor | None,
    work: Work | None = None,
    objective: Objective | None = None,
) -> ClassFeedback:
    """Whole-class feedback: strengths, misconceptions and next steps, each naming the
    pupils it applies to (shown to each pupil only as 'this applies to you')."""
    points = [p for p in points if p.text.strip()]
    if not title.strip():
        raise FeedbackRefused(_("Give the whole-class feedback a title."))
    if not points:
        raise FeedbackRefused(_("Add at least one strength, misconception or next step."))
    for point in points:
        if point.kind not in ClassFeedbackPoint.Kind.values:
            raise FeedbackRefused(_("“%(kind)s” is not a kind of point") % {"kind": point.kind})
        check_same_school(teaching_class.school_id, *point.pupils)
    check_same_school(teaching_class.school_id, work, objective)
    note = ClassFeedback.objects.create(
        school_id=teaching_class.school_id,
        teaching_class=teaching_class,
        work=work,
        objective=objective,
        title=title.strip()[:200],
        given_by=acting_user(by),
    )
    for point in points:
        row = ClassFeedbackPoint.objects.create(
            school_id=note.school_id, note=note, kind=point.kind, text=point.text.strip()
        )
        row.pupils.set(point.pupils)
    audit_write(actor=by, action=AuditAction.CLASS_FEEDBACK_GIVE, target=note)
    return note
