"""The practice pages: a pupil starts, hands in (with the script, as JSON; without it, as a
plain form), sees their result; the class fact map; the access arrangements; and who may see
what (another teacher's class and another pupil's practice are not found)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from nextsteps.accounts.models import Role, User
from nextsteps.accounts.services import membership_grant
from nextsteps.mtc import selectors, services
from nextsteps.mtc.models import AccessArrangements, PracticeAnswer, PracticeAttempt
from nextsteps.people.models import Pupil
from tests.conftest import Cast
from tests.mtc.helpers import answers, as_json, started

URN = 990101
# The class fact map: session, the person with their roles (read together at sign-in), the
# class in scope (3); class pupils, their item answers, attempts, arrangements (4); the class's
# school and the teacher check for the "Change" links (2); the header's notifications (1).
CLASS_MAP_QUERIES = 10


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"mtc:{name}", kwargs={"urn": URN, **kwargs})


def post_json(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_a_pupil_starts_a_practice_and_gets_the_timed_page(cast: Cast) -> None:
    client = cast.client("pupil")
    home = client.get(url("home"))
    assert home.status_code == 200
    assert "Start a practice" in home.content.decode()
    response = client.post(url("start"))
    attempt = PracticeAttempt.objects.filter(pupil=cast.amara).latest("pk")
    assert response.status_code == 302
    assert response["Location"] == url("practice", attempt_id=attempt.pk)
    page = client.get(response["Location"]).content.decode()
    # The timings come from the check's rules; the facts from the seed the server keeps.
    assert 'data-seconds="6"' in page and 'data-pause="3"' in page
    a, b = services.attempt_form(attempt).items[0]
    assert f'data-a="{a}"' in page and f'data-b="{b}"' in page
    assert page.count('data-key="') == 12  # ten digits, Delete and Enter


def test_handing_in_as_json_saves_once_and_answers_with_the_result_page(cast: Cast) -> None:
    client = cast.client("pupil")
    attempt = started(cast.amara)
    body = as_json(answers(attempt, wrong={4}), "mtc-abc")
    path = url("practice", attempt_id=attempt.pk)
    first = post_json(client, path, body)
    assert first.status_code == 200
    assert first.json() == {"saved": True, "result_url": url("result", attempt_id=attempt.pk)}
    again = post_json(client, path, body)  # the page's retry after a lost answer
    assert again.status_code == 200 and again.json() == first.json()
    assert PracticeAnswer.objects.filter(attempt=attempt).count() == 28
    changed = post_json(client, path, as_json(answers(attempt), "mtc-abc"))
    assert changed.status_code == 409 and "mtc-abc" in changed.json()["error"]
    result = client.get(url("result", attempt_id=attempt.pk)).content.decode()
    assert "I scored 24 out of 25" in result
    assert '<th scope="col">12</th>' in result and "known quickly" in result


def test_impossible_times_are_refused_with_the_reason(cast: Cast) -> None:
    client = cast.client("pupil")
    attempt = started(cast.amara)
    body = as_json(answers(attempt, ms=60_000), "mtc-slow")
    response = post_json(client, url("practice", attempt_id=attempt.pk), body)
    assert response.status_code == 422
    assert "Question 1: the time must be 0 to 6750 milliseconds." in response.json()["problems"]
    bad = client.post(
        url("practice", attempt_id=attempt.pk), data="{", content_type="application/json"
    )
    assert bad.status_code == 400
    for body in ({"idempotency_key": "k", "answers": [1, 2]}, {"answers": []}, [1]):
        response = post_json(client, url("practice", attempt_id=attempt.pk), body)  # type: ignore[arg-type]
        assert response.status_code == 400, body
    assert not PracticeAnswer.objects.filter(attempt=attempt).exists()


def test_without_javascript_the_plain_form_hands_in_untimed(cast: Cast) -> None:
    client = cast.client("pupil")
    attempt = started(cast.amara)
    made = services.attempt_form(attempt)
    data = {f"answer-{n}": str(a * b) for n, (a, b) in enumerate([*made.practice, *made.items])}
    data["answer-5"] = "x"
    refused = client.post(
        url("practice", attempt_id=attempt.pk), {**data, "idempotency_key": "nojs-1"}
    )
    assert refused.status_code == 422
    assert "Question 6: an answer is up to 3 digits." in refused.content.decode()
    data["answer-5"] = ""
    done = client.post(
        url("practice", attempt_id=attempt.pk), {**data, "idempotency_key": "nojs-1"}
    )
    assert done.status_code == 302
    attempt.refresh_from_db()
    assert attempt.finished and not attempt.timed and attempt.score == 24
    assert "untimed" in client.get(url("result", attempt_id=attempt.pk)).content.decode()


def test_a_pupil_cannot_open_another_pupils_practice_or_fact_map(cast: Cast) -> None:
    other = Pupil.objects.filter(school=cast.primary, year_group=4).exclude(pk=cast.amara.pk)[0]
    user = User.objects.create_user("otherpupil", password="x")  # noqa: S106
    membership_grant(user=user, school=cast.primary, role=Role.PUPIL, by=None)
    other.user = user
    other.save(update_fields=["user"])
    theirs = started(other)
    amara = cast.client("pupil")
    assert amara.get(url("practice", attempt_id=theirs.pk)).status_code == 404
    assert amara.get(url("result", attempt_id=theirs.pk)).status_code == 404
    response = post_json(
        amara, url("practice", attempt_id=theirs.pk), as_json(answers(theirs), "steal")
    )
    assert response.status_code == 404
    assert amara.get(url("pupil_facts", pupil_id=other.pk)).status_code == 404
    assert amara.get(url("pupil_facts", pupil_id=cast.amara.pk)).status_code == 200
    theirs.refresh_from_db()
    assert not theirs.finished


def test_staff_and_parents_do_not_practise(cast: Cast) -> None:
    for username in ("teacher", "parent"):
        assert cast.client(username).post(url("start")).status_code == 403
    assert cast.client("parent").get(url("home")).status_code == 403
    assert "4 Oak: class fact map" in cast.client("teacher").get(url("home")).content.decode()


def test_the_parent_reads_their_childs_fact_map(cast: Cast) -> None:
    page = cast.client("parent").get(url("pupil_facts", pupil_id=cast.amara.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Amara Hughes's times tables" in text and "Facts to practise next" in text
    assert "Change" not in text  # read only


def test_the_class_fact_map_counts_pupils_per_fact_for_the_teacher(cast: Cast) -> None:
    page = cast.client("teacher").get(url("class_map", class_id=cast.four_oak.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "The facts most pupils need" in text
    built = selectors.class_fact_map(cast.four_oak)
    top = built.gaps[0]
    assert top.not_yet >= 2
    assert f"{top.a} × {top.b}: {top.not_yet} pupils not yet" in text
    assert built.practised == 10
    # the demo's weak tables are the class's gaps
    assert any({7, 8, 12} & {cell.a, cell.b} for cell in built.gaps[:3])
    assert cast.amara.name in text


def test_another_teachers_class_fact_map_is_not_found(cast: Cast) -> None:
    from nextsteps.teaching.models import Class

    willow = Class.objects.get(school=cast.primary, name="4 Willow")
    assert cast.client("teacher").get(url("class_map", class_id=willow.pk)).status_code == 404
    assert (
        cast.client("otherteacher").get(url("class_map", class_id=cast.four_oak.pk)).status_code
        == 404
    )
    assert cast.client("pupil").get(url("class_map", class_id=cast.four_oak.pk)).status_code == 403
    assert cast.client("parent").get(url("class_map", class_id=cast.four_oak.pk)).status_code == 403


def test_the_teacher_sets_a_pupils_arrangements_and_the_page_follows_them(cast: Cast) -> None:
    teacher = cast.client("teacher")
    path = url("pupil_arrangements", class_id=cast.four_oak.pk, pupil_id=cast.amara.pk)
    assert teacher.get(path).status_code == 200
    saved = teacher.post(path, {"next_button": "on", "colours": "blue"})
    assert saved.status_code == 302
    arrangements = AccessArrangements.objects.get(pupil=cast.amara)
    assert arrangements.next_button and not arrangements.large_text
    assert arrangements.colours == "blue"
    refused = teacher.post(path, {"colours": "tartan"})
    assert refused.status_code == 422 and "not a colour choice" in refused.content.decode()
    attempt = started(cast.amara)
    page = cast.client("pupil").get(url("practice", attempt_id=attempt.pk)).content.decode()
    assert 'data-next-button="true"' in page and "mtc-colours-blue" in page
    # the TA and the pupil may not set it through the class
    assert cast.client("ta").post(path, {"colours": "dark"}).status_code == 404
    assert cast.client("pupil").post(path, {"colours": "dark"}).status_code == 403


def test_the_pupil_chooses_their_own_screen(cast: Cast) -> None:
    pupil = cast.client("pupil")
    assert pupil.get(url("my_arrangements")).status_code == 200
    assert (
        pupil.post(url("my_arrangements"), {"large_text": "on", "colours": "dark"}).status_code
        == 302
    )
    arrangements = AccessArrangements.objects.get(pupil=cast.amara)
    assert arrangements.large_text and arrangements.colours == "dark"
    assert not arrangements.next_button


@pytest.mark.parametrize("size", [3, 29])
def test_the_class_fact_map_takes_a_fixed_number_of_queries(
    cast: Cast, size: int, django_assert_num_queries: Any
) -> None:
    """The page's queries do not grow with pupils or answers (the demo's 10 pupils with six
    practices each, against a class cut down to 3 pupils)."""
    from nextsteps.teaching.models import Enrolment

    if size == 3:
        keep = list(
            Enrolment.objects.filter(teaching_class=cast.four_oak).values_list("pk", flat=True)[:3]
        )
        Enrolment.objects.filter(teaching_class=cast.four_oak).exclude(pk__in=keep).delete()
    teacher = cast.client("teacher")
    with django_assert_num_queries(CLASS_MAP_QUERIES):
        response = teacher.get(url("class_map", class_id=cast.four_oak.pk))
    assert response.status_code == 200
