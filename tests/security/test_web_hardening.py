"""Web hardening: a post without a CSRF token is refused, security headers, session expiry,
password rules and upload checks. That no page has anything inline for the Content Security
Policy to forgive, and that every post form carries a CSRF token, is checked on every page
of the access walk (`tests/web/test_access_walk.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from nextsteps.curriculum.models import Objective
from nextsteps.markbook.models import Judgement
from nextsteps.markbook.uploads import MAX_BYTES, UploadRefused, checked_upload
from nextsteps.web.middleware import CONTENT_SECURITY_POLICY
from tests.conftest import Cast
from tests.security.pages import OWN_POLICY, page_paths


def test_every_response_carries_the_security_headers(cast: Cast) -> None:
    client = cast.client("teacher")
    for path in [
        *list(page_paths(cast, "teacher"))[:60],
        "/accounts/login/",
        "/privacy/",
        "/healthz",
    ]:
        response = client.get(path)
        where = f"{path} ({response.status_code})"
        policy = response["Content-Security-Policy"]
        if not path.startswith(OWN_POLICY):
            assert policy == CONTENT_SECURITY_POLICY, where
        script_src = next(p for p in policy.split("; ") if p.startswith("script-src"))
        assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src, where
        assert "frame-ancestors 'none'" in policy, where
        assert response["X-Frame-Options"] == "DENY", where
        assert response["X-Content-Type-Options"] == "nosniff", where
        assert response["Referrer-Policy"] == "same-origin", where
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
        assert "geolocation=()" in response["Permissions-Policy"], where


def test_a_post_without_the_csrf_token_is_refused_everywhere(cast: Cast) -> None:
    """Every route that accepts a post refuses one made without the token (403)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.user("teacher"))
    accepted = []
    for path in page_paths(cast, "teacher"):
        if path.startswith("/api/"):
            continue  # bearer tokens are not cookies; the API's session route is checked below
        status = client.post(path, {"name": "x"}).status_code
        if status not in {403, 404, 405}:
            accepted.append(f"{path}: {status}")
    assert accepted == []
    login = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"username": "teacher", "password": settings.NEXTSTEPS_DEMO_PASSWORD}
    )
    assert login.status_code == 403


def test_the_api_refuses_a_cookie_session_post_without_the_csrf_token(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.user("teacher"))
    response = client.post(
        f"/api/v1/schools/{cast.primary.urn}/judgements", data="{}", content_type="application/json"
    )
    assert response.status_code in {401, 403}


def test_an_ended_session_is_signed_out(cast: Cast) -> None:
    client = cast.client("teacher")
    home = f"/school/{cast.primary.urn}/teacher/"
    assert client.get(home).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(home)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_sessions_last_a_school_day_and_end_with_the_browser() -> None:
    assert settings.SESSION_COOKIE_AGE <= 10 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "too short"),
        ("password123", "too common"),
        ("4815162342", "entirely numeric"),
        ("okafor.teacher", "too similar"),
    ],
)
def test_weak_passwords_are_refused(cast: Cast, password: str, reason: str) -> None:
    user = cast.user("teacher")
    user.first_name, user.last_name, user.username = "Grace", "Okafor", "okafor.teacher"
    with pytest.raises(ValidationError, match=reason):
        validate_password(password, user)


def test_a_long_passphrase_is_accepted(cast: Cast) -> None:
    validate_password("purple pens mark the next step", cast.user("teacher"))


def test_passwords_are_hashed_with_argon2_first() -> None:
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


# ------------------------------------------------------------------------------- uploads

HTML = b"<!DOCTYPE html><script>alert(document.cookie)</script>"


def test_a_web_page_named_like_a_photo_is_refused_by_its_content() -> None:
    with pytest.raises(UploadRefused, match="is not a photo, PDF or document"):
        checked_upload(SimpleUploadedFile("working.png", HTML, content_type="image/png"))
    with pytest.raises(UploadRefused, match="is not a photo"):
        checked_upload(SimpleUploadedFile("empty.jpg", b"", content_type="image/jpeg"))


def test_an_oversized_file_is_refused_before_it_is_read() -> None:
    big = SimpleUploadedFile(
        "scan.pdf", b"%PDF-" + b"0" * MAX_BYTES, content_type="application/pdf"
    )
    with pytest.raises(UploadRefused, match="files can be at most 10 MB"):
        checked_upload(big)


def test_the_markbook_refuses_a_disguised_upload_and_records_nothing(
    cast: Cast, media: Any
) -> None:
    objective = Objective.objects.get(framework=cast.maths_framework, code="Y4-ST-01")
    url = (
        f"/school/{cast.primary.urn}/markbook/classes/{cast.four_oak.pk}"
        f"/cells/{cast.amara.pk}/{objective.pk}/"
    )
    before = Judgement.objects.count()
    response = cast.client("teacher").post(
        url,
        {
            "position": "3",
            "photo": SimpleUploadedFile("working.png", HTML, content_type="image/png"),
        },
    )
    assert response.status_code == 422
    assert "is not a photo, PDF or document" in response["HX-Trigger"]
    assert Judgement.objects.count() == before
    assert not list(media.rglob("*.png")) if media.exists() else True


def test_request_bodies_are_limited() -> None:
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024


def test_a_nul_character_in_a_form_or_query_is_refused_before_any_view(cast: Cast) -> None:
    client = cast.client("teacher")
    url = f"/school/{cast.primary.urn}/feedback/classes/{cast.four_oak.pk}/whole-class/new/"
    response = client.post(url, {"title": "Fractions\x00", "praise_1": "ok"})
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    assert "Content-Security-Policy" in response
    assert client.get(f"/school/{cast.primary.urn}/teacher/?q=a\x00b").status_code == 400
