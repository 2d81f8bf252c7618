"""Department answers: drafts as versions, comments from leaders, status, and who may do what."""

from __future__ import annotations

import pytest

from nextsteps.policy import services
from nextsteps.policy.kernels.drops import year_name
from nextsteps.policy.models import (
    KeyQuestion,
    Response,
    ResponseComment,
    ResponseVersion,
    Status,
)
from tests.conftest import Cast
from tests.policy.helpers import (
    KINGSMEAD,
    answer_url,
    client_for,
    demo_year_start,
    department,
    head_of,
    question,
)


@pytest.fixture
def homework(cast: Cast) -> KeyQuestion:
    """A key question the school has added."""
    from nextsteps.policy.models import Stage

    stage = Stage.objects.get(school=cast.secondary, position=5)
    return services.key_question_create(
        school=cast.secondary,
        by=None,
        stage=stage,
        text="How do we use homework?",
        guidance="",
        prompts="",
    )


def url_for(cast: Cast, name: str, question_id: int) -> str:
    department_id = department(cast, name).pk
    return f"/school/{KINGSMEAD}/policy/departments/{department_id}/questions/{question_id}/"


def test_every_save_is_a_new_version_and_nothing_is_overwritten(
    cast: Cast, homework: KeyQuestion
) -> None:
    client = cast.client("hod")
    url = url_for(cast, "Mathematics", homework.pk)
    client.post(url, {"text": "Short retrieval quizzes.", "action": "save"})
    client.post(url, {"text": "Short retrieval quizzes, self-marked.", "action": "save"})
    client.post(url, {"text": "Short retrieval quizzes, self-marked.", "action": "save"})
    response = Response.objects.get(question=homework)
    texts = list(response.versions.order_by("number").values_list("number", "text"))
    assert texts == [
        (1, "Short retrieval quizzes."),
        (2, "Short retrieval quizzes, self-marked."),
    ]
    assert response.status == Status.DRAFT
    assert response.latest_version.number == 2
    page = client.get(url).content.decode()
    assert "Version 2 saved by" in page and "Version 1 saved by" in page


def test_the_full_cycle_draft_comment_changes_revise_submit_agree(
    cast: Cast, homework: KeyQuestion
) -> None:
    hod, leader = cast.client("hod"), cast.client("leader")
    url = url_for(cast, "Mathematics", homework.pk)
    actions = url + "actions/"
    hod.post(url, {"text": "Weekly quizzes.", "action": "submit"})
    response = Response.objects.get(question=homework)
    assert response.status == Status.SUBMITTED
    leader.post(actions, {"action": "comment", "body": "What about feedback on them?"})
    refused = leader.post(actions, {"action": "changes", "body": " "}, follow=True)
    assert "Say what the department should change." in refused.content.decode()
    response.refresh_from_db()
    assert response.status == Status.SUBMITTED
    leader.post(actions, {"action": "changes", "body": "Say how pupils act on the quizzes."})
    response.refresh_from_db()
    assert response.status == Status.CHANGES_REQUESTED
    hod.post(url, {"text": "Weekly quizzes; pupils correct them in purple.", "action": "submit"})
    leader.post(actions, {"action": "agree", "body": ""})
    response.refresh_from_db()
    assert response.status == Status.AGREED
    assert response.agreed_version.number == 2
    statuses = list(
        ResponseComment.objects.filter(response=response).values_list("status", flat=True)
    )
    assert statuses == ["submitted", "", "changes_requested", "draft", "submitted", "agreed"]
    page = hod.get(url).content.decode()
    assert "What about feedback on them?" in page
    assert "the agreed version" in page


def test_editing_an_agreed_answer_keeps_the_agreed_version_in_force(cast: Cast) -> None:
    purpose = question(cast, "purpose")
    maths = department(cast, "Mathematics")
    response = Response.objects.get(department=maths, question=purpose)
    agreed = response.agreed_version
    cast.client("hod").post(
        answer_url(cast, "Mathematics", "purpose"), {"text": "A revision.", "action": "save"}
    )
    response.refresh_from_db()
    assert response.status == Status.DRAFT
    assert response.agreed_version == agreed
    assert response.latest_version.text == "A revision."


def test_only_the_departments_head_writes_its_answers(cast: Cast, homework: KeyQuestion) -> None:
    url = url_for(cast, "Mathematics", homework.pk)
    assert cast.client("leader").post(url, {"text": "x", "action": "save"}).status_code == 404
    english = client_for(head_of(cast, "English"))
    assert english.get(url).status_code == 404
    assert english.post(url, {"text": "x", "action": "save"}).status_code == 404
    assert cast.client("hod").get(url_for(cast, "English", homework.pk)).status_code == 404
    assert not ResponseVersion.objects.filter(response__question=homework).exists()


def test_heads_of_department_cannot_agree_their_own_answers(cast: Cast) -> None:
    url = answer_url(cast, "Mathematics", "purpose") + "actions/"
    assert cast.client("hod").post(url, {"action": "agree"}).status_code == 404


@pytest.mark.parametrize("username", ["teacher", "ta", "pupil", "parent", "admin", "otherteacher"])
def test_people_outside_the_policy_work_cannot_open_answers(cast: Cast, username: str) -> None:
    client = cast.client(username)
    maths = department(cast, "Mathematics")
    assert client.get(answer_url(cast, "Mathematics", "purpose")).status_code == cast.refused(
        username, cast.secondary
    )
    department_page = client.get(f"/school/{KINGSMEAD}/policy/departments/{maths.pk}/")
    assert department_page.status_code == cast.refused(username, cast.secondary)


def test_a_bad_assessment_point_is_named_and_nothing_is_saved(cast: Cast) -> None:
    url = answer_url(cast, "Mathematics", "data-collection")
    before = ResponseVersion.objects.count()
    page = cast.client("hod").post(
        url,
        {
            "text": "Three points.",
            "action": "save",
            "points-TOTAL_FORMS": "3",
            "points-INITIAL_FORMS": "0",
            "points-0-name": "Autumn",
            "points-0-date": "2020-12-09",
            "points-1-name": "autumn",
            "points-1-date": "",
            "points-2-name": "",
            "points-2-date": "",
        },
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Nothing was saved." in text
    assert ResponseVersion.objects.count() == before
    direct = pytest.raises(services.PolicyError)
    with direct as error:
        services.response_save(
            department=department(cast, "Mathematics"),
            question=question(cast, "data-collection"),
            by=None,
            text="Three points.",
            structured={"points": [{"name": "Autumn", "date": "2020-12-09"}, {"name": "autumn"}]},
        )
    message = str(error.value)
    assert "Assessment point 1:" in message and "outside the academic year" in message
    assert "Assessment point 2: the name “autumn” is used twice." in message
    assert "Assessment point 2 needs a date" in message


def test_marking_rows_left_blank_are_skipped_and_kinds_are_checked(cast: Cast) -> None:
    with pytest.raises(services.PolicyError, match="Activity 1: choose what kind"):
        services.response_save(
            department=department(cast, "History"),
            question=question(cast, "marking-feedback"),
            by=None,
            text="x",
            structured={
                "activities": [
                    {
                        "kind": "red pen",
                        "times": 1,
                        "period": "week",
                        "minutes_per_pupil": "2",
                        "classes": 3,
                    }
                ]
            },
        )
    url = answer_url(cast, "History", "marking-feedback")
    client = client_for(head_of(cast, "History"))
    client.post(
        url,
        {
            "text": "Extended answers marked once per enquiry.",
            "action": "save",
            "activities-TOTAL_FORMS": "2",
            "activities-INITIAL_FORMS": "0",
            "activities-0-kind": "written_comments",
            "activities-0-times": "1",
            "activities-0-period": "half_term",
            "activities-0-minutes_per_pupil": "4",
            "activities-0-classes": "8",
            "activities-1-kind": "",
            "activities-1-times": "",
            "activities-1-period": "week",
            "activities-1-minutes_per_pupil": "",
            "activities-1-classes": "",
        },
    )
    version = Response.objects.get(
        department=department(cast, "History"), question=question(cast, "marking-feedback")
    ).latest_version
    assert version.structured == {
        "activities": [
            {
                "kind": "written_comments",
                "times": 1,
                "period": "half_term",
                "minutes_per_pupil": "4.0",
                "classes": 8,
            }
        ]
    }


def test_answer_page_shows_subject_guidance_beside_the_question(cast: Cast) -> None:
    page = cast.client("hod").get(answer_url(cast, "Mathematics", "progress")).content.decode()
    assert "Guidance for Mathematics" in page
    assert "explaining how and why methods work" in page
    assert "Guidance for every subject" in page
    english = client_for(head_of(cast, "English"))
    page = english.get(answer_url(cast, "English", "progress")).content.decode()
    assert "Guidance for English" in page


def test_department_dashboard_shows_what_is_answered(
    cast: Cast, django_assert_max_num_queries
) -> None:
    client = client_for(head_of(cast, "Science"))
    science = department(cast, "Science")
    # Session and user (2), memberships (1), seeding check (1), department (1), stages and
    # questions (2), responses (1), guidance settings (1), configuration (3), reviews (1),
    # workload (7), layout (2): it does not grow with questions or answers.
    with django_assert_max_num_queries(26):
        page = client.get(f"/school/{KINGSMEAD}/policy/departments/{science.pk}/")
    text = page.content.decode()
    assert "5 of 9 key questions answered, 0 agreed" in text
    # Science's own points in the calendar: four drops, two of them ten days apart.
    year = demo_year_start()
    assert f"4 drops in {year_name(year)}" in text
    assert f"1 Dec {year} and 11 Dec {year} are 10 days apart" in text
