"""Who is calling the API: a personal token (`Authorization: Bearer …`) or a signed-in session.

The authenticators only say who is calling; they decide nothing about a school's data, so they
do not tell the access module it was asked. Every route asks `access` (or its app's
permissions) for what it loads, and `access.AccessCheckedMiddleware` fails a route that does
not, as it fails a page. A caller refused here (no token, an expired or read-only one, a
session without its CSRF token) is answered by the API's `sign_in_refused` handler.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer

from nextsteps import access
from nextsteps.api.models import ApiToken
from nextsteps.api.selectors import live_token
from nextsteps.api.services import token_touch

TOUCH_EVERY = dt.timedelta(minutes=5)
READING = frozenset({"GET", "HEAD", "OPTIONS"})


class SignInRefused(AuthenticationError):
    """The caller is refused before any route runs: 401 (who are you?) or 403 (not with this
    token, or not without the CSRF token), with the reason."""


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = live_token(token)
        if found is None or not found.user.is_active:
            return None
        refuse_beyond_its_terms(found, request.method or "GET")
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > TOUCH_EVERY:
            token_touch(token=found, now=now)
        request.user = found.user
        return found.user


def refuse_beyond_its_terms(token: ApiToken, method: str) -> None:
    """An expired token answers 401 and a read-only token's write 403, each saying why (a
    client's log then tells its owner what to change, rather than a bare "Unauthorized")."""
    if token.expired:
        raise SignInRefused(
            401,
            f"This API token ({token.prefix}…) expired at the end of "
            f"{token.expires_on:%d %B %Y}; make a new one on the API tokens page.",
        )
    if token.read_only and method.upper() not in READING:
        raise SignInRefused(
            403,
            f"This API token ({token.prefix}…) is read-only: it may read but not change "
            "anything. Use a token that may write for this request.",
        )


class Session(APIKeyCookie):
    """The browser session of a signed-in person (the docs page's "Try it out")."""

    openapi_description = "A signed-in browser session (unsafe methods need the CSRF token)."

    def __init__(self) -> None:
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        try:
            return super()._get_key(request)
        except HttpError as refused:  # an unsafe method without the CSRF token
            raise SignInRefused(refused.status_code, str(refused)) from refused

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if access.second_factor_outstanding(user) is not None:
            return None
        return user
