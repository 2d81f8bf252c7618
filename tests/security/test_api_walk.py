"""Walk every API operation with every role, a teacher from another school and no one.

Operations come from the OpenAPI schema, so a new route is walked the day it is added. Known
routes have their audience written down here (who gets 200; everyone else 403 or 404, another
school's teacher 404, or 401 without a token); a route not yet listed is still walked for
server errors, anonymous access and the other school's teacher.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client

from nextsteps.api.api import api
from nextsteps.api.services import token_create
from nextsteps.assessments.models import Assessment
from nextsteps.curriculum.models import Objective
from nextsteps.feedback.models import Target
from nextsteps.judging.models import CJSession
from nextsteps.markbook.models import Judgement
from nextsteps.people.models import Pupil
from nextsteps.progress.models import Ks2Result, ReferenceTable
from tests.conftest import Cast

PEOPLE = (
    "admin",
    "leader",
    "hod",
    "teacher",
    "ta",
    "pupil",
    "parent",
    "otherteacher",
    "primaryhead",
)
PRIMARY_ANYONE = {"admin", "teacher", "ta", "pupil", "parent", "primaryhead"}
PRIMARY_STAFF = {"admin", "teacher", "ta", "primaryhead"}

# (method, path) → who gets 200 for the primary school's sample ids.
EXPECTED_API = {
    ("get", "/api/v1/me"): set(PEOPLE),
    ("get", "/api/v1/schools"): set(PEOPLE),
    ("get", "/api/v1/schools/{urn}"): PRIMARY_ANYONE,
    ("get", "/api/v1/schools/{urn}/classes"): PRIMARY_STAFF,
    ("get", "/api/v1/schools/{urn}/classes/{class_id}"): PRIMARY_STAFF,
    ("get", "/api/v1/schools/{urn}/pupils"): PRIMARY_ANYONE,
    ("get", "/api/v1/schools/{urn}/pupils/{pupil_id}"): PRIMARY_ANYONE,
    ("get", "/api/v1/schools/{urn}/frameworks"): PRIMARY_STAFF,
    ("get", "/api/v1/schools/{urn}/frameworks/{framework_id}"): PRIMARY_STAFF,
    ("get", "/api/v1/schools/{urn}/judgements"): PRIMARY_ANYONE,
    ("get", "/api/v1/schools/{urn}/pupils/{pupil_id}/standings"): PRIMARY_ANYONE,
    ("get", "/api/v1/schools/{urn}/classes/{class_id}/markbook"): PRIMARY_STAFF,
    # School-wide standings for reporting tools: staff, each within their own scope.
    ("get", "/api/v1/schools/{urn}/standings"): PRIMARY_STAFF,
    ("get", "/api/v1/schools/{urn}/targets"): PRIMARY_ANYONE,
    ("get", "/api/v1/schools/{urn}/targets/{target_id}"): PRIMARY_ANYONE,  # Amara's own
    ("get", "/api/v1/schools/{urn}/assessments"): PRIMARY_STAFF,
    ("get", "/api/v1/schools/{urn}/assessments/{assessment_id}"): PRIMARY_STAFF,
    ("get", "/api/v1/schools/{urn}/assessments/{assessment_id}/marks"): PRIMARY_STAFF,
    ("get", "/api/v1/schools/{urn}/pupils/{pupil_id}/progress"): PRIMARY_STAFF,
    # Progress measures are for the school's leaders and data manager; a primary school has
    # no Progress 8, and the DfE's tables are read through the school that uses them.
    ("get", "/api/v1/schools/{urn}/progress"): {"admin", "primaryhead"},
    ("get", "/api/v1/schools/{urn}/progress/tables"): {"admin", "primaryhead"},
    ("get", "/api/v1/schools/{urn}/progress/tables/{table_id}"): set(),
    ("get", "/api/v1/schools/{urn}/progress/ks2/{year}"): {"admin", "primaryhead"},
    ("get", "/api/v1/schools/{urn}/progress/p8/{year}"): set(),
    ("get", "/api/v1/schools/{urn}/progress/ks4/{year}"): set(),
    # Options against the KS4 models are for secondary schools (Kingsmead's in the walk).
    ("get", "/api/v1/schools/{urn}/progress/options"): set(),
    # The demo's comparative judgement sessions are Kingsmead's: the primary school's URL finds
    # none (their organisers' reads are tested in tests/judging/test_comparative.py).
    ("get", "/api/v1/schools/{urn}/cj-sessions/{session_id}/report"): set(),
}


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return [
        (method, path, operation)
        for path, methods in sorted(schema["paths"].items())
        for method, operation in sorted(methods.items())
    ]


def samples(cast: Cast) -> dict[str, Any]:
    return {
        "urn": cast.primary.urn,
        "class_id": cast.four_oak.pk,
        "pupil_id": cast.amara.pk,
        "framework_id": cast.maths_framework.pk,
        "target_id": Target.objects.filter(pupil=cast.amara).values_list("pk", flat=True)[0],
        "assessment_id": Assessment.objects.filter(school=cast.primary, classes=cast.four_oak)
        .values_list("pk", flat=True)
        .first(),
        "table_id": ReferenceTable.objects.filter(source="dfe").values_list("pk", flat=True)[0],
        "session_id": CJSession.objects.values_list("pk", flat=True).first(),
        "year": Ks2Result.objects.filter(school=cast.primary).values_list("year", flat=True)[0],
    }


def url_for(path: str, operation: dict[str, Any], values: dict[str, Any]) -> str:
    url = path
    for name, value in values.items():
        url = url.replace("{" + name + "}", str(value))
    assert "{" not in url, f"add a sample value for {url} (tests/security/test_api_walk.py)"
    required = [
        p["name"]
        for p in operation.get("parameters", [])
        if p["in"] == "query" and p.get("required")
    ]
    missing = [name for name in required if name not in values]
    assert not missing, f"add a sample value for the query parameters {missing} of {path}"
    return url + ("?" + "&".join(f"{n}={values[n]}" for n in required) if required else "")


def bearer(cast: Cast, username: str) -> dict[str, str]:
    _, secret = token_create(user=cast.user(username), name="walk", by=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def call(client: Client, method: str, url: str, headers: dict[str, str]) -> Any:
    if method == "get":
        return client.get(url, **headers)
    return getattr(client, method)(url, data="{}", content_type="application/json", **headers)


@pytest.mark.parametrize("username", [*PEOPLE, None])
def test_every_api_operation_answers_each_person_as_expected(
    cast: Cast, username: str | None
) -> None:
    headers = bearer(cast, username) if username else {}
    problems = []
    for method, path, operation in operations():
        url = url_for(path, operation, samples(cast))
        status = call(Client(), method, url, headers).status_code
        where = f"{method.upper()} {url} as {username or 'no one'}: {status}"
        if status >= 500:
            problems.append(f"{where} (server error)")
        elif username is None:
            if status != 401:
                problems.append(f"{where}, expected 401")
        elif (method, path) in EXPECTED_API:
            # Refused: 403 to a person of the school whose role the route is not for, saying
            # so; 404 where saying so could reveal something (another school, an object
            # outside the person's scope).
            expected = {200} if username in EXPECTED_API[(method, path)] else {403, 404}
            if username == "otherteacher" and "{urn}" in path:
                expected = {404}
            if status not in expected:
                problems.append(f"{where}, expected {sorted(expected)}")
        elif method != "get" and status < 400:
            problems.append(f"{where}: an empty body was accepted")
        if username == "otherteacher" and "{urn}" in path and status < 400:
            problems.append(f"{where}: another school's teacher was let in")
    assert problems == []


def test_every_read_operation_is_listed_with_its_audience() -> None:
    unlisted = [
        f"{m.upper()} {p}" for m, p, _ in operations() if m == "get" and (m, p) not in EXPECTED_API
    ]
    unlisted = [u for u in unlisted if not u.endswith(("openapi.json", "docs"))]
    assert unlisted == [], "add these to EXPECTED_API with who may read them"


def test_pupils_and_parents_list_only_their_own(cast: Cast) -> None:
    urn = cast.primary.urn
    theo = Pupil.objects.get(school=cast.primary, legal_forename="Theo", legal_surname="Hughes")
    for username, mine in (("pupil", {cast.amara.pk}), ("parent", {cast.amara.pk, theo.pk})):
        headers = bearer(cast, username)
        listed = Client().get(f"/api/v1/schools/{urn}/pupils?limit=100", **headers).json()
        assert {item["id"] for item in listed["items"]} == mine
        judgements = Client().get(f"/api/v1/schools/{urn}/judgements?limit=100", **headers).json()
        assert judgements["items"] and {j["pupil_id"] for j in judgements["items"]} <= mine
        classmate = (
            Pupil.objects.filter(enrolments__teaching_class=cast.four_oak)
            .exclude(pk=cast.amara.pk)
            .first()
        )
        assert classmate is not None
        standings = f"/api/v1/schools/{urn}/pupils/{classmate.pk}/standings"
        assert Client().get(standings, **headers).status_code == 404


# ----------------------------------------------------------------- ids changed in the body


def batch(cast: Cast, **change: Any) -> dict[str, Any]:
    objective = Objective.objects.get(framework=cast.maths_framework, code="Y4-ST-01")
    level = objective.framework.scale.levels.order_by("position").first()
    assert level is not None
    item = {
        "pupil_id": cast.amara.pk,
        "objective_id": objective.pk,
        "level_id": level.pk,
        "method": "observation",
    }
    item.update({k: v for k, v in change.items() if k != "class_id"})
    return {
        "class_id": change.get("class_id", cast.four_oak.pk),
        "idempotency_key": uuid.uuid4().hex,
        "judgements": [item],
    }


def post_batch(cast: Cast, username: str, body: dict[str, Any], urn: int | None = None) -> Any:
    return Client().post(
        f"/api/v1/schools/{urn or cast.primary.urn}/judgements",
        data=json.dumps(body),
        content_type="application/json",
        **bearer(cast, username),
    )


def other_school_ids(cast: Cast) -> dict[str, int]:
    """The same kinds of record, from Kingsmead Academy (same trust, another school)."""
    from nextsteps.curriculum.models import ScaleLevel
    from nextsteps.teaching.models import Class

    objective = Objective.objects.filter(school=cast.secondary).first()
    level = ScaleLevel.objects.filter(school=cast.secondary).first()
    teaching_class = Class.objects.filter(school=cast.secondary).first()
    pupil = Pupil.objects.filter(school=cast.secondary).first()
    assert objective and level and teaching_class and pupil
    return {
        "objective_id": objective.pk,
        "level_id": level.pk,
        "class_id": teaching_class.pk,
        "pupil_id": pupil.pk,
    }


def test_teacher_records_a_batch_for_their_own_class(cast: Cast) -> None:
    before = Judgement.objects.count()
    response = post_batch(cast, "teacher", batch(cast))
    assert response.status_code == 201, response.content
    assert Judgement.objects.count() == before + 1


@pytest.mark.parametrize("field", ["objective_id", "level_id", "class_id", "pupil_id"])
def test_an_id_from_another_school_in_the_body_is_refused_and_changes_nothing(
    cast: Cast, field: str
) -> None:
    before = Judgement.objects.count()
    response = post_batch(cast, "teacher", batch(cast, **{field: other_school_ids(cast)[field]}))
    assert response.status_code in {404, 422}, response.content
    assert Judgement.objects.count() == before


def test_a_classmate_outside_a_tas_groups_is_refused(cast: Cast) -> None:
    from nextsteps import access

    allowed = access.recordable_pupil_ids(cast.user("ta"), cast.four_oak) or set()
    outside = (
        Pupil.objects.filter(enrolments__teaching_class=cast.four_oak)
        .exclude(pk__in=allowed)
        .first()
    )
    assert outside is not None
    before = Judgement.objects.count()
    response = post_batch(cast, "ta", batch(cast, pupil_id=outside.pk))
    assert response.status_code == 422
    assert "is not a pupil in 4 Oak you can record for" in response.json()["detail"]
    assert Judgement.objects.count() == before


@pytest.mark.parametrize(
    "username", ["pupil", "parent", "admin", "primaryhead", "otherteacher", "hod", "leader"]
)
def test_people_who_do_not_teach_the_class_cannot_record_in_it(cast: Cast, username: str) -> None:
    before = Judgement.objects.count()
    assert post_batch(cast, username, batch(cast)).status_code == 404
    assert Judgement.objects.count() == before


def test_a_batch_sent_to_another_schools_url_is_refused(cast: Cast) -> None:
    before = Judgement.objects.count()
    assert post_batch(cast, "teacher", batch(cast), urn=cast.secondary.urn).status_code == 404
    assert post_batch(cast, "admin", batch(cast), urn=cast.secondary.urn).status_code == 404
    assert Judgement.objects.count() == before
