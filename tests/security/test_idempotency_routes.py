"""Every route that takes an idempotency key keeps both promises of `nextsteps.idempotency`:
the same key with the same request gets the first answer and stores nothing new; the same key
with a different request is refused with 409, naming the key, and stores nothing.

The keyed routes are found, not listed by hand: API operations from the OpenAPI schema (a
request body with an `idempotency_key` field), pages from the URL resolver (a view whose code,
or a helper it calls in its module, reads `idempotency_key`). Each must have a case below, so
a new keyed route fails here until it is shown to keep both promises.
"""

from __future__ import annotations

import ast
import inspect
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from django.test import Client

from nextsteps.api.api import api
from nextsteps.api.services import token_create
from nextsteps.assessments import demo as assessments_demo
from nextsteps.assessments import selectors as assessments_selectors
from nextsteps.assessments.models import Assessment, Mark
from nextsteps.curriculum.models import Objective
from nextsteps.markbook.models import Judgement
from tests.conftest import Cast
from tests.web.test_access_walk import url_patterns

KEY_FIELD = "idempotency_key"


@dataclass(frozen=True)
class Keyed:
    """How to call one keyed route: `send(cast, key, variant)` makes the request (variant 0 and
    1 differ in what they ask for); `stored(cast)` is a snapshot of what the route writes;
    `answer(response)` is the part of the answer a replay must repeat."""

    send: Callable[[Cast, str, int], Any]
    stored: Callable[[Cast], Any]
    answer: Callable[[Any], Any]


def statistics(cast: Cast) -> Objective:
    return Objective.objects.get(framework=cast.maths_framework, code="Y4-ST-01")


def bearer(cast: Cast) -> dict[str, str]:
    _, secret = token_create(user=cast.user("teacher"), name="idempotency walk", by=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post_json(path: str, body: dict[str, Any], cast: Cast) -> Any:
    return Client().post(path, json.dumps(body), content_type="application/json", **bearer(cast))


def judgements_in(cast: Cast) -> int:
    return Judgement.objects.filter(school=cast.primary).count()


# ------------------------------------------------------------------------ the API


def send_judgement_batch(cast: Cast, key: str, variant: int) -> Any:
    objective = statistics(cast)
    levels = list(objective.framework.scale.levels.order_by("position"))
    return post_json(
        f"/api/v1/schools/{cast.primary.urn}/judgements",
        {
            "class_id": cast.four_oak.pk,
            KEY_FIELD: key,
            "judgements": [
                {
                    "pupil_id": cast.amara.pk,
                    "objective_id": objective.pk,
                    "level_id": levels[variant].pk,
                    "method": "observation",
                }
            ],
        },
        cast,
    )


def multiplication(cast: Cast) -> Assessment:
    return Assessment.objects.get(school=cast.primary, name=assessments_demo.MULTIPLICATION_TEST)


def send_marks(cast: Cast, key: str, variant: int) -> Any:
    test = multiplication(cast)
    pupils = assessments_selectors.cohort(test, [cast.four_oak])[:2]
    question = test.questions.order_by("position").first()
    assert question is not None
    return post_json(
        f"/api/v1/schools/{cast.primary.urn}/assessments/{test.pk}/marks",
        {
            KEY_FIELD: key,
            "marks": [
                {"pupil_id": p.pk, "question_id": question.pk, "marks": variant} for p in pupils
            ],
        },
        cast,
    )


def marks_in(cast: Cast) -> list[tuple[int, int, int | None]]:
    return sorted(
        Mark.objects.filter(assessment=multiplication(cast)).values_list(
            "pupil_id", "question_id", "marks"
        )
    )


API_CASES: dict[tuple[str, str], Keyed] = {
    ("post", "/api/v1/schools/{urn}/judgements"): Keyed(
        send=send_judgement_batch, stored=judgements_in, answer=lambda r: r.json()
    ),
    ("post", "/api/v1/schools/{urn}/assessments/{assessment_id}/marks"): Keyed(
        send=send_marks,
        stored=marks_in,
        answer=lambda r: {k: v for k, v in r.json().items() if k != "replayed"},
    ),
}


# ------------------------------------------------------------------------ the pages


def send_markbook_press(cast: Cast, key: str, variant: int) -> Any:
    """A level typed in the markbook, as its script sends it."""
    objective = statistics(cast)
    return cast.client("teacher").post(
        f"/school/{cast.primary.urn}/markbook/classes/{cast.four_oak.pk}"
        f"/cells/{cast.amara.pk}/{objective.pk}/",
        {"position": str(variant + 1), "method": "observation", KEY_FIELD: key},
        HTTP_HX_REQUEST="true",
    )


_practices: dict[str, int] = {}


def send_mtc_practice(cast: Cast, key: str, variant: int) -> Any:
    """A times tables practice handed in by its script: every answer in one JSON request.
    Variant 1 answers the first question wrongly."""
    from nextsteps.mtc.models import PracticeAttempt
    from tests.mtc.helpers import answers, as_json, started

    if key not in _practices:
        _practices[key] = started(cast.amara).pk
    attempt = PracticeAttempt.objects.get(pk=_practices[key])
    body = as_json(answers(attempt, wrong={3} if variant else set()), key)
    return cast.client("pupil").post(
        f"/school/{cast.primary.urn}/mtc/practice/{attempt.pk}/",
        json.dumps(body),
        content_type="application/json",
    )


def mtc_answers_in(cast: Cast) -> list[tuple[int, int, str, bool]]:
    from nextsteps.mtc.models import PracticeAnswer

    return sorted(
        PracticeAnswer.objects.filter(attempt__pupil=cast.amara).values_list(
            "attempt_id", "position", "answer", "correct"
        )
    )


WEB_CASES: dict[str, Keyed] = {
    "markbook_cell": Keyed(
        send=send_markbook_press, stored=judgements_in, answer=lambda r: r.content
    ),
    "practice": Keyed(send=send_mtc_practice, stored=mtc_answers_in, answer=lambda r: r.json()),
}

CASES: dict[str, Keyed] = {
    **{f"{method.upper()} {path}": case for (method, path), case in API_CASES.items()},
    **WEB_CASES,
}


# ------------------------------------------------------------------------ finding keyed routes


def keyed_api_operations() -> set[tuple[str, str]]:
    """API operations whose request body has an idempotency key."""
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    components = schema.get("components", {}).get("schemas", {})
    found = set()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                body = media.get("schema", {})
                if "$ref" in body:
                    body = components[body["$ref"].rsplit("/", 1)[-1]]
                if KEY_FIELD in body.get("properties", {}):
                    found.add((method, path))
    return found


@cache
def _functions(module: Any) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(inspect.getsource(module))
    return {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def _reads_key(functions: dict[str, ast.FunctionDef], name: str, seen: set[str]) -> bool:
    """Whether the function, or a function of its module it calls, names the key field."""
    if name in seen or name not in functions:
        return False
    seen.add(name)
    for node in ast.walk(functions[name]):
        if isinstance(node, ast.Constant) and node.value == KEY_FIELD:
            return True
        if isinstance(node, ast.Name) and _reads_key(functions, node.id, seen):
            return True
    return False


def keyed_web_routes() -> set[str]:
    """Page routes (by URL name) whose view reads an idempotency key from the request."""
    found = set()
    for route, pattern in url_patterns():
        if route.startswith("api/"):
            continue  # walked through the OpenAPI schema
        view = inspect.unwrap(pattern.callback)
        module = inspect.getmodule(view)
        if module is None or not module.__name__.startswith("nextsteps."):
            continue
        if _reads_key(_functions(module), view.__name__, set()):
            found.add(pattern.name or route)
    return found


def test_every_route_that_takes_a_key_has_a_case_here() -> None:
    assert keyed_api_operations() == set(API_CASES), (
        "an API route takes an idempotency key: add it to API_CASES"
    )
    assert keyed_web_routes() == set(WEB_CASES), (
        "a page takes an idempotency key: add it to WEB_CASES"
    )


@pytest.mark.parametrize("route", sorted(CASES))
def test_a_keyed_route_replays_the_same_request_and_refuses_a_different_one(
    cast: Cast, route: str
) -> None:
    case = CASES[route]
    key = f"walk-{uuid.uuid4().hex[:24]}"
    first = case.send(cast, key, 0)
    assert first.status_code in {200, 201}, first.content
    stored = case.stored(cast)

    again = case.send(cast, key, 0)
    assert again.status_code == first.status_code
    assert case.answer(again) == case.answer(first), "a replay gets the first answer"
    assert case.stored(cast) == stored, "a replay stores nothing new"

    different = case.send(cast, key, 1)
    assert different.status_code == 409, different.content
    text = different.content.decode() + different.get("HX-Trigger", "")
    assert key in text, "the refusal names the key"
    assert case.stored(cast) == stored, "a refused request stores nothing"
