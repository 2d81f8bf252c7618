"""API test helpers: a bearer token for a cast member."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from nextsteps.api.services import token_create
from tests.conftest import Cast


@pytest.fixture
def bearer(cast: Cast) -> Callable[[str], dict[str, Any]]:
    """Headers that authenticate as a user with a fresh personal token."""

    def make(username: str) -> dict[str, Any]:
        _, secret = token_create(user=cast.user(username), name="tests", by=None)
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return make


@pytest.fixture
def anonymous(db: Any) -> Client:
    return Client()
