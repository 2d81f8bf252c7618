"""The daily e-mail summary: off unless a person chooses it, once a day each, through
Django's e-mail settings (the locmem backend in tests), and `nextsteps notify digest`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from nextsteps.audit.models import AuditEvent
from nextsteps.feedback import selectors, services
from nextsteps.feedback.models import EmailDigestChoice, EmailDigestSent, Notification
from tests.conftest import Cast
from tests.feedback.conftest import URN

CHOOSE = f"/school/{URN}/feedback/notifications/email/"


def with_email(cast: Cast, username: str) -> None:
    user = cast.user(username)
    user.email = f"{username}@example.org"
    user.save(update_fields=["email"])


def test_nobody_gets_e_mail_unless_they_choose_it(cast: Cast) -> None:
    with_email(cast, "teacher")
    assert Notification.objects.filter(recipient=cast.user("teacher")).exists()
    assert services.email_digest_send(day=timezone.localdate()) == []
    assert mail.outbox == []


def test_a_parent_chooses_the_daily_e_mail_on_whats_new(cast: Cast) -> None:
    with_email(cast, "parent")
    client = cast.client("parent")
    page = client.get(f"/school/{URN}/feedback/notifications/").content.decode()
    assert "E-mail me a daily summary" in page
    assert client.post(CHOOSE, {"daily": "1"}).status_code == 302
    assert selectors.email_digest_chosen(cast.user("parent"))
    assert AuditEvent.objects.filter(action="notifications.email_digest").count() == 1
    page = client.get(f"/school/{URN}/feedback/notifications/").content.decode()
    assert "parent@example.org" in page and "Stop the daily e-mail" in page
    client.post(CHOOSE, {"daily": "0"})
    assert not selectors.email_digest_chosen(cast.user("parent"))


def test_without_an_e_mail_address_the_choice_is_refused_with_the_reason(cast: Cast) -> None:
    client = cast.client("teacher")
    response = client.post(CHOOSE, {"daily": "1"}, follow=True)
    assert "Your account has no e-mail address" in response.content.decode()
    assert not EmailDigestChoice.objects.filter(daily=True).exists()


def test_pupils_are_not_offered_e_mail(cast: Cast) -> None:
    client = cast.client("pupil")
    page = client.get(f"/school/{URN}/feedback/notifications/").content.decode()
    assert "daily summary" not in page
    assert client.post(CHOOSE, {"daily": "1"}).status_code == 403
    assert cast.client("otherteacher").post(CHOOSE, {"daily": "1"}).status_code == 404
    assert not EmailDigestChoice.objects.exists()


def test_the_digest_is_sent_once_a_day_with_the_unread_notes(cast: Cast) -> None:
    with_email(cast, "teacher")
    teacher = cast.user("teacher")
    services.email_digest_choose(user=teacher, daily=True)
    today = timezone.localdate()
    unread = Notification.objects.filter(recipient=teacher, read_at__isnull=True).count()
    assert unread
    sent = services.email_digest_send(day=today)
    assert sent == [("teacher@example.org", min(unread, 100))]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["teacher@example.org"]
    assert "From home" in message.body  # the demo's parent replies
    assert "http://localhost:8000/school/" in message.body
    html, kind = message.alternatives[0]  # type: ignore[attr-defined]
    assert kind == "text/html" and "<a href=" in html
    # A second run the same day sends nothing and records nothing more.
    assert services.email_digest_send(day=today) == []
    assert len(mail.outbox) == 1
    assert EmailDigestSent.objects.filter(user=teacher, day=today).count() == 1


def test_the_next_days_digest_has_only_what_is_new_since(cast: Cast) -> None:
    with_email(cast, "teacher")
    teacher = cast.user("teacher")
    services.email_digest_choose(user=teacher, daily=True)
    today = timezone.localdate()
    services.email_digest_send(day=today)
    tomorrow = today + dt.timedelta(days=1)
    assert services.email_digest_send(day=tomorrow) == []  # nothing new since
    services.notify(
        user_ids=[teacher.pk],
        school_id=cast.primary.pk,
        kind=Notification.Kind.PARENT_REPLY,
        message="A new note from home",
        url="/",
    )
    assert services.email_digest_send(day=tomorrow) == [("teacher@example.org", 1)]
    assert "A new note from home" in mail.outbox[-1].body


def test_a_failed_send_records_nothing_so_the_next_run_tries_again(
    cast: Cast, settings: object
) -> None:
    with_email(cast, "teacher")
    services.email_digest_choose(user=cast.user("teacher"), daily=True)
    settings.EMAIL_BACKEND = "tests.feedback.test_email_digest.FailingBackend"  # type: ignore[attr-defined]
    with pytest.raises(OSError, match="no mail server"):
        services.email_digest_send(day=timezone.localdate())
    assert not EmailDigestSent.objects.exists()


class FailingBackend:
    def __init__(self, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: object) -> int:
        raise OSError("no mail server")


def test_the_command_sends_the_digest_and_a_dry_run_sends_nothing(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    with_email(cast, "teacher")
    services.email_digest_choose(user=cast.user("teacher"), daily=True)
    call_command("notify", "digest", "--dry-run")
    assert "would send teacher@example.org" in capsys.readouterr().out
    assert mail.outbox == []
    call_command("notify", "digest")
    assert "1 summary e-mail(s) sent" in capsys.readouterr().out
    assert len(mail.outbox) == 1
    call_command("notify", "digest")
    assert "0 summary e-mail(s) sent" in capsys.readouterr().out
    with pytest.raises(CommandError, match="is not a date written YYYY-MM-DD"):
        call_command("notify", "digest", "--date", "7/12/2026")
