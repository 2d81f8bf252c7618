"""The access guard (`access.AccessCheckedMiddleware`) covers pages and API routes alike.

A route that answers without asking the access module fails the request, so a new route
cannot forget. The API's authenticators only authenticate: a signed-in caller does not pass
the guard for the route it calls, the route must ask. Callers refused before any route runs
(no token, a body that does not parse) are answered plainly.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from nextsteps import access
from nextsteps import urls as project_urls
from nextsteps.api.services import token_create
from tests.conftest import Cast


def forgetful_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("a page that never asked")


@access.public
def public_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("open to everyone")


urlpatterns = [
    path("forgetful/", forgetful_page),
    path("public/", public_page),
    *project_urls.urlpatterns,
]


@pytest.mark.urls(__name__)
def test_a_page_that_never_asks_access_fails_the_guard(db: Any) -> None:
    with pytest.raises(ImproperlyConfigured, match="without asking the access module"):
        Client().get("/forgetful/")
    assert Client().get("/public/").status_code == 200


def bearer(cast: Cast, username: str) -> dict[str, str]:
    _, secret = token_create(user=cast.user(username), name="guard", by=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_an_api_route_that_never_asks_access_fails_the_guard(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = bearer(cast, "teacher")
    assert Client().get("/api/v1/me", **headers).status_code == 200  # type: ignore[arg-type]
    # The same route, made to read the memberships without asking: the token alone does not
    # pass the guard.
    monkeypatch.setattr(access, "own_memberships", access.memberships)
    with pytest.raises(ImproperlyConfigured, match="/api/v1/me answered without asking"):
        Client().get("/api/v1/me", **headers)  # type: ignore[arg-type]


def test_an_api_session_does_not_pass_the_guard_for_the_route(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client()
    client.force_login(cast.user("teacher"))
    monkeypatch.setattr(access, "own_memberships", access.memberships)
    with pytest.raises(ImproperlyConfigured, match="without asking"):
        client.get("/api/v1/me")


def test_callers_refused_before_the_route_runs_are_answered_plainly(cast: Cast) -> None:
    assert Client().get("/api/v1/me").status_code == 401
    wrong = {"HTTP_AUTHORIZATION": "Bearer not-a-token"}
    assert Client().get("/api/v1/me", **wrong).status_code == 401  # type: ignore[arg-type]
    response = Client().post(
        f"/api/v1/schools/{cast.primary.urn}/judgements",
        data=b"{not json",
        content_type="application/json",
        **bearer(cast, "teacher"),  # type: ignore[arg-type]
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Cannot parse request body")
