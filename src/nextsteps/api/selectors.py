"""Reads of API tokens, for their page."""

from __future__ import annotations

from typing import Any

from nextsteps.api.models import ApiToken


def tokens_of(user: Any) -> list[ApiToken]:
    """The person's own tokens, live and revoked."""
    return list(ApiToken.objects.filter(user=user))
