"""Reads of API tokens: a caller's token by its secret, a person's tokens for their page."""

from __future__ import annotations

from nextsteps.accounts.models import Actor, signed_in_user
from nextsteps.api.models import ApiToken
from nextsteps.api.services import token_digest


def tokens_of(user: Actor) -> list[ApiToken]:
    """The person's own tokens, live and revoked."""
    return list(ApiToken.objects.filter(user=signed_in_user(user)))


def live_token(secret: str) -> ApiToken | None:
    """The token with this secret, with its person, unless it was revoked (one query)."""
    return (
        ApiToken.objects.filter(digest=token_digest(secret), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
