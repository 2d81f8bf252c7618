"""Targets: set with the pupil, claimed with a comment or evidence, confirmed with a
judgement or returned, with their history; the class view of targets due and claimed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from nextsteps.curriculum.models import Objective, ScaleLevel
from nextsteps.feedback import services
from nextsteps.feedback.models import Notification, Target, TargetEvent
from nextsteps.feedback.services import FeedbackRefused
from nextsteps.markbook.models import Judgement, JudgementSource, Standing
from nextsteps.people.models import Pupil
from tests.conftest import Cast
from tests.feedback.conftest import URN


def target_path(target: Target) -> str:
    return f"/school/{URN}/feedback/targets/{target.pk}/"


@pytest.fixture
def open_target(cast: Cast) -> Target:
    return Target.objects.get(pupil=cast.amara, status="open")


@pytest.fixture
def claimed(cast: Cast) -> Target:
    return Target.objects.get(pupil=cast.amara, status="claimed")


def test_teacher_sets_a_target_with_the_pupil(cast: Cast, classmate: Pupil) -> None:
    objective = Objective.objects.get(framework=cast.maths_framework, code="Y4-MD-01")
    response = cast.client("teacher").post(
        f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/targets/",
        {
            "pupil": classmate.pk,
            "objective": objective.pk,
            "wording": "I know my 7 times table.",
            "due_on": "2030-01-31",
            "set_with_pupil": "on",
        },
    )
    assert response.status_code == 302
    target = Target.objects.get(pupil=classmate, wording="I know my 7 times table.")
    assert (target.objective, target.status, target.set_with_pupil) == (objective, "open", True)
    assert list(target.events.values_list("kind", flat=True)) == ["set"]


def test_a_target_for_a_pupil_outside_the_class_is_refused(cast: Cast) -> None:
    outsider = Pupil.objects.filter(school=cast.primary, year_group=5).first()
    assert outsider is not None
    objective = Objective.objects.get(framework=cast.maths_framework, code="Y4-MD-01")
    response = cast.client("teacher").post(
        f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/targets/",
        {"pupil": outsider.pk, "objective": objective.pk, "wording": "Sneaky"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Target.objects.filter(wording="Sneaky").exists()


def claim(client: Client, target: Target, **data: Any) -> Any:
    return client.post(target_path(target), {"action": "claim", **data})


def test_pupil_claims_a_target_with_evidence_and_the_teacher_is_told(
    cast: Cast, open_target: Target
) -> None:
    photo = SimpleUploadedFile(
        "speech.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, content_type="image/jpeg"
    )
    response = claim(
        cast.client("pupil"),
        open_target,
        **{"c-comment": "I used speech marks in my story.", "c-file": photo},
    )
    assert response.status_code == 302
    open_target.refresh_from_db()
    assert open_target.status == "claimed"
    event = open_target.events.get(kind="claimed")
    assert (event.comment, event.content_type) == ("I used speech marks in my story.", "image/jpeg")
    assert Notification.objects.filter(
        recipient__username="teacher", kind="target_claimed", message__contains="speech marks"
    ).exists()


def test_a_claim_needs_a_comment_or_evidence(cast: Cast, open_target: Target) -> None:
    response = claim(cast.client("pupil"), open_target, **{"c-comment": ""})
    assert "Say how you know you have done it, or add a photo." in response.content.decode()
    open_target.refresh_from_db()
    assert open_target.status == "open"


def test_claim_evidence_that_is_not_a_photo_or_document_is_refused(
    cast: Cast, open_target: Target
) -> None:
    fake = SimpleUploadedFile(
        "proof.pdf", b"MZ\x90\x00 not really a pdf", content_type="application/pdf"
    )
    response = claim(cast.client("pupil"), open_target, **{"c-comment": "done", "c-file": fake})
    assert "proof.pdf is not a photo, PDF or document" in response.content.decode()
    assert not TargetEvent.objects.filter(target=open_target, kind="claimed").exists()


def test_teacher_confirms_a_claim_with_a_judgement(cast: Cast, claimed: Target) -> None:
    secure = ScaleLevel.objects.get(scale=cast.maths_framework.scale, label="Secure")
    response = cast.client("teacher").post(
        target_path(claimed),
        {"action": "confirm", "k-level": secure.pk, "k-note": "Carried accurately in 3 sums"},
    )
    assert response.status_code == 302
    claimed.refresh_from_db()
    assert claimed.status == "achieved" and claimed.judgement is not None
    judgement = Judgement.objects.get(pk=claimed.judgement_id)
    assert (judgement.source, judgement.level, judgement.objective_id) == (
        JudgementSource.TEACHER,
        secure,
        claimed.objective_id,
    )
    assert Standing.objects.get(pupil=cast.amara, objective=claimed.objective).evidence_count >= 1
    assert [e.kind for e in claimed.events.all()] == ["set", "claimed", "confirmed"]
    assert Notification.objects.filter(
        recipient__username="pupil", kind="target_confirmed"
    ).exists()


def test_teacher_returns_a_claim_and_the_history_is_kept(cast: Cast, claimed: Target) -> None:
    client = cast.client("teacher")
    assert (
        client.post(target_path(claimed), {"action": "return", "r-comment": ""}).status_code == 200
    )
    response = client.post(
        target_path(claimed),
        {"action": "return", "r-comment": "Try one with a zero in the middle."},
    )
    assert response.status_code == 302
    claimed.refresh_from_db()
    assert claimed.status == "open"
    page = cast.client("pupil").get(target_path(claimed)).content.decode()
    assert (
        "Try one with a zero in the middle." in page
        and "My teacher said keep going" in page  # the pupil's words for each step
        and "I said I had done it" in page
    )
    page = cast.client("teacher").get(target_path(claimed)).content.decode()
    assert "Returned to work on" in page and "Claimed" in page


def test_a_target_cannot_be_confirmed_twice(cast: Cast, claimed: Target) -> None:
    secure = ScaleLevel.objects.get(scale=cast.maths_framework.scale, label="Secure")
    services.target_confirm(target=claimed, level=secure, by=None)
    with pytest.raises(FeedbackRefused, match="already confirmed"):
        services.target_confirm(target=claimed, level=secure, by=None)


@pytest.mark.parametrize("username", ["pupil", "ta", "parent"])
def test_only_the_teacher_confirms(cast: Cast, claimed: Target, username: str) -> None:
    secure = ScaleLevel.objects.get(scale=cast.maths_framework.scale, label="Secure")
    response = cast.client(username).post(
        target_path(claimed), {"action": "confirm", "k-level": secure.pk}
    )
    assert response.status_code == 404
    claimed.refresh_from_db()
    assert claimed.status == "claimed"


@pytest.mark.parametrize("username", ["classmate", "parent", "otherteacher"])
def test_nobody_else_sees_or_claims_amaras_target(
    cast: Cast, open_target: Target, classmate: Pupil, username: str
) -> None:
    client = cast.client(username)
    assert client.get(target_path(open_target)).status_code == 404
    assert claim(client, open_target, **{"c-comment": "mine now"}).status_code == 404
    open_target.refresh_from_db()
    assert open_target.status == "open"


def test_class_view_shows_claimed_and_due_targets_home_shows_overnight_claims(
    cast: Cast, claimed: Target
) -> None:
    page = (
        cast.client("teacher")
        .get(f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/targets/")
        .content.decode()
    )
    assert (
        "Claimed — waiting for you" in page
        and claimed.wording in page
        and "Due in the next two weeks" in page
    )
    home = cast.client("teacher").get(f"/school/{URN}/teacher/").content.decode()
    assert "1 target claimed" in home and "I can carry when I multiply in columns." in home


def test_class_targets_page_has_a_fixed_number_of_queries(cast: Cast, count_queries: Any) -> None:
    client = cast.client("teacher")
    path = f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/targets/"
    few, _ = count_queries(client, path)
    objective = Objective.objects.get(framework=cast.maths_framework, code="Y4-MD-01")
    for pupil in Pupil.objects.filter(enrolments__teaching_class=cast.four_oak):
        target = services.target_set(
            pupil=pupil,
            teaching_class=cast.four_oak,
            objective=objective,
            wording="Tables",
            by=None,
        )
        services.target_claim(target=target, comment="done", by=None)
    many, _ = count_queries(client, path)
    # Sign-in, school and class checks, the pupils for the form, then one read of every
    # target with its pupil and objective and one of their claims.
    assert many == few and many <= 17


def test_a_target_due_in_the_past_is_refused_on_the_form_naming_the_field(
    cast: Cast, classmate: Pupil
) -> None:
    objective = Objective.objects.get(framework=cast.maths_framework, code="Y4-MD-01")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = cast.client("teacher").post(
        f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/targets/",
        {
            "pupil": classmate.pk,
            "objective": objective.pk,
            "wording": "I know my 8 times table.",
            "due_on": yesterday.isoformat(),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["due_on"] == [
        "“Aim to achieve by” is in the past: choose today or a later date."
    ]
    assert f'min="{timezone.localdate().isoformat()}"' in response.content.decode()
    assert not Target.objects.filter(wording="I know my 8 times table.").exists()


def test_the_service_refuses_a_target_due_in_the_past(cast: Cast, classmate: Pupil) -> None:
    objective = Objective.objects.get(framework=cast.maths_framework, code="Y4-MD-01")
    with pytest.raises(FeedbackRefused) as refused:
        services.target_set(
            pupil=classmate,
            teaching_class=cast.four_oak,
            objective=objective,
            wording="I can round to 10.",
            due_on=timezone.localdate() - dt.timedelta(days=1),
            by=cast.user("teacher"),
        )
    assert refused.value.field == "due_on"
    assert "in the past" in str(refused.value)
