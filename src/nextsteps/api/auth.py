"""Who is calling the API: a personal token (`Authorization: Bearer …`) or a signed-in session.

Both note that the access module was asked, so a refused request is answered (401) rather than
failed by `access.AccessCheckedMiddleware`; every route then asks `access` for what it loads.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from nextsteps import access
from nextsteps.api.models import ApiToken
from nextsteps.api.services import token_digest

TOUCH_EVERY = dt.timedelta(minutes=5)
READING = frozenset({"GET", "HEAD", "OPTIONS"})


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        access.mark_asked()
        found = (
            ApiToken.objects.filter(digest=token_digest(token), revoked_at__isnull=True)
            .select_related("user")
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        refuse_beyond_its_terms(found, request.method or "GET")
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user

    def __call__(self, request: HttpRequest) -> Any:
        access.mark_asked()
        return super().__call__(request)


def refuse_beyond_its_terms(token: ApiToken, method: str) -> None:
    """An expired token answers 401 and a read-only token's write 403, each saying why (a
    client's log then tells its owner what to change, rather than a bare "Unauthorized")."""
    if token.expired:
        raise HttpError(
            401,
            f"This API token ({token.prefix}…) expired at the end of "
            f"{token.expires_on:%d %B %Y}; make a new one on the API tokens page.",
        )
    if token.read_only and method.upper() not in READING:
        raise HttpError(
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

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        access.mark_asked()
        user = request.user
        if not user.is_authenticated:
            return None
        if access.second_factor_outstanding(user) is not None:
            return None
        return user

    def __call__(self, request: HttpRequest) -> Any:
        access.mark_asked()
        return super().__call__(request)
