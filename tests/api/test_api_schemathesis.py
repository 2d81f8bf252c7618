"""Schemathesis drives every operation in the OpenAPI schema with generated input (bounded
examples, so the run stays quick) and finds no server error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from nextsteps.api.api import api
from nextsteps.api.services import token_create
from tests.conftest import Cast

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
APP = get_wsgi_application()


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request, as in production;
    inside a test's transaction that would close it under the test (Django's test client
    disconnects the same signals)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_api_answers_generated_requests_without_a_server_error(case: Any, cast: Cast) -> None:
    _, secret = token_create(user=cast.user("admin"), name="schemathesis", by=None)
    if "urn" in (case.path_parameters or {}):
        case.path_parameters["urn"] = cast.primary.urn
    response = case.call(app=APP, headers={"Authorization": f"Bearer {secret}"})
    case.validate_response(response, checks=[not_a_server_error])
