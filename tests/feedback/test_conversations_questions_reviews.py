"""Learning conversations that become judgements in one action; questions as evidence and how
they deepen; termly reviews by pupil and teacher."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import F

from nextsteps.curriculum.models import Objective, ScaleLevel
from nextsteps.feedback import services
from nextsteps.feedback.models import ConversationNote, LearningConversation, PupilQuestion, Review
from nextsteps.feedback.services import FeedbackRefused, NoteEntry
from nextsteps.markbook.models import Judgement, Method, Standing
from nextsteps.people.models import Pupil
from nextsteps.schools.models import Term
from nextsteps.teaching.models import GroupMembership, PupilGroup
from tests.conftest import Cast
from tests.feedback.conftest import URN


def group_pupils(name: str, cast: Cast) -> tuple[PupilGroup, list[Pupil]]:
    group = PupilGroup.objects.get(teaching_class=cast.four_oak, name=name)
    return group, [
        m.pupil for m in GroupMembership.objects.filter(group=group).select_related("pupil")
    ]


def test_a_focus_group_log_turns_into_judgements_in_one_action(cast: Cast) -> None:
    group, pupils = group_pupils("Circles", cast)
    objective = Objective.objects.get(framework=cast.maths_framework, code="Y4-MD-05")
    levels = list(ScaleLevel.objects.filter(scale=cast.maths_framework.scale).order_by("position"))
    data: dict[str, Any] = {"objective": objective.pk, "group": group.pk, "summary": "Carrying"}
    for index, pupil in enumerate(pupils[:4]):
        data[f"note_{pupil.pk}"] = f"note {index}"
        data[f"next_{pupil.pk}"] = f"next {index}"
        data[f"level_{pupil.pk}"] = levels[index % 4].pk
    data[f"note_{pupils[4].pk}"] = "watched only"
    response = cast.client("teacher").post(
        f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/conversations/new/", data
    )
    assert response.status_code == 302
    conversation = LearningConversation.objects.get(objective=objective, group=group)
    notes = list(ConversationNote.objects.filter(conversation=conversation))
    assert len(notes) == 5
    recorded = Judgement.objects.filter(pk__in=[n.judgement_id for n in notes if n.judgement_id])
    assert recorded.count() == 4
    assert set(recorded.values_list("method", flat=True)) == {Method.CONVERSATION}
    assert {j.note for j in recorded} == {f"note {i} next {i}" for i in range(4)}
    assert (
        Standing.objects.filter(
            objective=objective, pupil__in=pupils[:4], level__isnull=False
        ).count()
        == 4
    )
    page = cast.client("teacher").get(response.url).content.decode()
    assert "next 2" in page and pupils[2].name in page


def test_a_bad_level_saves_nothing(cast: Cast) -> None:
    _group, pupils = group_pupils("Circles", cast)
    objective = Objective.objects.get(framework=cast.maths_framework, code="Y4-MD-05")
    before = LearningConversation.objects.count()
    response = cast.client("teacher").post(
        f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/conversations/new/",
        {
            "objective": objective.pk,
            f"level_{pupils[0].pk}": "999999",
            f"note_{pupils[1].pk}": "fine",
        },
    )
    assert response.status_code == 200
    assert "choose a level from the list" in response.content.decode()
    assert ">fine</textarea>" in response.content.decode()  # what was typed is kept
    assert LearningConversation.objects.count() == before


def test_a_level_from_another_scale_is_refused_by_the_service(cast: Cast) -> None:
    _group, pupils = group_pupils("Circles", cast)
    objective = Objective.objects.get(framework=cast.maths_framework, code="Y4-MD-05")
    self_level = ScaleLevel.objects.filter(scale_id=cast.maths_framework.self_scale_id).first()
    before = LearningConversation.objects.count()
    with pytest.raises(FeedbackRefused, match="not a level on the scale"):
        services.conversation_record(
            teaching_class=cast.four_oak,
            objective=objective,
            by=None,
            notes=[NoteEntry(pupil=pupils[0], level=self_level)],
        )
    assert LearningConversation.objects.count() == before  # the transaction rolled back


def test_a_teaching_assistant_logs_only_their_groups_pupils(cast: Cast) -> None:
    supported = PupilGroup.objects.filter(
        teaching_class=cast.four_oak, supporters__user__username="ta"
    ).first()
    unsupported = (
        PupilGroup.objects.filter(teaching_class=cast.four_oak)
        .exclude(supporters__user__username="ta")
        .first()
    )
    assert supported is not None and unsupported is not None
    objective = Objective.objects.get(framework=cast.maths_framework, code="Y4-MD-05")
    client = cast.client("ta")
    page = client.get(
        f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/conversations/new/?group={unsupported.pk}&objective={objective.pk}"
    )
    outsider = GroupMembership.objects.filter(group=unsupported).select_related("pupil").first()
    assert outsider is not None
    assert outsider.pupil.name not in page.content.decode()
    client.post(
        f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/conversations/new/",
        {
            "objective": objective.pk,
            "group": unsupported.pk,
            f"note_{outsider.pupil.pk}": "not mine",
        },
    )
    assert not ConversationNote.objects.filter(pupil=outsider.pupil, note="not mine").exists()


def test_questions_are_recorded_with_depth_and_shown_deepening(cast: Cast) -> None:
    client = cast.client("teacher")
    response = client.post(
        f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/questions/",
        {"pupil": cast.amara.pk, "text": "Does this work for decimals too?", "depth": "4"},
    )
    assert response.status_code == 302
    assert PupilQuestion.objects.filter(
        pupil=cast.amara, depth=4, text__startswith="Does this work"
    ).exists()
    profile = client.get(f"/school/{URN}/feedback/pupils/{cast.amara.pk}/").content.decode()
    assert "Deepening" in profile and "Does this work for decimals too?" in profile


def test_a_question_without_depth_is_refused(cast: Cast) -> None:
    response = cast.client("teacher").post(
        f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/questions/",
        {"pupil": cast.amara.pk, "text": "Why?", "depth": "9"},
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    with pytest.raises(FeedbackRefused, match="depth"):
        services.question_record(
            pupil=cast.amara, teaching_class=cast.four_oak, text="Why?", depth=7, by=None
        )


@pytest.mark.parametrize("username", ["pupil", "parent", "otherteacher"])
def test_only_staff_record_questions(cast: Cast, username: str) -> None:
    response = cast.client(username).post(
        f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/questions/",
        {"pupil": cast.amara.pk, "text": "Planted", "depth": "1"},
    )
    assert response.status_code == cast.refused(username)
    assert not PupilQuestion.objects.filter(text="Planted").exists()


def test_pupil_and_teacher_write_termly_reviews(cast: Cast) -> None:
    response = cast.client("pupil").post(
        f"/school/{URN}/feedback/me/review/", {"proud_of": "My stories", "next_focus": "Fractions"}
    )
    assert response.status_code == 302
    assert Review.objects.filter(pupil=cast.amara, author="pupil", proud_of="My stories").exists()
    response = cast.client("teacher").post(
        f"/school/{URN}/feedback/pupils/{cast.amara.pk}/", {"proud_of": "Great effort"}
    )
    assert response.status_code == 302
    review = Review.objects.get(pupil=cast.amara, proud_of="Great effort")
    assert review.author == "teacher" and review.term.name in {"Autumn", "Spring", "Summer"}
    assert (
        cast.client("pupil")
        .post(f"/school/{URN}/feedback/me/review/", {"proud_of": ""})
        .status_code
        == 200
    )


def test_pupil_review_page_and_profile_have_fixed_queries(cast: Cast, count_queries: Any) -> None:
    mine, _ = count_queries(cast.client("pupil"), f"/school/{URN}/feedback/me/review/")
    profile, _ = count_queries(
        cast.client("teacher"), f"/school/{URN}/feedback/pupils/{cast.amara.pk}/"
    )
    for day in range(20):
        services.question_record(
            pupil=cast.amara,
            teaching_class=cast.four_oak,
            text=f"q{day}",
            depth=1 + day % 4,
            by=None,
        )
        services.review_write(pupil=cast.amara, author="pupil", proud_of=f"r{day}", by=None)
    assert count_queries(cast.client("pupil"), f"/school/{URN}/feedback/me/review/")[0] == mine <= 8
    assert (
        count_queries(cast.client("teacher"), f"/school/{URN}/feedback/pupils/{cast.amara.pk}/")[0]
        == profile
        # 15, and the notes on their self-assessments and those to add one to (2); whether the
        # teacher teaches them is asked only when there is a self-assessment to add one to.
        <= 17
    )


@pytest.mark.parametrize(
    ("username", "page"),
    [("pupil", "me/review/"), ("teacher", "pupils/{pupil}/")],
)
def test_a_refused_review_is_shown_on_the_form_and_nothing_is_written(
    cast: Cast, username: str, page: str
) -> None:
    ten_years = dt.timedelta(days=3653)  # every term starts after today
    Term.objects.filter(school=cast.amara.school).update(
        starts_on=F("starts_on") + ten_years, ends_on=F("ends_on") + ten_years
    )
    url = f"/school/{URN}/feedback/" + page.format(pupil=cast.amara.pk)
    response = cast.client(username).post(url, {"proud_of": "Held back"})
    assert response.status_code == 200
    assert "The school has no terms set up yet." in response.content.decode()
    assert not Review.objects.filter(pupil=cast.amara, proud_of="Held back").exists()
