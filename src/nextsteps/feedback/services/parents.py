"""Writes for parents who answer: replies to feedback and next steps, what they did at home,
tips tried, the school's switch for replies, and the daily e-mail summary people choose."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nextsteps.accounts.models import Actor, User, acting_user, signed_in_user
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.feedback.models import (
    CurrentIntention,
    EmailDigestChoice,
    EmailDigestSent,
    Feedback,
    Notification,
    ParentReply,
    ParentReplySettings,
)
from nextsteps.feedback.selectors.parents import replies_open
from nextsteps.feedback.services.common import (
    FeedbackRefused,
    notify,
    teacher_user_ids,
)
from nextsteps.people.models import Guardian, Pupil
from nextsteps.schools.models import School

REPLY_MAX = 1000

# ---------------------------------------------------------------------------- replies


def _checked_text(text: str, *, required: bool) -> str:
    text = text.strip()
    if required and not text:
        raise FeedbackRefused(_("Write your message before sending it."), field="text")
    if len(text) > REPLY_MAX:
        raise FeedbackRefused(
            _(
                "Your message is %(length)d characters long; the most is %(most)d. "
                "Please shorten it and send it again."
            )
            % {"length": len(text), "most": REPLY_MAX},
            field="text",
        )
    return text


def _check_open(school: School) -> None:
    if not replies_open(school):
        raise FeedbackRefused(
            _("The school has turned replies off. Please contact the school office instead.")
        )


@transaction.atomic(durable=True)
def parent_reply(
    *, feedback: Feedback, guardian: Guardian, kind: str, text: str, by: Actor | None
) -> ParentReply:
    """A parent's reply to feedback (or its next step), or what they did at home about it;
    the class's teachers are told."""
    if kind not in {ParentReply.Kind.REPLY, ParentReply.Kind.AT_HOME}:
        raise FeedbackRefused(_("Choose whether this is a reply or what you did at home."))
    if feedback.school_id != guardian.school_id or not feedback.released_to_guardians:
        raise FeedbackRefused(_("This feedback is not shared with parents."))
    _check_open(guardian.school)
    text = _checked_text(text, required=True)
    # A form sent twice (a double tap, a retry after a lost answer) stores one reply: the same
    # words from the same parent about the same feedback are the reply already stored. The
    # feedback's row is locked first, so two copies sent at once cannot both be stored.
    list(Feedback.objects.select_for_update().filter(pk=feedback.pk).values_list("pk"))
    earlier = ParentReply.objects.filter(
        guardian=guardian, feedback=feedback, kind=kind, text=text
    ).first()
    if earlier is not None:
        return earlier
    reply = ParentReply.objects.create(
        school_id=guardian.school_id,
        pupil_id=feedback.pupil_id,
        guardian=guardian,
        kind=kind,
        feedback=feedback,
        teaching_class_id=feedback.teaching_class_id,
        text=text,
        written_by=acting_user(by),
    )
    audit_write(
        actor=by, action=AuditAction(f"parent.{kind}"), target=reply, school=guardian.school
    )
    pupil = reply.pupil
    url = (
        reverse(
            "feedback:submission",
            kwargs={
                "urn": guardian.school.urn,
                "work_id": feedback.submission.work_id,
                "pupil_id": pupil.pk,
            },
        )
        + "#from-home"
        if feedback.submission_id and feedback.submission
        else _profile_url(guardian.school, pupil)
    )
    message = (
        _("%(parent)s wrote about what they did at home with %(pupil)s: %(text)s")
        if kind == ParentReply.Kind.AT_HOME
        else _("%(parent)s replied about %(pupil)s's feedback: %(text)s")
    ) % {"parent": guardian.name, "pupil": pupil.name, "text": reply.text}
    notify(
        user_ids=teacher_user_ids(feedback.teaching_class),
        school_id=guardian.school_id,
        kind=Notification.Kind.PARENT_REPLY,
        message=message,
        url=url,
    )
    return reply


@transaction.atomic(durable=True)
def tip_tried(
    *,
    intention: CurrentIntention,
    tip: str,
    pupil: Pupil,
    guardian: Guardian,
    text: str,
    by: Actor | None,
) -> ParentReply:
    """A parent tried one of the class's "how to help at home" tips. Marking the same tip
    again changes nothing."""
    if intention.school_id != guardian.school_id or tip not in intention.home_help_ideas:
        raise FeedbackRefused(
            _("That tip has changed since the page was opened. Please look at the tips again."),
            field="tip",
        )
    _check_open(guardian.school)
    note = _checked_text(text, required=False)
    earlier = ParentReply.objects.filter(
        guardian=guardian, pupil=pupil, intention=intention, tip=tip, kind="tip_tried"
    ).first()
    if earlier is not None:
        return earlier
    reply = ParentReply.objects.create(
        school_id=guardian.school_id,
        pupil=pupil,
        guardian=guardian,
        kind=ParentReply.Kind.TIP_TRIED,
        teaching_class_id=intention.teaching_class_id,
        intention=intention,
        tip=tip[:300],
        text=note,
        written_by=acting_user(by),
    )
    audit_write(actor=by, action=AuditAction.PARENT_TIP_TRIED, target=reply, school=guardian.school)
    message = _("%(parent)s tried a tip at home with %(pupil)s: %(tip)s") % {
        "parent": guardian.name,
        "pupil": pupil.name,
        "tip": tip,
    }
    if note:
        message = f"{message} ({note})"
    notify(
        user_ids=teacher_user_ids(intention.teaching_class),
        school_id=guardian.school_id,
        kind=Notification.Kind.PARENT_REPLY,
        message=message,
        url=_profile_url(guardian.school, pupil),
    )
    return reply


def _profile_url(school: School, pupil: Pupil) -> str:
    return (
        reverse("feedback:pupil", kwargs={"urn": school.urn, "pupil_id": pupil.pk}) + "#from-home"
    )


@transaction.atomic(durable=True)
def replies_open_set(
    *, school: School, open_to_parents: bool, by: Actor | None
) -> ParentReplySettings:
    """Turn parents' replies on or off for the school (replies already written are kept)."""
    row, _created = ParentReplySettings.objects.get_or_create(school=school)
    before = row.replies_open
    if before == open_to_parents and not _created:
        return row
    row.replies_open = open_to_parents
    row.updated_at = timezone.now()
    row.updated_by = acting_user(by)
    row.save(update_fields=["replies_open", "updated_at", "updated_by"])
    audit_write(
        actor=by,
        action=AuditAction.FEEDBACK_PARENT_REPLIES,
        target=row,
        school=school,
        before={"replies_open": before},
        after={"replies_open": open_to_parents},
    )
    return row


# ---------------------------------------------------------------------------- e-mail digest


@transaction.atomic(durable=True)
def email_digest_choose(*, user: Actor, daily: bool) -> EmailDigestChoice:
    """A person chooses (or stops) a daily e-mail of what is new for them."""
    choice, _created = EmailDigestChoice.objects.get_or_create(user=signed_in_user(user))
    if choice.daily != daily:
        choice.daily = daily
        choice.updated_at = timezone.now()
        choice.save(update_fields=["daily", "updated_at"])
        audit_write(
            actor=user,
            action=AuditAction.NOTIFICATIONS_EMAIL_DIGEST,
            target=choice,
            target_label=user.get_username(),
            after={"daily": daily},
        )
    return choice


def email_digest_send(*, day: dt.date, dry_run: bool = False) -> list[tuple[str, int]]:
    """Send each person who chose it one e-mail of their unread notifications since their
    last summary (at most a week back). Once a day each: a second run that day sends nothing.
    Returns (address, notifications) for each e-mail sent (or that would be, on a dry run)."""
    sent: list[tuple[str, int]] = []
    choices = (
        EmailDigestChoice.objects.filter(daily=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    done_today = set(EmailDigestSent.objects.filter(day=day).values_list("user_id", flat=True))
    for choice in choices:
        if choice.user_id in done_today:
            continue
        notes = _digest_notes(choice.user, day)
        if not notes:
            continue
        if not dry_run and not _send_one(choice.user, day, notes):
            continue
        sent.append((choice.user.email, len(notes)))
    return sent


def _digest_notes(user: User, day: dt.date) -> list[Notification]:
    last = EmailDigestSent.objects.filter(user=user, day__lt=day).order_by("-day").first()
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    since = end - dt.timedelta(days=7)
    if last is not None and last.sent_at > since:
        since = last.sent_at
    return list(
        Notification.objects.filter(
            recipient=user, read_at__isnull=True, created_at__gt=since, created_at__lt=end
        )
        .select_related("school")
        .order_by("school__name", "-created_at")[:100]
    )


def _send_one(user: User, day: dt.date, notes: list[Notification]) -> bool:
    """Record the summary and send it in one transaction: if sending fails, nothing is
    recorded and the next run tries again; if another run recorded it first, nothing is sent."""
    site = settings.NEXTSTEPS_SITE_URL
    schools: dict[str, list[dict[str, str]]] = {}
    for note in notes:
        schools.setdefault(note.school.name, []).append(
            {
                "kind": str(note.get_kind_display()),
                "message": note.message,
                "when": timezone.localtime(note.created_at).strftime("%a %d %b, %H:%M"),
                "link": f"{site}{note.url}" if note.url.startswith("/") else "",
            }
        )
    with translation.override("en-gb"):
        context = {"user": user, "day": day, "schools": schools, "count": len(notes), "site": site}
        subject = ngettext(
            "What's new in nextsteps: %(count)d note",
            "What's new in nextsteps: %(count)d notes",
            len(notes),
        ) % {"count": len(notes)}
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("feedback/email/digest.txt", context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("feedback/email/digest.html", context), "text/html"
        )
    try:
        with transaction.atomic(durable=True):
            EmailDigestSent.objects.create(user=user, day=day, notifications=len(notes))
            message.send()
    except IntegrityError:
        return False
    return True
