"""The parent's page for each child (only what is released), and notifications in the
product with the unread count in the navigation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from nextsteps.feedback import services
from nextsteps.feedback.models import Feedback, Notification, Target, Work
from nextsteps.people.models import Pupil
from tests.conftest import Cast
from tests.feedback.conftest import URN


def child_path(pupil: Pupil) -> str:
    return f"/school/{URN}/feedback/children/{pupil.pk}/"


def test_parent_sees_goals_targets_feedback_next_step_and_how_to_help(cast: Cast) -> None:
    page = cast.client("parent").get(child_path(cast.amara)).content.decode()
    assert "I am learning to use short multiplication." in page
    assert "I can carry when I multiply in columns." in page
    assert "Give Leo a line of dialogue that shows how he feels about the lost key." in page
    assert "Practise one times table a night" in page
    assert "4 Oak" in page


def test_parent_sees_only_feedback_released_to_them(cast: Cast, story: Work) -> None:
    version = services.version_add(work=story, pupil=cast.amara, text="a private draft", by=None)
    services.feedback_give(
        version=version,
        next_step="Private next step for school only",
        released_to_guardians=False,
        by=None,
    )
    page = cast.client("parent").get(child_path(cast.amara)).content.decode()
    assert "Private next step for school only" not in page
    assert (
        "Private next step for school only"
        in cast.client("pupil").get(f"/school/{URN}/pupil/").content.decode()
    )


def test_targets_not_shared_with_parents_stay_hidden(cast: Cast) -> None:
    Target.objects.filter(pupil=cast.amara, status="open").update(shared_with_guardians=False)
    page = cast.client("parent").get(child_path(cast.amara)).content.decode()
    assert "I can put speech marks around the words people say." not in page


def test_parents_see_only_their_own_children(
    cast: Cast, other_parent: Client, classmate: Pupil
) -> None:
    assert other_parent.get(child_path(cast.amara)).status_code == 404
    assert other_parent.get(child_path(classmate)).status_code == 200
    for username in ("pupil", "teacher", "otherteacher"):
        assert cast.client(username).get(child_path(cast.amara)).status_code == 404


def test_guardian_home_links_to_each_childs_page(cast: Cast) -> None:
    page = cast.client("parent").get(f"/school/{URN}/guardian/").content.decode()
    assert child_path(cast.amara) in page


def test_child_page_has_a_fixed_number_of_queries(
    cast: Cast, story: Work, count_queries: Any
) -> None:
    client = cast.client("parent")
    few, _ = count_queries(client, child_path(cast.amara))
    for index in range(6):
        version = services.version_add(work=story, pupil=cast.amara, text=f"go {index}", by=None)
        services.feedback_give(version=version, next_step=f"step {index}", by=None)
    many, _ = count_queries(client, child_path(cast.amara))
    # The page as before (22, with one for the child's released reports), with the next steps
    # now read with their responses (one query for the one before), and for answering: the
    # parent, their own replies and the school's reply setting.
    assert many == few and many <= 25


def test_new_feedback_notifies_pupil_and_parent_and_the_nav_counts_unread(
    cast: Cast, story: Work
) -> None:
    pupil = cast.client("pupil")
    before = Notification.objects.filter(recipient__username="pupil", read_at__isnull=True).count()
    version = services.version_add(work=story, pupil=cast.amara, text="new go", by=None)
    services.feedback_give(version=version, next_step="Use a semicolon", by=cast.user("teacher"))
    unread = Notification.objects.filter(recipient__username="pupil", read_at__isnull=True).count()
    assert unread == before + 1
    assert Notification.objects.filter(
        recipient__username="parent", message__contains="new feedback"
    ).exists()
    page = pupil.get(f"/school/{URN}/feedback/notifications/").content.decode()
    assert f'{unread}<span class="visually-hidden"> unread</span>' in page
    pupil.post(f"/school/{URN}/feedback/notifications/")
    assert not Notification.objects.filter(
        recipient__username="pupil", read_at__isnull=True
    ).exists()
    assert (
        'visually-hidden"> unread'
        not in pupil.get(f"/school/{URN}/feedback/notifications/").content.decode()
    )


def test_opening_a_notification_marks_it_read_and_goes_to_it(cast: Cast) -> None:
    note = Notification.objects.filter(recipient__username="teacher", kind="target_claimed").first()
    assert note is not None
    response = cast.client("teacher").post(f"/school/{URN}/feedback/notifications/{note.pk}/open/")
    assert response.status_code == 302 and response.url == note.url
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.parametrize("username", ["pupil", "parent", "ta"])
def test_nobody_opens_anothers_notification(cast: Cast, username: str) -> None:
    note = Notification.objects.filter(recipient__username="teacher").first()
    assert note is not None
    assert (
        cast.client(username)
        .post(f"/school/{URN}/feedback/notifications/{note.pk}/open/")
        .status_code
        == 404
    )
    note.refresh_from_db()
    assert note.read_at is None


def test_notifications_page_has_a_fixed_number_of_queries(cast: Cast, count_queries: Any) -> None:
    client = cast.client("teacher")
    few, _ = count_queries(client, f"/school/{URN}/feedback/notifications/")
    services.notify(
        user_ids=[cast.user("teacher").pk] * 1,
        school_id=cast.primary.pk,
        kind="feedback",
        message="x",
        url="",
    )
    for index in range(30):
        services.notify(
            user_ids=[cast.user("teacher").pk],
            school_id=cast.primary.pk,
            kind="response",
            message=f"m{index}",
            url="/",
        )
    many, _ = count_queries(client, f"/school/{URN}/feedback/notifications/")
    assert many == few and many <= 6


def test_verbal_feedback_is_released_to_parents_and_shows_its_next_step(cast: Cast) -> None:
    services.verbal_feedback_record(
        teaching_class=cast.four_oak,
        pupils=[cast.amara],
        next_step="Read your work aloud.",
        by=None,
    )
    assert Feedback.objects.filter(pupil=cast.amara, kind="verbal").exists()
    assert (
        "Read your work aloud."
        in cast.client("parent").get(child_path(cast.amara)).content.decode()
    )


def test_marking_code_legend_is_readable_by_everyone_in_the_school(cast: Cast) -> None:
    for username in ("pupil", "parent", "teacher", "ta"):
        page = cast.client(username).get(f"/school/{URN}/feedback/codes/").content.decode()
        assert "New paragraph" in page and "Spelling" in page
    assert cast.client("otherteacher").get(f"/school/{URN}/feedback/codes/").status_code == 404


def test_only_leaders_and_data_managers_change_marking_codes(cast: Cast) -> None:
    for username in ("teacher", "pupil", "parent"):
        assert (
            cast.client(username)
            .post(f"/school/{URN}/feedback/codes/", {"symbol": "X", "meaning": "Wrong"})
            .status_code
            == 404
        )
    response = cast.client("primaryhead").post(
        f"/school/{URN}/feedback/codes/",
        {"symbol": "WW", "meaning": "Wrong word", "pupil_action": "Choose a better word."},
    )
    assert response.status_code == 302
    assert (
        "Wrong word" in cast.client("pupil").get(f"/school/{URN}/feedback/codes/").content.decode()
    )
