"""Shared by the feedback services: the refusal, notifications and input checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nextsteps.access import current_guardian_link
from nextsteps.accounts.models import Actor, signed_in_user
from nextsteps.feedback.models import Notification
from nextsteps.people.models import GuardianLink, Pupil
from nextsteps.teaching.models import Class, ClassStaff, PupilGroup

NEXT_STEP_MAX = 300


class FeedbackRefused(ValueError):
    """A change that cannot be made, with the reason in words the person can act on, and the
    field it is about when it is about one (a form shows it there; the API names it)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# ---------------------------------------------------------------------------- notifications


def notify(
    *, user_ids: Iterable[int | None], school_id: int, kind: str, message: str, url: str
) -> int:
    """Leave a note for each person inside the product (no e-mail is needed)."""
    rows = [
        Notification(
            school_id=school_id, recipient_id=user_id, kind=kind, message=message[:300], url=url
        )
        for user_id in sorted({u for u in user_ids if u})
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def guardian_user_ids(pupil: Pupil) -> list[int]:
    return [
        user_id
        for user_id in GuardianLink.objects.filter(
            current_guardian_link(prefix=""), pupil=pupil
        ).values_list("guardian__user_id", flat=True)
        if user_id
    ]


def teacher_user_ids(teaching_class: Class) -> list[int]:
    return [
        user_id
        for user_id in ClassStaff.objects.filter(
            teaching_class=teaching_class, role=ClassStaff.Role.TEACHER
        ).values_list("staff__user_id", flat=True)
        if user_id
    ]


@transaction.atomic(durable=True)
def notifications_mark_read(
    *, user: Actor, school_id: int, ids: Sequence[int] | None = None
) -> int:
    """Mark the person's notes as read (all of them, or the ones named)."""
    unread = Notification.objects.filter(
        recipient=signed_in_user(user), school_id=school_id, read_at__isnull=True
    )
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


# ---------------------------------------------------------------------------- learning goals


def check_same_school(school_id: int, *rows: Any) -> None:
    for row in rows:
        if row is not None and row.school_id != school_id:
            raise FeedbackRefused(_("%(row)s belongs to another school") % {"row": row})


def check_group(teaching_class: Class, group: PupilGroup | None) -> None:
    if group is not None and group.teaching_class_id != teaching_class.pk:
        raise FeedbackRefused(
            _("%(group)s is not a group in %(class)s")
            % {"group": group.name, "class": teaching_class}
        )
