"""The school-wide standings a trust's reporting tool reads: one call per class, scoped by the
access module exactly as the pages are."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.test import Client

from nextsteps import access
from nextsteps.markbook.models import Standing
from nextsteps.teaching.selectors import class_pupils
from tests.api.test_api import _batch
from tests.conftest import Cast

Bearer = Callable[[str], dict[str, Any]]


def record(cast: Cast, bearer: Bearer, count: int = 60) -> None:
    response = Client().post(
        f"/api/v1/schools/{cast.primary.urn}/judgements",
        json.dumps(_batch(cast, count)),
        content_type="application/json",
        **bearer("teacher"),
    )
    assert response.status_code == 201, response.content


def read_all(url: str, headers: dict[str, Any]) -> list[dict[str, Any]]:
    """Every row, page by page (the way a reporting tool reads)."""
    rows: list[dict[str, Any]] = []
    while True:
        page = Client().get(f"{url}&limit=25&offset={len(rows)}", **headers)
        assert page.status_code == 200, page.content
        body = page.json()
        rows += body["items"]
        if len(rows) >= body["count"]:
            return rows


def test_a_class_standings_in_one_paged_read_match_the_table(cast: Cast, bearer: Bearer) -> None:
    record(cast, bearer)
    url = f"/api/v1/schools/{cast.primary.urn}/standings?class_id={cast.four_oak.pk}"
    rows = read_all(url, bearer("teacher"))
    pupils = {p.pk for p in class_pupils(cast.four_oak)}
    expected = Standing.objects.filter(pupil_id__in=pupils)
    assert len(rows) == expected.count() >= 60
    assert {(r["pupil_id"], r["objective_id"]) for r in rows} == set(
        expected.values_list("pupil_id", "objective_id")
    )
    assert {r["framework_id"] for r in rows} >= {cast.maths_framework.pk}
    one = expected.select_related("objective", "level").first()
    assert one is not None
    cell = (one.pupil_id, one.objective_id)
    row = next(r for r in rows if (r["pupil_id"], r["objective_id"]) == cell)
    assert row["objective_code"] == one.objective.code
    assert row["level"] == (one.level.label if one.level else None)
    assert row["evidence_count"] == one.evidence_count


def test_filters_by_year_group_and_framework_combine(cast: Cast, bearer: Bearer) -> None:
    record(cast, bearer)
    urn = cast.primary.urn
    headers = bearer("admin")
    by_year = read_all(f"/api/v1/schools/{urn}/standings?year_group=4", headers)
    in_year = Standing.objects.filter(school=cast.primary, pupil__year_group=4)
    assert len(by_year) == in_year.count() > 0
    by_both = read_all(
        f"/api/v1/schools/{urn}/standings?year_group=4&framework_id={cast.maths_framework.pk}",
        headers,
    )
    assert len(by_both) == in_year.filter(objective__framework=cast.maths_framework).count()
    assert {r["framework_id"] for r in by_both} == {cast.maths_framework.pk}
    nobody = Client().get(f"/api/v1/schools/{urn}/standings?year_group=13", **headers).json()
    assert nobody == {"items": [], "count": 0}


def test_a_teacher_reads_only_the_pupils_of_their_classes(cast: Cast, bearer: Bearer) -> None:
    record(cast, bearer)
    urn = cast.primary.urn
    rows = read_all(f"/api/v1/schools/{urn}/standings?year_group=4", bearer("teacher"))
    theirs = set(access.pupils_for(cast.user("teacher"), cast.primary).values_list("pk", flat=True))
    assert rows and {r["pupil_id"] for r in rows} <= theirs
    # Everyone's standings, whole-school: the leader may see more than the teacher's.
    everyone = Standing.objects.filter(school=cast.primary, pupil__year_group=4)
    assert len(rows) == everyone.filter(pupil_id__in=theirs).count()


def test_another_schools_class_or_framework_is_not_found(cast: Cast, bearer: Bearer) -> None:
    from nextsteps.curriculum.models import Framework
    from nextsteps.teaching.models import Class

    urn = cast.primary.urn
    headers = bearer("admin")
    elsewhere = Class.objects.filter(school=cast.other).first()
    assert elsewhere is not None
    answer = Client().get(f"/api/v1/schools/{urn}/standings?class_id={elsewhere.pk}", **headers)
    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("application/json")
    framework = Framework.objects.exclude(school=cast.primary).first()
    if framework is not None:
        url = f"/api/v1/schools/{urn}/standings?framework_id={framework.pk}"
        assert Client().get(url, **headers).status_code == 404
    other = Client().get(f"/api/v1/schools/{cast.other.urn}/standings", **headers)
    assert other.status_code == 404


def test_pupils_and_parents_cannot_read_school_standings(cast: Cast, bearer: Bearer) -> None:
    for username in ("pupil", "parent"):
        url = f"/api/v1/schools/{cast.primary.urn}/standings"
        assert Client().get(url, **bearer(username)).status_code in {403, 404}


def test_school_standings_have_a_fixed_query_budget(
    cast: Cast, bearer: Bearer, django_assert_max_num_queries: Any
) -> None:
    record(cast, bearer, 120)
    headers = bearer("teacher")
    urn = cast.primary.urn
    # token lookup and touch, memberships, class check, count, page: not per row (1,000 rows
    # read in one page cost the same as 10).
    for query in (
        f"class_id={cast.four_oak.pk}&limit=1000",
        f"year_group=4&framework_id={cast.maths_framework.pk}&limit=10",
        "limit=1000",
    ):
        with django_assert_max_num_queries(10):
            answer = Client().get(f"/api/v1/schools/{urn}/standings?{query}", **headers)
            assert answer.status_code == 200
    assert answer.json()["count"] >= 120
