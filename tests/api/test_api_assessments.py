"""The tests API: tests and questions, marks read per pupil and written in bulk, all or none."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.test import Client

from nextsteps import access
from nextsteps.api.models import IdempotentWrite
from nextsteps.assessments import demo, selectors
from nextsteps.assessments.models import Assessment, Mark
from nextsteps.people.models import Pupil
from tests.conftest import Cast

Bearer = Callable[[str], dict[str, Any]]


def multiplication(cast: Cast) -> Assessment:
    return Assessment.objects.get(school=cast.primary, name=demo.MULTIPLICATION_TEST)


def url(cast: Cast, tail: str = "") -> str:
    return f"/api/v1/schools/{cast.primary.urn}/assessments{tail}"


def post(path: str, payload: dict[str, Any], headers: dict[str, Any]) -> Any:
    return Client().post(path, json.dumps(payload), content_type="application/json", **headers)


def marks_in_db(test: Assessment) -> dict[tuple[int, int], int]:
    return {
        (p, q): m
        for p, q, m in Mark.objects.filter(assessment=test).values_list(
            "pupil_id", "question_id", "marks"
        )
    }


def test_teacher_lists_the_tests_their_classes_sit(cast: Cast, bearer: Bearer) -> None:
    test = multiplication(cast)
    body = Client().get(url(cast, "?limit=50"), **bearer("teacher")).json()
    listed = {item["id"]: item for item in body["items"]}
    assert body["count"] == len(listed)
    assert listed[test.pk]["question_count"] == 12
    assert listed[test.pk]["max_marks"] == sum(q.max_marks for q in test.questions.all())
    assert {"id": cast.four_oak.pk, "name": "4 Oak"} in listed[test.pk]["classes"]
    filtered = Client().get(url(cast, f"?class_id={cast.four_oak.pk}"), **bearer("teacher"))
    assert test.pk in {item["id"] for item in filtered.json()["items"]}


def test_tests_are_not_listed_for_pupils_parents_or_another_school(
    cast: Cast, bearer: Bearer
) -> None:
    for username in ("pupil", "parent", "otherteacher"):
        assert Client().get(url(cast), **bearer(username)).status_code == cast.refused(username), (
            username
        )


def test_a_test_lists_its_questions_and_their_objectives(cast: Cast, bearer: Bearer) -> None:
    test = multiplication(cast)
    body = Client().get(url(cast, f"/{test.pk}"), **bearer("teacher")).json()
    assert [q["label"] for q in body["questions"]] == [str(n) for n in range(1, 13)]
    assert all(q["objective_ids"] for q in body["questions"])
    assert body["questions"][9]["max_marks"] == 3


def test_marks_are_read_per_pupil_with_totals(cast: Cast, bearer: Bearer) -> None:
    test = multiplication(cast)
    cohort = selectors.cohort(test, [cast.four_oak])
    body = Client().get(url(cast, f"/{test.pk}/marks?limit=10"), **bearer("teacher")).json()
    assert body["count"] == len(cohort) and len(body["items"]) == 10
    stored = marks_in_db(test)
    for row in body["items"]:
        assert row["total"] == sum(m for (p, _), m in stored.items() if p == row["pupil_id"])
        assert row["marked"] == len(row["marks"])
    one = (
        Client()
        .get(url(cast, f"/{test.pk}/marks?pupil_id={cohort[0].pk}"), **bearer("admin"))
        .json()
    )
    assert [row["pupil_id"] for row in one["items"]] == [cohort[0].pk]


def batch(test: Assessment, pupils: list[Pupil], value: int) -> dict[str, Any]:
    questions = list(test.questions.order_by("position"))[:3]
    return {
        "marks": [
            {"pupil_id": pupil.pk, "question_id": question.pk, "marks": value}
            for pupil in pupils
            for question in questions
        ]
    }


def test_teacher_writes_marks_in_bulk_and_reads_them_back(cast: Cast, bearer: Bearer) -> None:
    test = multiplication(cast)
    pupils = selectors.cohort(test, [cast.four_oak])[:5]
    headers = bearer("teacher")
    response = post(url(cast, f"/{test.pk}/marks"), batch(test, pupils, 0), headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["changed"] + body["unchanged"] == 15 and not body["replayed"]
    assert {row["pupil_id"] for row in body["pupils"]} == {p.pk for p in pupils}
    stored = marks_in_db(test)
    first_three = list(test.questions.order_by("position"))[:3]
    assert all(stored[(p.pk, q.pk)] == 0 for p in pupils for q in first_three)
    cleared = post(
        url(cast, f"/{test.pk}/marks"),
        {"marks": [{"pupil_id": pupils[0].pk, "question_id": first_three[0].pk, "marks": None}]},
        headers,
    )
    assert cleared.json()["changed"] == 1
    assert (pupils[0].pk, first_three[0].pk) not in marks_in_db(test)


def test_a_repeated_idempotency_key_replays_the_first_answer(cast: Cast, bearer: Bearer) -> None:
    test = multiplication(cast)
    pupils = selectors.cohort(test, [cast.four_oak])[:2]
    headers = bearer("teacher")
    payload = {**batch(test, pupils, 1), "idempotency_key": "sync-2026-10-01.1"}
    first = post(url(cast, f"/{test.pk}/marks"), payload, headers).json()
    # a later change to one of the cells, then the first call is retried
    question = test.questions.order_by("position").first()
    assert question is not None
    post(
        url(cast, f"/{test.pk}/marks"),
        {"marks": [{"pupil_id": pupils[0].pk, "question_id": question.pk, "marks": 0}]},
        headers,
    )
    again = post(url(cast, f"/{test.pk}/marks"), payload, headers).json()
    assert again["replayed"] is True
    assert again["pupils"] == first["pupils"]
    assert marks_in_db(test)[(pupils[0].pk, question.pk)] == 0  # the retry changed nothing
    different = post(
        url(cast, f"/{test.pk}/marks"),
        {**batch(test, pupils, 0), "idempotency_key": "sync-2026-10-01.1"},
        headers,
    )
    assert different.status_code == 409
    assert "sync-2026-10-01.1" in different.json()["detail"]
    assert IdempotentWrite.objects.filter(key="sync-2026-10-01.1").count() == 1


def test_bad_entries_are_each_named_and_nothing_is_written(cast: Cast, bearer: Bearer) -> None:
    test = multiplication(cast)
    pupils = selectors.cohort(test, [cast.four_oak])[:2]
    sitting = {p.pk for p in selectors.cohort(test, selectors.assessment_classes(test))}
    elsewhere = Pupil.objects.filter(school=cast.primary).exclude(pk__in=sitting).first()
    outsider = Pupil.objects.get(school=cast.other)
    assert elsewhere is not None
    questions = list(test.questions.order_by("position"))
    gps = Assessment.objects.get(school=cast.primary, name=demo.GPS_PAPER)
    other_question = gps.questions.first()
    assert other_question is not None
    before = marks_in_db(test)
    payload = {
        "marks": [
            {"pupil_id": pupils[0].pk, "question_id": questions[0].pk, "marks": 1},
            {"pupil_id": pupils[1].pk, "question_id": questions[9].pk, "marks": 4},
            {"pupil_id": elsewhere.pk, "question_id": questions[0].pk, "marks": 1},
            {"pupil_id": outsider.pk, "question_id": questions[0].pk, "marks": 1},
            {"pupil_id": pupils[0].pk, "question_id": other_question.pk, "marks": 1},
            {"pupil_id": pupils[0].pk, "question_id": questions[0].pk, "marks": 0},
        ]
    }
    response = post(url(cast, f"/{test.pk}/marks"), payload, bearer("teacher"))
    assert response.status_code == 422
    detail = response.json()["detail"]
    for expected in (
        "marks[1].marks: 4 is more than the 3 marks question 10 is worth",
        f"marks[2].pupil_id: {elsewhere.pk} is not a pupil sitting",
        f"marks[3].pupil_id: {outsider.pk} is not a pupil sitting",
        f"marks[4].question_id: {other_question.pk} is not a question here",
        "marks[5]: the same pupil and question as marks[0]",
    ):
        assert expected in detail, expected
    assert marks_in_db(test) == before


def test_a_wrong_type_is_a_422_naming_the_field(cast: Cast, bearer: Bearer) -> None:
    test = multiplication(cast)
    pupil = selectors.cohort(test, [cast.four_oak])[0]
    question = test.questions.order_by("position").first()
    assert question is not None
    payload = {"marks": [{"pupil_id": pupil.pk, "question_id": question.pk, "marks": "two"}]}
    response = post(url(cast, f"/{test.pk}/marks"), payload, bearer("teacher"))
    assert response.status_code == 422
    locations = [error["loc"] for error in response.json()["detail"]]
    assert ["body", "payload", "marks", 0, "marks"] in locations


def test_who_may_write_marks(cast: Cast, bearer: Bearer) -> None:
    test = multiplication(cast)
    payload = batch(test, selectors.cohort(test, [cast.four_oak])[:1], 1)
    path = url(cast, f"/{test.pk}/marks")
    # whole-school staff read every test but mark none they do not teach; pupils see none
    for username in ("admin", "primaryhead", "pupil", "parent", "otherteacher"):
        assert post(path, payload, bearer(username)).status_code == 404, username


def test_teaching_assistant_writes_marks_only_for_the_groups_they_support(
    cast: Cast, bearer: Bearer
) -> None:
    test = multiplication(cast)
    supported = access.recordable_pupil_ids(cast.user("ta"), cast.four_oak)
    assert supported  # the groups Mrs Lewis supports
    cohort = selectors.cohort(test, [cast.four_oak])
    inside = next(p for p in cohort if p.pk in supported)
    outside = next(p for p in cohort if p.pk not in supported)
    path = url(cast, f"/{test.pk}/marks")
    assert post(path, batch(test, [inside], 1), bearer("ta")).status_code == 200
    refused = post(path, batch(test, [outside], 1), bearer("ta"))
    assert refused.status_code == 422
    assert f"marks[0].pupil_id: {outside.pk}" in refused.json()["detail"]


def test_test_routes_have_a_fixed_query_budget(
    cast: Cast, bearer: Bearer, django_assert_max_num_queries: Any
) -> None:
    test = multiplication(cast)
    headers = bearer("teacher")
    # token lookup and touch, memberships, school, the test, visible classes, cohort, the
    # page's marks (measured: 8 to 10): the same for 5 pupils or all 29
    for path in (
        url(cast, "?limit=100"),
        url(cast, f"/{test.pk}"),
        url(cast, f"/{test.pk}/marks?limit=5"),
        url(cast, f"/{test.pk}/marks?limit=100"),
    ):
        with django_assert_max_num_queries(10):
            assert Client().get(path, **headers).status_code == 200
    pupils = selectors.cohort(test, [cast.four_oak])
    for count in (2, len(pupils)):
        # access and cohort checks, current marks, one upsert, one audit row, the answer's
        # marks (measured: 20 for 2 pupils and for 29): not per pupil or per mark
        with django_assert_max_num_queries(20):
            response = post(
                url(cast, f"/{test.pk}/marks"), batch(test, pupils[:count], count % 2), headers
            )
            assert response.status_code == 200
