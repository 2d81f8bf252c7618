"""The targets API: read by staff, the pupil and (when shared) parents; set and changed by a
teacher of the class, as on the pages."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.utils import timezone

from nextsteps.audit.models import AuditEvent
from nextsteps.curriculum.models import Objective, ScaleLevel
from nextsteps.feedback.models import Target
from nextsteps.people.models import Pupil
from nextsteps.teaching.selectors import class_pupils
from tests.conftest import Cast

Bearer = Callable[[str], dict[str, Any]]


def url(cast: Cast, tail: str = "") -> str:
    return f"/api/v1/schools/{cast.primary.urn}/targets{tail}"


def send(method: str, path: str, payload: dict[str, Any], headers: dict[str, Any]) -> Any:
    call = getattr(Client(), method)
    return call(path, json.dumps(payload), content_type="application/json", **headers)


def maths_objective(cast: Cast) -> Objective:
    objective = cast.maths_framework.objectives.filter(year_group=4).order_by("position").first()
    assert objective is not None
    return objective


def new_target(cast: Cast, **extra: Any) -> dict[str, Any]:
    pupil = next(p for p in class_pupils(cast.four_oak) if p.pk != cast.amara.pk)
    return {
        "pupil_id": pupil.pk,
        "class_id": cast.four_oak.pk,
        "objective_id": maths_objective(cast).pk,
        "wording": "I can use the grid method for two-digit numbers.",
        **extra,
    }


def test_teacher_lists_the_class_targets_paginated_and_filtered(cast: Cast, bearer: Bearer) -> None:
    headers = bearer("teacher")
    body = Client().get(url(cast, "?limit=3"), **headers).json()
    assert body["count"] == Target.objects.filter(teaching_class=cast.four_oak).count()
    assert len(body["items"]) == 3
    claimed = Client().get(url(cast, "?status=claimed"), **headers).json()
    assert claimed["items"] and all(t["status"] == "claimed" for t in claimed["items"])
    amara = Client().get(url(cast, f"?pupil_id={cast.amara.pk}"), **headers).json()
    assert {t["pupil_id"] for t in amara["items"]} == {cast.amara.pk}


def test_pupil_sees_only_their_own_targets(cast: Cast, bearer: Bearer) -> None:
    body = Client().get(url(cast, "?limit=100"), **bearer("pupil")).json()
    assert body["count"] == Target.objects.filter(pupil=cast.amara).count() > 0
    assert {t["pupil_id"] for t in body["items"]} == {cast.amara.pk}
    classmate = Target.objects.filter(teaching_class=cast.four_oak).exclude(pupil=cast.amara)
    other = classmate.first()
    assert other is not None
    assert Client().get(url(cast, f"/{other.pk}"), **bearer("pupil")).status_code == 404


def test_parent_sees_their_childs_shared_targets_only(cast: Cast, bearer: Bearer) -> None:
    hidden = Target.objects.filter(pupil=cast.amara).first()
    assert hidden is not None
    Target.objects.filter(pk=hidden.pk).update(shared_with_guardians=False)
    body = Client().get(url(cast, "?limit=100"), **bearer("parent")).json()
    ids = {t["id"] for t in body["items"]}
    assert hidden.pk not in ids and ids
    assert {t["pupil_id"] for t in body["items"]} == {cast.amara.pk}
    assert Client().get(url(cast, f"/{hidden.pk}"), **bearer("parent")).status_code == 404


def test_another_schools_teacher_sees_nothing(cast: Cast, bearer: Bearer) -> None:
    assert Client().get(url(cast), **bearer("otherteacher")).status_code == 404
    target = Target.objects.filter(pupil=cast.amara).first()
    assert target is not None
    other = f"/api/v1/schools/{cast.other.urn}/targets/{target.pk}"
    assert Client().get(other, **bearer("otherteacher")).status_code == 404


def test_a_target_shows_its_history(cast: Cast, bearer: Bearer) -> None:
    claimed = Target.objects.get(pupil=cast.amara, status="claimed")
    body = Client().get(url(cast, f"/{claimed.pk}"), **bearer("teacher")).json()
    assert [event["kind"] for event in body["history"]] == ["set", "claimed"]
    assert "carried" in body["history"][1]["comment"]


def test_teacher_sets_a_target_with_a_pupil(cast: Cast, bearer: Bearer) -> None:
    due_on = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    payload = new_target(cast, due_on=due_on)
    response = send("post", url(cast), payload, bearer("teacher"))
    assert response.status_code == 201, response.content
    body = response.json()
    target = Target.objects.get(pk=body["id"])
    assert (target.pupil_id, target.wording, str(target.due_on)) == (
        payload["pupil_id"],
        payload["wording"],
        due_on,
    )
    assert body["history"][0]["kind"] == "set"
    assert AuditEvent.objects.filter(action="target.set", target_id=str(target.pk)).exists()


def test_setting_a_target_refuses_a_pupil_of_another_class(cast: Cast, bearer: Bearer) -> None:
    in_class = {p.pk for p in class_pupils(cast.four_oak)}
    elsewhere = Pupil.objects.filter(school=cast.primary).exclude(pk__in=in_class).first()
    outsider = Pupil.objects.get(school=cast.other)
    assert elsewhere is not None
    before = Target.objects.count()
    for pupil in (elsewhere, outsider):
        response = send("post", url(cast), new_target(cast, pupil_id=pupil.pk), bearer("teacher"))
        assert response.status_code == 422
        assert response.json()["detail"] == f"pupil_id: {pupil.pk} is not a pupil in 4 Oak"
    assert Target.objects.count() == before


def test_setting_a_target_refuses_an_objective_the_class_is_not_taught(
    cast: Cast, bearer: Bearer
) -> None:
    elsewhere = Objective.objects.exclude(school=cast.primary).first()
    assert elsewhere is not None
    response = send(
        "post", url(cast), new_target(cast, objective_id=elsewhere.pk), bearer("teacher")
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"objective_id: {elsewhere.pk} is not")


def test_a_wrong_type_is_a_422_naming_the_field(cast: Cast, bearer: Bearer) -> None:
    response = send("post", url(cast), new_target(cast, due_on="next week"), bearer("teacher"))
    assert response.status_code == 422
    assert ["body", "payload", "due_on"] in [e["loc"] for e in response.json()["detail"]]


def test_only_a_teacher_of_the_class_sets_or_changes_targets(cast: Cast, bearer: Bearer) -> None:
    target = Target.objects.filter(teaching_class=cast.four_oak, status="open").first()
    assert target is not None
    for username in ("ta", "admin", "pupil", "parent", "otherteacher"):
        assert send("post", url(cast), new_target(cast), bearer(username)).status_code == 404
        change = send("patch", url(cast, f"/{target.pk}"), {"wording": "x"}, bearer(username))
        assert change.status_code == 404, username


def test_teacher_changes_only_the_fields_sent(cast: Cast, bearer: Bearer) -> None:
    target = Target.objects.filter(teaching_class=cast.four_oak, status="open").first()
    assert target is not None
    path = url(cast, f"/{target.pk}")
    response = send("patch", path, {"wording": "I can carry tens."}, bearer("teacher"))
    assert response.status_code == 200, response.content
    target.refresh_from_db()
    assert target.wording == "I can carry tens." and target.due_on is not None
    cleared = send("patch", path, {"due_on": None}, bearer("teacher"))
    assert cleared.json()["due_on"] is None
    assert send("patch", path, {"wording": None}, bearer("teacher")).status_code == 422
    assert AuditEvent.objects.filter(action="target.update", target_id=str(target.pk)).count() == 2


def test_an_achieved_targets_wording_is_kept(cast: Cast, bearer: Bearer) -> None:
    achieved = Target.objects.filter(teaching_class=cast.four_oak, status="achieved").first()
    assert achieved is not None
    path = url(cast, f"/{achieved.pk}")
    refused = send("patch", path, {"wording": "Something else"}, bearer("teacher"))
    assert refused.status_code == 422 and "achieved" in refused.json()["detail"]
    shared = send("patch", path, {"shared_with_guardians": False}, bearer("teacher"))
    assert shared.status_code == 200 and shared.json()["shared_with_guardians"] is False


def test_teacher_confirms_or_returns_a_claimed_target(cast: Cast, bearer: Bearer) -> None:
    claimed = Target.objects.get(pupil=cast.amara, status="claimed")
    top = ScaleLevel.objects.filter(scale=cast.maths_framework.scale).order_by("position").last()
    wrong = ScaleLevel.objects.exclude(scale=cast.maths_framework.scale).first()
    assert top is not None and wrong is not None
    confirm = url(cast, f"/{claimed.pk}/confirm")
    refused = send("post", confirm, {"level_id": wrong.pk}, bearer("teacher"))
    assert refused.status_code == 422 and refused.json()["detail"].startswith("level_id:")
    returned = send(
        "post",
        url(cast, f"/{claimed.pk}/return"),
        {"comment": "Show me 3 more."},
        bearer("teacher"),
    )
    assert returned.json()["status"] == "open"
    confirmed = send("post", confirm, {"level_id": top.pk}, bearer("teacher"))
    assert confirmed.json()["status"] == "achieved"
    claimed.refresh_from_db()
    assert claimed.judgement_id is not None
    again = send("post", url(cast, f"/{claimed.pk}/return"), {"comment": "x"}, bearer("teacher"))
    assert again.status_code == 422


def test_targets_list_has_a_fixed_query_budget(
    cast: Cast, bearer: Bearer, django_assert_max_num_queries: Any
) -> None:
    for username in ("teacher", "parent", "pupil", "admin"):
        headers = bearer(username)
        # token lookup and touch, memberships, school, trusts, count, page (measured: 4 to 7,
        # for 2 targets or 11): not per target
        with django_assert_max_num_queries(7):
            assert Client().get(url(cast, "?limit=100"), **headers).status_code == 200


def test_a_page_out_of_range_is_a_422_naming_the_parameter(cast: Cast, bearer: Bearer) -> None:
    for query, name in (("limit=5000", "limit"), ("offset=99999999999999", "offset")):
        response = Client().get(url(cast, f"?{query}"), **bearer("teacher"))
        assert response.status_code == 422
        assert name in [error["loc"][-1] for error in response.json()["detail"]]


def test_a_due_date_in_the_past_is_a_422_naming_the_field(cast: Cast, bearer: Bearer) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    before = Target.objects.count()
    response = send(
        "post", url(cast), new_target(cast, due_on=yesterday.isoformat()), bearer("teacher")
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("due_on: ")
    assert "in the past" in response.json()["detail"]
    assert Target.objects.count() == before
    today = send(
        "post",
        url(cast),
        new_target(cast, due_on=timezone.localdate().isoformat()),
        bearer("teacher"),
    )
    assert today.status_code == 201, today.content


def test_changing_a_due_date_to_one_past_is_refused_but_an_old_one_may_stay(
    cast: Cast, bearer: Bearer
) -> None:
    target = Target.objects.filter(teaching_class=cast.four_oak, status="open").first()
    assert target is not None
    path = url(cast, f"/{target.pk}")
    past = timezone.localdate() - dt.timedelta(days=3)
    refused = send("patch", path, {"due_on": past.isoformat()}, bearer("teacher"))
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("due_on: ")
    target.refresh_from_db()
    assert target.due_on != past
    # A target whose date has gone by can still have its wording changed with the date sent.
    Target.objects.filter(pk=target.pk).update(due_on=past)
    kept = send(
        "patch",
        path,
        {"due_on": past.isoformat(), "wording": "I can carry tens."},
        bearer("teacher"),
    )
    assert kept.status_code == 200, kept.content
