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


def known_ids(cast: Cast) -> dict[str, int]:
    from nextsteps.assessments import demo
    from nextsteps.assessments.models import Assessment
    from nextsteps.feedback.models import Target
    from nextsteps.progress.models import Ks2Result

    return {
        "urn": cast.primary.urn,
        "class_id": cast.four_oak.pk,
        "pupil_id": cast.amara.pk,
        "framework_id": cast.maths_framework.pk,
        "assessment_id": Assessment.objects.get(
            school=cast.primary, name=demo.MULTIPLICATION_TEST
        ).pk,
        "target_id": Target.objects.filter(pupil=cast.amara).values_list("pk", flat=True)[0],
        "year": Ks2Result.objects.filter(school=cast.primary).values_list("year", flat=True)[0],
    }


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_api_answers_generated_requests_without_a_server_error(case: Any, cast: Cast) -> None:
    # Reads as the data manager, who sees the whole school; writes as Amara's teacher, who may
    # make them. Ids in the path are real ones, so the generated bodies reach the routes'
    # own checks rather than stopping at "not found".
    writer = case.method.upper() in {"POST", "PATCH", "PUT", "DELETE"}
    user = cast.user("teacher" if writer else "admin")
    _, secret = token_create(user=user, name="schemathesis", by=None)
    known = known_ids(cast)
    for name in case.path_parameters or {}:
        if name in known:
            case.path_parameters[name] = known[name]
    response = case.call(app=APP, headers={"Authorization": f"Bearer {secret}"})
    case.validate_response(response, checks=[not_a_server_error])
