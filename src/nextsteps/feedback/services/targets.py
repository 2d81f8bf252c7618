"""Writes for targets: set with the pupil, claimed, confirmed with a judgement, returned."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nextsteps.accounts.models import Actor, acting_user
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write, snapshot
from nextsteps.curriculum.models import Objective, ScaleLevel
from nextsteps.feedback.models import (
    Notification,
    Target,
    TargetEvent,
)
from nextsteps.feedback.services.common import (
    FeedbackRefused,
    check_same_school,
    notify,
    teacher_user_ids,
)
from nextsteps.markbook.models import JudgementSource, Method
from nextsteps.markbook.services import (
    JudgementRefused,
    judgement_record,
)
from nextsteps.markbook.uploads import UploadRefused, checked_upload
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import Class

# ---------------------------------------------------------------------------- targets


def _check_due_on(due_on: dt.date | None) -> None:
    """A target's date is one to aim for: today or later, never one already gone."""
    if due_on is not None and due_on < timezone.localdate():
        raise FeedbackRefused(
            _("The date to achieve the target by (%(date)s) is in the past: choose today or later.")
            % {"date": due_on.strftime("%d/%m/%Y")},
            field="due_on",
        )


@transaction.atomic(durable=True)
def target_set(
    *,
    pupil: Pupil,
    teaching_class: Class,
    objective: Objective,
    wording: str,
    by: Actor | None,
    due_on: dt.date | None = None,
    set_with_pupil: bool = True,
    shared_with_guardians: bool = True,
) -> Target:
    """A target set with the pupil, in their words, linked to a learning intention."""
    wording = wording.strip()
    if not wording:
        raise FeedbackRefused(_("Write the target in the pupil's words."), field="wording")
    _check_due_on(due_on)
    check_same_school(pupil.school_id, teaching_class, objective)
    target = Target.objects.create(
        school_id=pupil.school_id,
        pupil=pupil,
        teaching_class=teaching_class,
        objective=objective,
        wording=wording[:300],
        due_on=due_on,
        set_by=acting_user(by),
        set_with_pupil=set_with_pupil,
        shared_with_guardians=shared_with_guardians,
    )
    TargetEvent.objects.create(
        school_id=pupil.school_id, target=target, kind=TargetEvent.Kind.SET, by=acting_user(by)
    )
    audit_write(actor=by, action=AuditAction.TARGET_SET, target=target)
    return target


TARGET_FIELDS = frozenset({"wording", "due_on", "set_with_pupil", "shared_with_guardians"})


@transaction.atomic(durable=True)
def target_update(*, target: Target, changes: Mapping[str, Any], by: Actor | None) -> Target:
    """Change a target's wording, date or sharing. An achieved target keeps its wording and
    date (it was confirmed as it stood); whether parents see it can still change."""
    unknown = set(changes) - TARGET_FIELDS
    if unknown:
        raise FeedbackRefused(
            _("A target has no %(fields)s to change.") % {"fields": ", ".join(sorted(unknown))}
        )
    target = Target.objects.select_for_update().get(pk=target.pk)
    if target.status == Target.Status.ACHIEVED and set(changes) - {"shared_with_guardians"}:
        raise FeedbackRefused(
            _("This target is achieved; only whether parents see it can change. Set a new one.")
        )
    if "wording" in changes:
        wording = str(changes["wording"] or "").strip()
        if not wording:
            raise FeedbackRefused(_("Write the target in the pupil's words."))
        changes = {**changes, "wording": wording[:300]}
    if "due_on" in changes and changes["due_on"] != target.due_on:
        _check_due_on(changes["due_on"])  # a date already past may stay; a new one may not
    before = snapshot(target)
    changed = [name for name, value in changes.items() if getattr(target, name) != value]
    if not changed:
        return target
    for name in changed:
        setattr(target, name, changes[name])
    target.updated_at = timezone.now()
    target.save(update_fields=[*changed, "updated_at"])
    audit_write(actor=by, action=AuditAction.TARGET_UPDATE, target=target, before=before)
    return target


def _target_url(target: Target) -> str:
    urn = Class.objects.filter(pk=target.teaching_class_id).values_list("school__urn", flat=True)[0]
    return reverse("feedback:target_detail", kwargs={"urn": urn, "target_id": target.pk})


@transaction.atomic(durable=True)
def target_claim(
    *, target: Target, by: Actor | None, comment: str = "", file: UploadedFile[bytes] | None = None
) -> Target:
    """The pupil says they have achieved the target, with a comment or evidence."""
    target = Target.objects.select_for_update().get(pk=target.pk)
    if target.status != Target.Status.OPEN:
        raise FeedbackRefused(_("This target is already claimed or achieved."))
    if not comment.strip() and file is None:
        raise FeedbackRefused(_("Say how you know you have done it, or add a photo."))
    upload = None
    if file is not None:
        try:
            upload = checked_upload(file)
        except UploadRefused as error:
            raise FeedbackRefused(str(error)) from error
    TargetEvent.objects.create(
        school_id=target.school_id,
        target=target,
        kind=TargetEvent.Kind.CLAIMED,
        comment=comment.strip(),
        by=acting_user(by),
        file=upload.file if upload else "",
        content_type=upload.content_type if upload else "",
        original_name=upload.name[:200] if upload else "",
    )
    target.status = Target.Status.CLAIMED
    target.updated_at = timezone.now()
    target.save(update_fields=["status", "updated_at"])
    audit_write(actor=by, action=AuditAction.TARGET_CLAIM, target=target)
    pupil = Pupil.objects.get(pk=target.pupil_id)
    notify(
        user_ids=teacher_user_ids(target.teaching_class),
        school_id=target.school_id,
        kind=Notification.Kind.TARGET_CLAIMED,
        message=_("%(pupil)s says they have achieved: %(target)s")
        % {"pupil": pupil.name, "target": target.wording},
        url=_target_url(target),
    )
    return target


@transaction.atomic(durable=True)
def target_confirm(
    *, target: Target, level: ScaleLevel, by: Actor | None, note: str = ""
) -> Target:
    """The teacher agrees the target is achieved; this records a judgement on its objective."""
    target = (
        Target.objects.select_for_update().select_related("pupil", "objective").get(pk=target.pk)
    )
    if target.status == Target.Status.ACHIEVED:
        raise FeedbackRefused(_("This target is already confirmed as achieved."))
    try:
        judgement = judgement_record(
            pupil=target.pupil,
            objective=target.objective,
            level=level,
            by=by,
            source=JudgementSource.TEACHER,
            method=Method.TASK,
            note=note.strip() or _("Target achieved: %(target)s") % {"target": target.wording},
            teaching_class=target.teaching_class,
        )
    except JudgementRefused as error:
        raise FeedbackRefused(str(error)) from error
    TargetEvent.objects.create(
        school_id=target.school_id,
        target=target,
        kind=TargetEvent.Kind.CONFIRMED,
        comment=note.strip(),
        by=acting_user(by),
    )
    target.status = Target.Status.ACHIEVED
    target.judgement = judgement
    target.updated_at = timezone.now()
    target.save(update_fields=["status", "judgement", "updated_at"])
    audit_write(actor=by, action=AuditAction.TARGET_CONFIRM, target=target)
    notify(
        user_ids=[target.pupil.user_id],
        school_id=target.school_id,
        kind=Notification.Kind.TARGET_CONFIRMED,
        message=_("Well done! You achieved your target: %(target)s") % {"target": target.wording},
        url=_target_url(target),
    )
    return target


@transaction.atomic(durable=True)
def target_return(*, target: Target, comment: str, by: Actor | None) -> Target:
    """Not yet: the target goes back to the pupil with a comment on what to do next."""
    target = Target.objects.select_for_update().select_related("pupil").get(pk=target.pk)
    if target.status != Target.Status.CLAIMED:
        raise FeedbackRefused(_("Only a claimed target can be returned."))
    if not comment.strip():
        raise FeedbackRefused(_("Say what the pupil still needs to do."))
    TargetEvent.objects.create(
        school_id=target.school_id,
        target=target,
        kind=TargetEvent.Kind.RETURNED,
        comment=comment.strip(),
        by=acting_user(by),
    )
    target.status = Target.Status.OPEN
    target.updated_at = timezone.now()
    target.save(update_fields=["status", "updated_at"])
    audit_write(actor=by, action=AuditAction.TARGET_RETURN, target=target)
    notify(
        user_ids=[target.pupil.user_id],
        school_id=target.school_id,
        kind=Notification.Kind.TARGET_RETURNED,
        message=_("Keep going with your target: %(target)s") % {"target": target.wording},
        url=_target_url(target),
    )
    return target
