from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.test import Client

from nextsteps.api.models import ApiToken
from nextsteps.api.services import token_revoke
from nextsteps.markbook.models import Judgement
from nextsteps.teaching.selectors import class_pupils
from tests.conftest import Cast

Bearer = Callable[[str], dict[str, Any]]


def test_openapi_schema_and_docs_are_served_with_local_assets(anonymous: Client) -> None:
    schema = anonymous.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/v1/me", "/api/v1/schools/{urn}/pupils", "/api/v1/schools/{urn}/judgements"):
        assert path in paths
    docs = anonymous.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html
    assert "script-src 'self'" in docs["Content-Security-Policy"]


def test_api_refuses_a_caller_without_a_token(anonymous: Client) -> None:
    assert anonymous.get("/api/v1/me").status_code == 401
    bad = anonymous.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer ns_not-a-token")
    assert bad.status_code == 401


def test_me_with_a_bearer_token_names_the_user_and_roles(cast: Cast, bearer: Bearer) -> None:
    response = Client().get("/api/v1/me", **bearer("teacher"))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "teacher"
    assert {"school_urn": cast.primary.urn, "role": "teacher"}.items() <= body["memberships"][
        0
    ].items()


def test_revoked_token_stops_working_at_once(cast: Cast, bearer: Bearer) -> None:
    headers = bearer("teacher")
    assert Client().get("/api/v1/me", **headers).status_code == 200
    token_revoke(token=ApiToken.objects.get(user__username="teacher"), by=None)
    assert Client().get("/api/v1/me", **headers).status_code == 401


def test_tokens_are_stored_only_as_a_hash(cast: Cast, bearer: Bearer) -> None:
    secret = bearer("admin")["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    token = ApiToken.objects.get(user__username="admin")
    assert secret not in {token.digest, token.prefix, token.name}
    assert len(token.digest) == 64


def test_teacher_lists_only_pupils_of_their_classes_paginated(cast: Cast, bearer: Bearer) -> None:
    url = f"/api/v1/schools/{cast.primary.urn}/pupils?limit=5"
    response = Client().get(url, **bearer("teacher"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(class_pupils(cast.four_oak))
    assert len(body["items"]) == 5
    other = Client().get(f"/api/v1/schools/{cast.other.urn}/pupils", **bearer("teacher"))
    assert other.status_code == 404


def test_pupil_filter_by_upn_finds_one_pupil(cast: Cast, bearer: Bearer) -> None:
    url = f"/api/v1/schools/{cast.primary.urn}/pupils?upn={cast.amara.upn}"
    body = Client().get(url, **bearer("admin")).json()
    assert [item["id"] for item in body["items"]] == [cast.amara.pk]


def test_parent_sees_their_child_and_not_a_classmate(cast: Cast, bearer: Bearer) -> None:
    headers = bearer("parent")
    base = f"/api/v1/schools/{cast.primary.urn}/pupils"
    assert Client().get(f"{base}/{cast.amara.pk}", **headers).status_code == 200
    classmate = next(p for p in class_pupils(cast.four_oak) if p.pk != cast.amara.pk)
    assert Client().get(f"{base}/{classmate.pk}", **headers).status_code == 404
    assert Client().get(f"/api/v1/schools/{cast.primary.urn}/classes", **headers).status_code == 403


def test_framework_detail_lists_objectives_with_steps(cast: Cast, bearer: Bearer) -> None:
    url = f"/api/v1/schools/{cast.primary.urn}/frameworks/{cast.maths_framework.pk}?year_group=4"
    body = Client().get(url, **bearer("teacher")).json()
    assert body["name"] == "Primary mathematics"
    assert body["objectives"] and all(o["year_group"] == 4 for o in body["objectives"])
    assert body["levels"]


def test_wrong_type_is_a_422_naming_the_field(cast: Cast, bearer: Bearer) -> None:
    url = f"/api/v1/schools/{cast.primary.urn}/judgements"
    payload = {
        "class_id": cast.four_oak.pk,
        "judgements": [{"pupil_id": "abc", "objective_id": 1, "level_id": 1}],
    }
    response = Client().post(
        url, json.dumps(payload), content_type="application/json", **bearer("teacher")
    )
    assert response.status_code == 422
    locations = [error["loc"] for error in response.json()["detail"]]
    assert ["body", "payload", "judgements", 0, "pupil_id"] in locations


def _batch(cast: Cast, count: int) -> dict[str, Any]:
    pupils = class_pupils(cast.four_oak)
    objectives = list(cast.maths_framework.objectives.filter(year_group=4).order_by("position"))
    level = cast.maths_framework.scale.levels.order_by("position").last()
    assert level is not None
    return {
        "class_id": cast.four_oak.pk,
        "judgements": [
            {
                "pupil_id": pupils[i % len(pupils)].pk,
                "objective_id": objectives[i // len(pupils) % len(objectives)].pk,
                "level_id": level.pk,
                "method": "observation",
            }
            for i in range(count)
        ],
    }


def test_bulk_create_records_judgements_and_lists_them(cast: Cast, bearer: Bearer) -> None:
    headers = bearer("teacher")
    url = f"/api/v1/schools/{cast.primary.urn}/judgements"
    before = Judgement.objects.count()
    response = Client().post(
        url, json.dumps(_batch(cast, 60)), content_type="application/json", **headers
    )
    assert response.status_code == 201, response.content
    assert response.json()["created"] == 60
    assert Judgement.objects.count() == before + 60
    listed = Client().get(f"{url}?class_id={cast.four_oak.pk}&limit=10", **headers).json()
    assert listed["count"] >= 60 and len(listed["items"]) == 10


def test_bulk_create_refuses_more_than_a_thousand(cast: Cast, bearer: Bearer) -> None:
    url = f"/api/v1/schools/{cast.primary.urn}/judgements"
    response = Client().post(
        url, json.dumps(_batch(cast, 1001)), content_type="application/json", **bearer("teacher")
    )
    assert response.status_code == 422
    assert ["body", "payload", "judgements"] in [e["loc"] for e in response.json()["detail"]]


def test_bulk_create_refuses_a_pupil_outside_the_class_and_writes_nothing(
    cast: Cast, bearer: Bearer
) -> None:
    from nextsteps.people.models import Pupil

    payload = _batch(cast, 3)
    outsider = Pupil.objects.get(school=cast.other)
    payload["judgements"][2]["pupil_id"] = outsider.pk
    before = Judgement.objects.count()
    url = f"/api/v1/schools/{cast.primary.urn}/judgements"
    response = Client().post(
        url, json.dumps(payload), content_type="application/json", **bearer("teacher")
    )
    assert response.status_code == 422
    assert "judgements[2].pupil_id" in response.json()["detail"]
    assert Judgement.objects.count() == before


def test_pupil_cannot_record_judgements(cast: Cast, bearer: Bearer) -> None:
    url = f"/api/v1/schools/{cast.primary.urn}/judgements"
    response = Client().post(
        url, json.dumps(_batch(cast, 1)), content_type="application/json", **bearer("pupil")
    )
    assert response.status_code == 404


def test_standings_per_pupil_and_class_markbook(cast: Cast, bearer: Bearer) -> None:
    headers = bearer("teacher")
    url = f"/api/v1/schools/{cast.primary.urn}/judgements"
    Client().post(url, json.dumps(_batch(cast, 30)), content_type="application/json", **headers)
    standings = (
        Client()
        .get(f"/api/v1/schools/{cast.primary.urn}/pupils/{cast.amara.pk}/standings", **headers)
        .json()
    )
    assert standings["count"] >= 1
    book = Client().get(
        f"/api/v1/schools/{cast.primary.urn}/classes/{cast.four_oak.pk}/markbook"
        f"?framework_id={cast.maths_framework.pk}&year_group=4",
        **headers,
    )
    assert book.status_code == 200
    rows = book.json()["rows"]
    assert len(rows) == len(class_pupils(cast.four_oak))
    assert any(s["evidence_count"] for row in rows for s in row["standings"])


def test_list_routes_have_a_fixed_query_budget(
    cast: Cast, bearer: Bearer, django_assert_max_num_queries: Any
) -> None:
    headers = bearer("admin")
    urn = cast.primary.urn
    Client().post(
        f"/api/v1/schools/{urn}/judgements",
        json.dumps(_batch(cast, 60)),
        content_type="application/json",
        **bearer("teacher"),
    )
    # token lookup and touch, memberships, school, count, page (+ prefetches): not per row
    for path in (
        f"/api/v1/schools/{urn}/pupils?limit=100",
        f"/api/v1/schools/{urn}/classes?limit=100",
        f"/api/v1/schools/{urn}/judgements?limit=100",
        f"/api/v1/schools/{urn}/frameworks?limit=100",
        f"/api/v1/schools/{urn}/classes/{cast.four_oak.pk}/markbook"
        f"?framework_id={cast.maths_framework.pk}",
    ):
        with django_assert_max_num_queries(12):
            assert Client().get(path, **headers).status_code == 200
