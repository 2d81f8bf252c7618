"""Schools that require two-step sign-in for staff; the security settings page; the privacy
notice; the record of who viewed a pupil's pages."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nextsteps.api.services import token_create
from nextsteps.audit.models import AuditEvent
from nextsteps.security.models import SchoolSecurity
from tests.conftest import Cast


def require_second_factor(cast: Cast) -> None:
    SchoolSecurity.objects.update_or_create(
        school=cast.primary, defaults={"staff_second_factor_required": True}
    )


def test_staff_without_an_authenticator_are_sent_to_set_one_up(cast: Cast) -> None:
    require_second_factor(cast)
    teacher = cast.client("teacher")
    response = teacher.get(f"/school/{cast.primary.urn}/teacher/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/setup/"
    setup = teacher.get("/accounts/two-factor/setup/")
    assert setup.status_code == 200
    assert b"Set up two-step sign-in" in setup.content


def test_a_teacher_who_sets_up_the_authenticator_gets_in(cast: Cast) -> None:
    require_second_factor(cast)
    teacher = cast.client("teacher")
    teacher.get("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(user__username="teacher", confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    assert teacher.post("/accounts/two-factor/setup/", {"token": code}).status_code == 302
    assert teacher.get(f"/school/{cast.primary.urn}/teacher/").status_code == 200


def test_staff_with_an_authenticator_must_still_give_a_code_each_session(cast: Cast) -> None:
    require_second_factor(cast)
    TOTPDevice.objects.create(user=cast.user("teacher"), name="phone", confirmed=True)
    response = cast.client("teacher").get(f"/school/{cast.primary.urn}/teacher/")
    assert response["Location"] == "/accounts/two-factor/"


def test_the_rule_binds_only_staff_of_that_school(cast: Cast) -> None:
    require_second_factor(cast)
    assert cast.client("pupil").get(f"/school/{cast.primary.urn}/pupil/").status_code == 200
    assert cast.client("parent").get(f"/school/{cast.primary.urn}/guardian/").status_code == 200
    # Mrs Shah works only at Kingsmead, which has not asked for it.
    assert cast.client("hod").get(f"/school/{cast.secondary.urn}/hod/").status_code == 200
    # Ms Patel works at both: one school's rule is enough.
    assert cast.client("admin").get(f"/school/{cast.secondary.urn}/admin/").status_code == 302


def test_the_api_refuses_a_browser_session_that_skipped_the_second_factor(cast: Cast) -> None:
    require_second_factor(cast)
    assert cast.client("teacher").get("/api/v1/me").status_code == 401


def test_reading_the_schools_rule_costs_no_extra_query(cast: Cast) -> None:
    """The rule is loaded with the person's memberships (one joined query)."""
    client = cast.client("hod")
    url = f"/school/{cast.secondary.urn}/hod/"
    client.get(url)
    before = len(_queries(client, url))
    SchoolSecurity.objects.create(school=cast.secondary, staff_second_factor_required=False)
    assert len(_queries(client, url)) == before


def _queries(client: Client, url: str) -> list[Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return list(captured.captured_queries)


def test_data_manager_turns_on_the_rule_and_sets_retention(cast: Cast) -> None:
    admin = cast.client("admin")
    url = f"/school/{cast.primary.urn}/security/"
    page = admin.get(url)
    assert page.status_code == 200
    assert b"Leavers due for erasure" in page.content
    response = admin.post(
        url,
        {
            "staff_second_factor_required": "on",
            "leaver_retention_months": "36",
            "privacy_contact": "dpo@hollins.example",
        },
    )
    assert response.status_code == 302
    rules = SchoolSecurity.objects.get(school=cast.primary)
    assert rules.staff_second_factor_required and rules.leaver_retention_months == 36
    event = AuditEvent.objects.get(action="security.settings_update", school=cast.primary)
    assert event.actor == cast.user("admin")


def test_a_nonsense_retention_period_is_refused_and_changes_nothing(cast: Cast) -> None:
    url = f"/school/{cast.primary.urn}/security/"
    for value, message in (
        ("0", "at least 1 month"),
        ("999", "at most 300 months"),
        ("two years", "whole number"),
    ):
        response = cast.client("admin").post(url, {"leaver_retention_months": value})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not SchoolSecurity.objects.filter(school=cast.primary).exists()


def test_security_settings_are_for_data_managers_and_leaders_of_the_school(cast: Cast) -> None:
    url = f"/school/{cast.primary.urn}/security/"
    assert cast.client("primaryhead").get(url).status_code == 200
    for username in ("teacher", "ta", "pupil", "parent", "hod", "leader", "otherteacher"):
        assert cast.client(username).get(url).status_code == cast.refused(username), username
        posted = cast.client(username).post(url, {"leaver_retention_months": "1"})
        assert posted.status_code == cast.refused(username), username


def test_privacy_notice_is_public_and_linked_from_every_page(cast: Cast) -> None:
    SchoolSecurity.objects.create(
        school=cast.primary, leaver_retention_months=18, privacy_contact="dpo@hollins.example"
    )
    response = Client().get("/privacy/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Privacy notice" in text and "18 months" in text and "dpo@hollins.example" in text
    assert "Information Commissioner" in text
    assert 'href="/privacy/"' in Client().get("/accounts/login/").content.decode()
    assert (
        'href="/privacy/"'
        in cast.client("teacher").get(f"/school/{cast.primary.urn}/teacher/").content.decode()
    )


def views_of(cast: Cast, username: str) -> int:
    return AuditEvent.objects.filter(
        action="pupil.view", target_id=str(cast.amara.pk), actor__username=username
    ).count()


def test_viewing_a_pupils_pages_is_recorded_once_a_day_per_person(cast: Cast) -> None:
    teacher = cast.client("teacher")
    urls = [
        f"/school/{cast.primary.urn}/pupils/{cast.amara.pk}/",
        f"/school/{cast.primary.urn}/markbook/pupils/{cast.amara.pk}/",
    ]
    for url in urls * 3:
        assert teacher.get(url).status_code == 200
    assert views_of(cast, "teacher") == 1
    event = AuditEvent.objects.get(action="pupil.view", actor__username="teacher")
    assert event.school == cast.primary and event.target_label == "Amara Hughes"
    cast.client("parent").get(urls[0])
    assert views_of(cast, "parent") == 1
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=tomorrow):
        teacher.get(urls[0])
    assert views_of(cast, "teacher") == 2


def test_a_refused_view_is_not_recorded_as_a_view(cast: Cast) -> None:
    cast.client("otherteacher").get(f"/school/{cast.primary.urn}/pupils/{cast.amara.pk}/")
    assert views_of(cast, "otherteacher") == 0


def test_api_reads_of_a_pupil_are_recorded_without_a_session(cast: Cast) -> None:
    cache.clear()
    _, secret = token_create(user=cast.user("teacher"), name="views", by=None)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    url = f"/api/v1/schools/{cast.primary.urn}/pupils/{cast.amara.pk}"
    for _ in range(3):
        response = Client().get(url, **headers)
        assert response.status_code == 200
        assert "sessionid" not in response.cookies
    assert views_of(cast, "teacher") == 1
