"""Work set to a class or group, submissions with versions, feedback with marking codes and
one next step, purple-pen revisions, acknowledgement, final work, verbal and whole-class
feedback; who may see and do each."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from nextsteps.curriculum.models import Objective
from nextsteps.feedback import selectors, services
from nextsteps.feedback.models import (
    ClassFeedbackPoint,
    Feedback,
    MarkingCode,
    Notification,
    Submission,
    Version,
    Work,
)
from nextsteps.feedback.services import FeedbackRefused, PointEntry
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import GroupMembership
from nextsteps.teaching.selectors import class_pupils
from tests.conftest import Cast
from tests.feedback.conftest import URN

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def submission_path(work: Work, pupil: Pupil) -> str:
    return f"/school/{URN}/feedback/work/{work.pk}/pupils/{pupil.pk}/"


def hand_in(client: Client, work: Work, pupil: Pupil, **data: Any) -> Any:
    payload = {
        "action": "version",
        "v-text": data.pop("text", ""),
        "v-response": data.pop("response", ""),
    }
    if "file" in data:
        payload["v-file"] = data.pop("file")
    return client.post(submission_path(work, pupil), payload)


@pytest.fixture
def maths_work(cast: Cast) -> Work:
    objective = Objective.objects.get(framework=cast.maths_framework, code="Y4-MD-05")
    return services.work_set(
        teaching_class=cast.four_oak,
        title="Short multiplication",
        objectives=[objective],
        criteria=list(objective.success_criteria.all()[:2]),
        by=cast.user("teacher"),
    )


def test_teacher_sets_work_linked_to_objectives_and_steps(cast: Cast) -> None:
    objective = Objective.objects.get(framework=cast.maths_framework, code="Y4-MD-05")
    steps = list(objective.success_criteria.all())
    response = cast.client("teacher").post(
        f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/work/new/",
        {"title": "Column multiplication", "objectives": [objective.pk], "criteria": [steps[0].pk]},
    )
    assert response.status_code == 302
    work = Work.objects.get(title="Column multiplication")
    assert list(work.objectives.all()) == [objective]
    assert list(work.criteria.all()) == [steps[0]]
    assert Notification.objects.filter(recipient__username="pupil", kind="work_set").exists()


def test_a_step_from_another_objective_is_refused(cast: Cast) -> None:
    md05 = Objective.objects.get(framework=cast.maths_framework, code="Y4-MD-05")
    md01 = Objective.objects.get(framework=cast.maths_framework, code="Y4-MD-01")
    with pytest.raises(FeedbackRefused, match="not a step of the chosen"):
        services.work_set(
            teaching_class=cast.four_oak,
            title="Mixed",
            objectives=[md05],
            criteria=[md01.success_criteria.first()],
            by=None,  # type: ignore[list-item]
        )


def test_work_set_to_a_group_is_seen_only_by_that_group(cast: Cast, classmate: Pupil) -> None:
    amara_group = GroupMembership.objects.get(pupil=cast.amara).group
    objective = Objective.objects.get(framework=cast.maths_framework, code="Y4-MD-01")
    work = services.work_set(
        teaching_class=cast.four_oak,
        group=amara_group,
        title="Tables practice",
        objectives=[objective],
        by=None,
    )
    classmate_group = GroupMembership.objects.get(pupil=classmate).group
    assert selectors.pupil_can_see_work(cast.amara, work)
    assert selectors.pupil_can_see_work(classmate, work) is (classmate_group == amara_group)


def test_pupil_hands_in_writing_and_a_photo_and_both_are_kept(cast: Cast, maths_work: Work) -> None:
    client = cast.client("pupil")
    response = hand_in(
        client,
        maths_work,
        cast.amara,
        text="243 × 6 = 1458",
        file=SimpleUploadedFile("working.png", PNG, content_type="image/png"),
    )
    assert response.status_code == 302
    version = Version.objects.get(submission__work=maths_work, submission__pupil=cast.amara)
    assert (version.number, version.kind, version.content_type) == (1, "draft", "image/png")
    file_path = f"/school/{URN}/feedback/versions/{version.pk}/file/"
    for viewer in (client, cast.client("teacher")):
        response = viewer.get(file_path)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize("username", ["parent", "otherteacher", "classmate"])
def test_nobody_else_opens_a_pupils_photo(
    cast: Cast, maths_work: Work, username: str, classmate: Pupil
) -> None:
    services.version_add(
        work=maths_work,
        pupil=cast.amara,
        by=None,
        file=SimpleUploadedFile("w.png", PNG, content_type="image/png"),
    )
    version = Version.objects.get(submission__pupil=cast.amara, submission__work=maths_work)
    assert (
        cast.client(username).get(f"/school/{URN}/feedback/versions/{version.pk}/file/").status_code
        == 404
    )


def test_an_upload_that_is_not_a_photo_pdf_or_document_is_refused(
    cast: Cast, maths_work: Work
) -> None:
    disguised = SimpleUploadedFile(
        "homework.png", b"#!/bin/sh\necho hello\n", content_type="image/png"
    )
    response = hand_in(cast.client("pupil"), maths_work, cast.amara, text="my work", file=disguised)
    assert response.status_code == 200
    assert "homework.png is not a photo, PDF or document" in response.content.decode()
    assert not Submission.objects.filter(work=maths_work, pupil=cast.amara).exists()


def test_an_upload_over_the_size_limit_is_refused(cast: Cast, maths_work: Work) -> None:
    big = SimpleUploadedFile(
        "big.png", PNG + b"\x00" * (10 * 1024 * 1024), content_type="image/png"
    )
    with pytest.raises(FeedbackRefused, match="files can be at most 10 MB"):
        services.version_add(work=maths_work, pupil=cast.amara, file=big, by=None)
    assert not Version.objects.filter(submission__work=maths_work).exists()


def test_an_empty_hand_in_says_what_to_do(cast: Cast, maths_work: Work) -> None:
    response = hand_in(cast.client("pupil"), maths_work, cast.amara, text="   ")
    assert "Write your work, or add a photo or file of it." in response.content.decode()


def give_feedback(client: Client, work: Work, pupil: Pupil, **data: Any) -> Any:
    return client.post(submission_path(work, pupil), {"action": "feedback", **data})


def test_feedback_records_steps_met_marking_codes_and_one_next_step(
    cast: Cast, maths_work: Work, classmate: Pupil
) -> None:
    services.version_add(work=maths_work, pupil=classmate, text="I carried the 1", by=None)
    step = maths_work.criteria.first()
    assert step is not None
    spelling = MarkingCode.objects.get(school=cast.primary, symbol="Sp")
    response = give_feedback(
        cast.client("teacher"),
        maths_work,
        classmate,
        **{
            "f-criteria_met": [step.pk],
            f"code_{spelling.pk}": "1",
            f"where_{spelling.pk}": "carryed",
            "f-next_step": "Estimate first to check your answer.",
            "f-released_to_guardians": "on",
        },
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get(submission__pupil=classmate, submission__work=maths_work)
    assert list(feedback.criteria_met.all()) == [step]
    assert [(u.code.symbol, u.where) for u in feedback.codes.all()] == [("Sp", "carryed")]
    assert feedback.next_step == "Estimate first to check your answer."
    assert Submission.objects.get(pk=feedback.submission_id).status == "feedback"
    assert Notification.objects.filter(recipient=classmate.user, kind="feedback").exists()


def test_feedback_without_a_next_step_is_refused(cast: Cast, maths_work: Work) -> None:
    version = services.version_add(work=maths_work, pupil=cast.amara, text="work", by=None)
    with pytest.raises(FeedbackRefused, match="Give one next step"):
        services.feedback_give(version=version, next_step="  ", by=None)
    response = give_feedback(cast.client("teacher"), maths_work, cast.amara, **{"f-next_step": ""})
    assert response.status_code == 200 and not Feedback.objects.filter(version=version).exists()


def test_another_schools_marking_code_is_refused(cast: Cast, maths_work: Work) -> None:
    version = services.version_add(work=maths_work, pupil=cast.amara, text="work", by=None)
    theirs = MarkingCode.objects.get(school=cast.secondary, symbol="Sp")
    with pytest.raises(FeedbackRefused, match="not one of the school's marking codes"):
        services.feedback_give(version=version, next_step="Check", codes=[(theirs, "")], by=None)


def test_amaras_revision_shows_in_purple_with_every_version_kept(cast: Cast, story: Work) -> None:
    page = cast.client("pupil").get(submission_path(story, cast.amara)).content.decode()
    assert '<ins class="purple-pen">' in page
    assert "whispered" in page and "Not my problem" in page
    assert "Sp</span> Spelling" in page and "//</span> New paragraph" in page
    assert "Give Leo a line of dialogue" in page
    compare = (
        cast.client("teacher")
        .get(submission_path(story, cast.amara) + "?from=1&to=2")
        .content.decode()
    )
    assert "From version 1 to version 2" in compare
    assert Version.objects.filter(submission__work=story, submission__pupil=cast.amara).count() == 2


def test_a_revision_answers_the_feedback_and_tells_the_teacher(
    cast: Cast, maths_work: Work
) -> None:
    first = services.version_add(work=maths_work, pupil=cast.amara, text="243 x 6 = 1448", by=None)
    feedback = services.feedback_give(
        version=first, next_step="Check your carrying.", by=cast.user("teacher")
    )
    response = hand_in(
        cast.client("pupil"),
        maths_work,
        cast.amara,
        text="243 x 6 = 1458",
        response="I carried the 2",
    )
    assert response.status_code == 302
    revision = Version.objects.get(
        submission__pupil=cast.amara, submission__work=maths_work, number=2
    )
    assert (revision.kind, revision.responds_to_id, revision.response) == (
        "revision",
        feedback.pk,
        "I carried the 2",
    )
    assert Notification.objects.filter(
        recipient__username="teacher", kind="response", message__contains="Amara"
    ).exists()


def test_teacher_acknowledges_and_marks_final_then_nothing_more_is_added(
    cast: Cast, story: Work
) -> None:
    client = cast.client("teacher")
    feedback = Feedback.objects.get(submission__work=story, pupil=cast.amara)
    home = client.get(f"/school/{URN}/teacher/").content.decode()
    assert "1 response to acknowledge" in home and "Amara Hughes" in home
    response = client.post(
        submission_path(story, cast.amara), {"action": "acknowledge", "feedback": feedback.pk}
    )
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.acknowledged_at is not None
    assert "0 responses to acknowledge" in client.get(f"/school/{URN}/teacher/").content.decode()
    assert client.post(submission_path(story, cast.amara), {"action": "final"}).status_code == 302
    page = hand_in(cast.client("pupil"), story, cast.amara, text="one more go")
    assert "This work is finished, so it cannot be changed any more." in page.content.decode()
    assert Version.objects.filter(submission__work=story, submission__pupil=cast.amara).count() == 2
    with pytest.raises(FeedbackRefused, match="finished"):
        services.version_add(work=story, pupil=cast.amara, text="again", by=None)


def test_pupil_cannot_acknowledge_or_give_feedback(cast: Cast, story: Work) -> None:
    feedback = Feedback.objects.get(submission__work=story, pupil=cast.amara)
    client = cast.client("pupil")
    assert (
        client.post(
            submission_path(story, cast.amara), {"action": "acknowledge", "feedback": feedback.pk}
        ).status_code
        == 404
    )
    assert (
        give_feedback(client, story, cast.amara, **{"f-next_step": "Well done me"}).status_code
        == 404
    )
    feedback.refresh_from_db()
    assert feedback.acknowledged_at is None


@pytest.mark.parametrize("username", ["classmate", "parent", "otherteacher"])
def test_nobody_else_sees_amaras_work(
    cast: Cast, story: Work, classmate: Pupil, username: str
) -> None:
    client = cast.client(username)
    assert client.get(submission_path(story, cast.amara)).status_code == 404
    assert hand_in(client, story, cast.amara, text="not mine").status_code == 404
    assert Version.objects.filter(submission__pupil=cast.amara, submission__work=story).count() == 2


def test_a_pupils_work_page_never_shows_another_pupils_work(
    cast: Cast, story: Work, classmate_client: Client, classmate: Pupil
) -> None:
    response = classmate_client.get(f"/school/{URN}/feedback/work/{story.pk}/")
    assert response.status_code == 302 and response.url.endswith(f"/pupils/{classmate.pk}/")
    page = classmate_client.get(response.url).content.decode()
    assert "Amara" not in page and "whisperd" not in page


def test_verbal_feedback_is_noted_for_several_pupils(cast: Cast, classmate: Pupil) -> None:
    response = cast.client("teacher").post(
        f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/verbal/",
        {"pupils": [cast.amara.pk, classmate.pk], "next_step": "Say the carried digit aloud."},
    )
    assert response.status_code == 302
    assert (
        Feedback.objects.filter(kind="verbal", next_step="Say the carried digit aloud.").count()
        == 2
    )
    assert (
        "Say the carried digit aloud."
        in cast.client("pupil").get(f"/school/{URN}/pupil/").content.decode()
    )


def test_a_teaching_assistant_gives_verbal_feedback_only_to_their_groups(cast: Cast) -> None:
    supported = set(
        GroupMembership.objects.filter(group__supporters__user__username="ta").values_list(
            "pupil_id", flat=True
        )
    )
    outside = (
        Pupil.objects.filter(enrolments__teaching_class=cast.four_oak)
        .exclude(pk__in=supported)
        .first()
    )
    inside = Pupil.objects.filter(pk__in=supported).first()
    assert outside is not None and inside is not None
    client = cast.client("ta")
    client.post(
        f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/verbal/",
        {"pupils": [inside.pk, outside.pk], "next_step": "Use the number line."},
    )
    assert set(
        Feedback.objects.filter(next_step="Use the number line.").values_list("pupil_id", flat=True)
    ) == {inside.pk}


def test_whole_class_feedback_shows_each_pupil_only_the_points_for_them(
    cast: Cast, classmate: Pupil
) -> None:
    services.class_feedback_give(
        teaching_class=cast.four_oak,
        title="Times tables check",
        by=None,
        points=[
            PointEntry("strength", "Quick recall of the 4s.", [classmate]),
            PointEntry("misconception", "7 × 8 is 56, not 54.", [cast.amara]),
        ],
    )
    page = cast.client("pupil").get(f"/school/{URN}/pupil/").content.decode()
    assert "7 × 8 is 56, not 54." in page
    assert "Quick recall of the 4s." not in page
    assert classmate.forename not in page


def test_whole_class_feedback_posts_from_the_page(cast: Cast, classmate: Pupil) -> None:
    response = cast.client("teacher").post(
        f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/whole-class/new/",
        {
            "title": "Fractions",
            "strength_1": "Clear diagrams",
            "strength_1_pupils": [classmate.pk],
            "next_step_1": "Label the whole",
        },
    )
    assert response.status_code == 302
    point = ClassFeedbackPoint.objects.get(text="Clear diagrams")
    assert list(point.pupils.all()) == [classmate]
    assert (
        cast.client("teacher")
        .post(
            f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/whole-class/new/",
            {"title": "Empty"},
        )
        .status_code
        == 200
    )
    assert (
        cast.client("ta")
        .get(f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/whole-class/new/")
        .status_code
        == 404
    )


def busy(cast: Cast, work: Work) -> None:
    """Every pupil in the class hands in, and half get feedback."""
    for index, pupil in enumerate(class_pupils(cast.four_oak)):
        if Submission.objects.filter(work=work, pupil=pupil).exists():
            continue
        version = services.version_add(work=work, pupil=pupil, text=f"work {index}", by=None)
        if index % 2:
            services.feedback_give(
                version=version,
                next_step="Next",
                by=None,
                codes=[(MarkingCode.objects.get(school=cast.primary, symbol="Sp"), "")],
            )


@pytest.mark.parametrize(
    ("name", "budget"),
    [
        # Session, user, memberships, school, staff checks, the class and its scope, then the
        # page's reads (intentions, work with counts, targets, conversations, notes).
        ("hub", 21),
        # The work, class scope, objectives, criteria, pupils, submissions with counts, notes.
        ("work", 14),
    ],
)
def test_class_pages_have_a_fixed_number_of_queries(
    cast: Cast, story: Work, count_queries: Any, name: str, budget: int
) -> None:
    paths = {
        "hub": f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/",
        "work": f"/school/{URN}/feedback/work/{story.pk}/",
    }
    client = cast.client("teacher")
    few, _ = count_queries(client, paths[name])
    busy(cast, story)
    many, _ = count_queries(client, paths[name])
    assert many == few
    assert many <= budget


def test_submission_and_my_work_pages_have_a_fixed_number_of_queries(
    cast: Cast, story: Work, count_queries: Any
) -> None:
    client = cast.client("pupil")
    before, _ = count_queries(client, submission_path(story, cast.amara))
    for text in ("third go", "fourth go", "fifth go"):
        version = services.version_add(work=story, pupil=cast.amara, text=text, by=None)
        services.feedback_give(version=version, next_step="Again", by=None)
    after, page = count_queries(client, submission_path(story, cast.amara))
    assert b"Version 5" in page.content
    # Each version adds no query: versions, feedback with codes and steps are read in batches.
    assert after == before and after <= 21
    mine, _ = count_queries(client, f"/school/{URN}/feedback/me/work/")
    assert mine <= 11


def test_after_handing_in_the_pupil_returns_to_their_work_with_the_confirmation_there(
    cast: Cast, maths_work: Work
) -> None:
    client = cast.client("pupil")
    response = hand_in(client, maths_work, cast.amara, text="7 × 6 = 42")
    assert response.status_code == 302
    assert response["Location"] == submission_path(maths_work, cast.amara) + "#my-work"
    page = client.get(submission_path(maths_work, cast.amara)).content.decode()
    assert "Saved! Your teacher can see your work." in page
    # The part the pupil used, and the place in it where the confirmation is shown.
    assert 'id="my-work"' in page
    assert page.index('id="my-work"') < page.index("data-ns-messages-here")
