"""Tokens with terms: read-only tokens refused on writes, expired tokens refused, both with a
JSON answer saying why; unknown API addresses answer JSON; the token page sets both terms."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from nextsteps.api.models import ApiToken
from nextsteps.api.services import token_create
from nextsteps.markbook.models import Judgement
from tests.api.test_api import _batch
from tests.conftest import Cast


def headers_for(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_read_only_token_reads_but_is_refused_on_a_write(cast: Cast) -> None:
    _, secret = token_create(user=cast.user("teacher"), name="trust", by=None, read_only=True)
    urn = cast.primary.urn
    reading = Client().get(f"/api/v1/schools/{urn}/standings", **headers_for(secret))
    assert reading.status_code == 200
    before = Judgement.objects.count()
    answer = Client().post(
        f"/api/v1/schools/{urn}/judgements",
        json.dumps(_batch(cast, 2)),
        content_type="application/json",
        **headers_for(secret),
    )
    assert answer.status_code == 403
    assert "read-only" in answer.json()["detail"]
    assert Judgement.objects.count() == before


def test_the_same_write_with_a_read_write_token_is_made(cast: Cast) -> None:
    _, secret = token_create(user=cast.user("teacher"), name="app", by=None)
    answer = Client().post(
        f"/api/v1/schools/{cast.primary.urn}/judgements",
        json.dumps(_batch(cast, 2)),
        content_type="application/json",
        **headers_for(secret),
    )
    assert answer.status_code == 201


def test_a_token_works_to_the_end_of_its_last_day_and_is_refused_after(cast: Cast) -> None:
    today = timezone.localdate()
    token, secret = token_create(user=cast.user("teacher"), name="t", by=None, expires_on=today)
    assert Client().get("/api/v1/me", **headers_for(secret)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_on=today - dt.timedelta(days=1))
    answer = Client().get("/api/v1/me", **headers_for(secret))
    assert answer.status_code == 401
    assert "expired" in answer.json()["detail"]
    assert token.prefix in answer.json()["detail"]


def test_a_token_cannot_be_made_already_expired(cast: Cast) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValueError, match="has passed"):
        token_create(user=cast.user("teacher"), name="t", by=None, expires_on=yesterday)


@pytest.mark.parametrize(
    "path", ["/api/v1/no-such-route", "/api/v1/schools/990101/nothing/here", "/api/v2/me"]
)
def test_an_unknown_api_address_answers_json_404(cast: Cast, path: str) -> None:
    for client in (Client(), cast.client("teacher")):
        answer = client.get(path)
        assert answer.status_code == 404
        assert answer["Content-Type"].startswith("application/json")
        assert path in answer.json()["detail"]


def test_the_token_page_makes_a_read_only_token_with_an_expiry(cast: Cast) -> None:
    client = cast.client("teacher")
    url = f"/school/{cast.primary.urn}/data/tokens/"
    page = client.get(url).content.decode()
    assert 'name="read_only"' in page and 'name="expires_on"' in page
    expires = timezone.localdate() + dt.timedelta(days=30)
    answer = client.post(
        url, {"name": "Trust reporting", "read_only": "on", "expires_on": expires.isoformat()}
    )
    assert answer.status_code == 200
    token = ApiToken.objects.get(user__username="teacher", name="Trust reporting")
    assert token.read_only and token.expires_on == expires
    listed = answer.content.decode()
    assert "read only" in listed and expires.strftime("%-d %b %Y") in listed


def test_the_token_page_refuses_an_expiry_in_the_past_saying_so(cast: Cast) -> None:
    client = cast.client("teacher")
    past = timezone.localdate() - dt.timedelta(days=3)
    answer = client.post(
        f"/school/{cast.primary.urn}/data/tokens/",
        {"name": "Old", "expires_on": past.isoformat()},
    )
    assert "has passed" in answer.content.decode()
    assert not ApiToken.objects.filter(name="Old").exists()


def test_the_token_command_makes_and_lists_a_read_only_token(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("token", "create", "teacher", "--read-only", "--expires", "2099-07-31")
    token = ApiToken.objects.get(user__username="teacher")
    assert token.read_only and token.expires_on == dt.date(2099, 7, 31)
    call_command("token", "list", "teacher")
    out = capsys.readouterr().out
    assert "read-only" in out and "expires 2099-07-31" in out
    with pytest.raises(CommandError, match="has passed"):
        call_command("token", "create", "teacher", "--expires", "2001-01-01")
