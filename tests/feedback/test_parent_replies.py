"""Parents who answer: a reply to feedback or its next step, what they did at home, a tip
tried; who may write and read them; the school's switch; next steps shown as done."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from nextsteps.accounts.models import Role, User
from nextsteps.accounts.services import membership_grant
from nextsteps.audit.models import AuditEvent
from nextsteps.feedback import selectors, services
from nextsteps.feedback.models import (
    CurrentIntention,
    Feedback,
    Notification,
    ParentReply,
    Work,
)
from nextsteps.people.models import GuardianLink, Pupil, Staff
from nextsteps.teaching.models import Class, ClassStaff
from tests.conftest import Cast
from tests.feedback.conftest import URN, signed_in


def child_path(pupil: Pupil) -> str:
    return f"/school/{URN}/feedback/children/{pupil.pk}/"


def story_feedback(cast: Cast) -> Feedback:
    return Feedback.objects.get(pupil=cast.amara, submission__isnull=False)


def maths_tips(cast: Cast) -> CurrentIntention:
    return next(
        view.intention
        for view in selectors.pupil_intentions(cast.amara)
        if view.intention.home_help_ideas
    )


def reply_notes() -> int:
    return Notification.objects.filter(kind=Notification.Kind.PARENT_REPLY).count()


def teacher_of(cast: Cast, class_name: str, username: str) -> Client:
    """A teacher of another class in the primary school (the demo's teacher teaches 4 Oak)."""
    user = User.objects.create_user(username, password="x")
    membership_grant(user=user, school=cast.primary, role=Role.TEACHER, by=None)
    staff = Staff.objects.create(school=cast.primary, user=user, forename="Sam", surname="Reed")
    ClassStaff.objects.create(
        school=cast.primary,
        teaching_class=Class.objects.get(school=cast.primary, name=class_name),
        staff=staff,
    )
    return signed_in(user)


# ---------------------------------------------------------------------------- writing


def test_parent_replies_to_feedback_and_the_teacher_is_told(cast: Cast, story: Work) -> None:
    feedback = story_feedback(cast)
    before = reply_notes()
    response = cast.client("parent").post(
        child_path(cast.amara),
        {"action": "reply", "feedback": feedback.pk, "text": "She loved writing Leo's line."},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#feedback-reply-{feedback.pk}")
    reply = ParentReply.objects.latest("pk")
    assert (reply.kind, reply.feedback_id, reply.text) == (
        "reply",
        feedback.pk,
        "She loved writing Leo's line.",
    )
    assert reply.written_by == cast.user("parent")
    assert AuditEvent.objects.filter(action="parent.reply", target_id=str(reply.pk)).exists()
    notes = Notification.objects.filter(kind=Notification.Kind.PARENT_REPLY).order_by("-pk")
    assert reply_notes() == before + 1
    assert notes[0].recipient == cast.user("teacher")
    assert "She loved writing Leo's line." in notes[0].message
    assert notes[0].url.endswith(f"/work/{story.pk}/pupils/{cast.amara.pk}/#from-home")
    # The parent reads their reply under the feedback; the teacher on the pupil's work.
    assert (
        "She loved writing Leo&#x27;s line."
        in cast.client("parent").get(child_path(cast.amara)).content.decode()
    )
    work_page = cast.client("teacher").get(
        f"/school/{URN}/feedback/work/{story.pk}/pupils/{cast.amara.pk}/"
    )
    assert "She loved writing Leo&#x27;s line." in work_page.content.decode()
    assert "From home" in work_page.content.decode()


def test_a_reply_sent_twice_is_stored_once_and_the_teacher_told_once(
    cast: Cast, story: Work
) -> None:
    """A double tap or a retry after a lost answer sends the same form again."""
    feedback = story_feedback(cast)
    form = {"action": "reply", "feedback": feedback.pk, "text": "Thank you, we read it together."}
    before, notes = ParentReply.objects.count(), reply_notes()
    for _ in range(2):
        response = cast.client("parent").post(child_path(cast.amara), form)
        assert response.status_code == 302
    assert ParentReply.objects.count() == before + 1
    assert reply_notes() == notes + 1
    # Different words are a new reply.
    cast.client("parent").post(child_path(cast.amara), {**form, "text": "And again tonight."})
    assert ParentReply.objects.count() == before + 2


def test_parent_says_what_they_did_at_home_about_a_next_step(cast: Cast) -> None:
    step = next(s for s in selectors.next_steps_for_parent(cast.amara) if not s.done)
    response = cast.client("parent").post(
        child_path(cast.amara),
        {"action": "at_home", "feedback": step.feedback.pk, "text": "We did two more sums."},
    )
    assert response.status_code == 302
    reply = ParentReply.objects.latest("pk")
    assert reply.kind == ParentReply.Kind.AT_HOME
    assert reply.teaching_class_id == step.feedback.teaching_class_id
    profile = cast.client("teacher").get(f"/school/{URN}/feedback/pupils/{cast.amara.pk}/")
    assert "We did two more sums." in profile.content.decode()


def test_parent_marks_a_tip_tried_once(cast: Cast) -> None:
    intention = maths_tips(cast)
    tip = intention.home_help_ideas[1]
    client = cast.client("parent")
    before = reply_notes()
    for _ in range(2):
        response = client.post(
            child_path(cast.amara),
            {"action": "tip", "intention": intention.pk, "tip": tip, "text": "Fun!"},
        )
        assert response.status_code == 302
    assert ParentReply.objects.filter(kind="tip_tried", tip=tip).count() == 1
    assert reply_notes() == before + 1
    page = client.get(child_path(cast.amara)).content.decode()
    assert page.count("We tried this") == len(intention.home_help_ideas) - 2  # demo tried one


def test_a_changed_tip_is_refused_and_the_note_kept(cast: Cast) -> None:
    intention = maths_tips(cast)
    response = cast.client("parent").post(
        child_path(cast.amara),
        {"action": "tip", "intention": intention.pk, "tip": "Not a tip", "text": "my note"},
    )
    assert response.status_code == 400
    assert "That tip has changed" in response.content.decode()
    assert not ParentReply.objects.filter(tip="Not a tip").exists()


@pytest.mark.parametrize(
    ("text", "reason"),
    [("x" * 1001, "Your message is 1001 characters long; the most is 1000."), ("  ", "Write")],
)
def test_a_refused_reply_changes_nothing_and_keeps_what_was_typed(
    cast: Cast, text: str, reason: str
) -> None:
    feedback = story_feedback(cast)
    replies, notes = ParentReply.objects.count(), Notification.objects.count()
    response = cast.client("parent").post(
        child_path(cast.amara), {"action": "reply", "feedback": feedback.pk, "text": text}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert reason in page
    assert f">{text}</textarea>" in page  # the form is open again with what they typed
    assert (ParentReply.objects.count(), Notification.objects.count()) == (replies, notes)


# ---------------------------------------------------------------------------- who may


def test_a_parent_replies_only_about_their_own_child(
    cast: Cast, other_parent: Client, classmate: Pupil
) -> None:
    feedback = story_feedback(cast)
    answer = {"action": "reply", "feedback": feedback.pk, "text": "not mine"}
    assert other_parent.post(child_path(cast.amara), answer).status_code == 404
    # Amara's feedback named on the classmate's page is not found either.
    assert other_parent.post(child_path(classmate), answer).status_code == 404
    assert not ParentReply.objects.filter(text="not mine").exists()


def test_a_parent_whose_link_has_ended_cannot_read_or_reply(cast: Cast) -> None:
    GuardianLink.objects.filter(pupil=cast.amara, guardian__user__username="parent").update(
        ends_on=timezone.localdate() - dt.timedelta(days=1)
    )
    client = cast.client("parent")
    feedback = story_feedback(cast)
    assert client.get(child_path(cast.amara)).status_code == 404
    response = client.post(
        child_path(cast.amara), {"action": "reply", "feedback": feedback.pk, "text": "late"}
    )
    assert response.status_code == 404
    assert not ParentReply.objects.filter(text="late").exists()


def test_feedback_kept_from_parents_cannot_be_replied_to(cast: Cast, story: Work) -> None:
    version = services.version_add(work=story, pupil=cast.amara, text="draft", by=None)
    hidden = services.feedback_give(
        version=version, next_step="school only", released_to_guardians=False, by=None
    )
    response = cast.client("parent").post(
        child_path(cast.amara), {"action": "reply", "feedback": hidden.pk, "text": "hello"}
    )
    assert response.status_code == 404


def test_staff_and_pupils_cannot_write_as_a_parent(cast: Cast) -> None:
    feedback = story_feedback(cast)
    answer = {"action": "reply", "feedback": feedback.pk, "text": "impostor"}
    for username in ("pupil", "teacher", "admin", "otherteacher"):
        assert cast.client(username).post(child_path(cast.amara), answer).status_code == 404
    assert not ParentReply.objects.filter(text="impostor").exists()


def test_teachers_read_replies_only_for_their_classes(cast: Cast, story: Work) -> None:
    """The demo's replies reach 4 Oak's teacher; a teacher of another class is not told and
    cannot open the pages that show them; no other school sees them."""
    one_oak = teacher_of(cast, "1 Oak", "oneoakteacher")
    told = set(
        Notification.objects.filter(kind=Notification.Kind.PARENT_REPLY).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"teacher"}
    work_page = f"/school/{URN}/feedback/work/{story.pk}/pupils/{cast.amara.pk}/"
    assert one_oak.get(work_page).status_code == 404
    assert cast.client("otherteacher").get(work_page).status_code == 404
    reply = ParentReply.objects.filter(kind="reply").first()
    assert reply is not None
    assert reply.text[:30] in cast.client("teacher").get(work_page).content.decode()


def test_pupils_do_not_see_their_parents_replies(cast: Cast, story: Work) -> None:
    """A parent writes to the teacher: the pupil's own pages never show it."""
    reply = ParentReply.objects.filter(kind="reply").first()
    assert reply is not None
    for path in (
        f"/school/{URN}/feedback/work/{story.pk}/pupils/{cast.amara.pk}/",
        f"/school/{URN}/pupil/",
    ):
        page = cast.client("pupil").get(path).content.decode()
        assert reply.text[:30] not in page
        assert "From home" not in page


def test_a_parent_reads_only_their_own_replies(cast: Cast) -> None:
    """Two parents of one child: each reads what they wrote, not the other's words."""
    feedback = story_feedback(cast)
    user = User.objects.create_user("secondparent", password="x")
    membership_grant(user=user, school=cast.primary, role=Role.GUARDIAN, by=None)
    from nextsteps.people.models import Guardian

    guardian = Guardian.objects.create(
        school=cast.primary, user=user, forename="Rosa", surname="Hughes"
    )
    GuardianLink.objects.create(school=cast.primary, guardian=guardian, pupil=cast.amara)
    second = signed_in(user)
    second.post(
        child_path(cast.amara),
        {"action": "reply", "feedback": feedback.pk, "text": "From the other house"},
    )
    assert "From the other house" in second.get(child_path(cast.amara)).content.decode()
    assert (
        "From the other house"
        not in cast.client("parent").get(child_path(cast.amara)).content.decode()
    )


# ---------------------------------------------------------------------------- the school's switch


def test_a_leader_turns_replies_off_and_parents_are_refused_keeping_their_words(
    cast: Cast,
) -> None:
    setting = f"/school/{URN}/feedback/settings/parent-replies/"
    head = cast.client("primaryhead")
    response = head.post(setting, {"replies_open": "0"})
    assert response.status_code == 302
    assert response["Location"].endswith("/reports/settings/#replies-title")
    assert not selectors.replies_open(cast.primary)
    event = AuditEvent.objects.get(action="feedback.parent_replies")
    assert (event.before, event.after) == ({"replies_open": True}, {"replies_open": False})
    settings_page = head.get(f"/school/{URN}/reports/settings/").content.decode()
    assert 'id="replies-off" checked' in settings_page
    parent = cast.client("parent")
    page = parent.get(child_path(cast.amara)).content.decode()
    assert "Reply to this feedback" not in page and "We tried this" not in page
    assert "Leo&#x27;s grumpy line" in page  # replies already sent are kept
    response = parent.post(
        child_path(cast.amara),
        {"action": "reply", "feedback": story_feedback(cast).pk, "text": "Please keep me"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The school has turned replies off" in page
    assert "Please keep me</textarea>" in page
    assert not ParentReply.objects.filter(text="Please keep me").exists()
    head.post(setting, {"replies_open": "1"})
    assert selectors.replies_open(cast.primary)


def test_only_whole_school_staff_change_the_switch(cast: Cast) -> None:
    setting = f"/school/{URN}/feedback/settings/parent-replies/"
    for username in ("teacher", "ta", "parent", "pupil"):
        assert cast.client(username).post(setting, {"replies_open": "0"}).status_code == 403
    assert cast.client("otherteacher").post(setting, {"replies_open": "0"}).status_code == 404
    assert cast.client("teacher").get(setting).status_code == 405
    assert selectors.replies_open(cast.primary)


# ---------------------------------------------------------------------------- next steps done


def test_next_steps_the_pupil_has_done_are_shown_as_done(cast: Cast, story: Work) -> None:
    page = cast.client("parent").get(child_path(cast.amara)).content.decode()
    done_at = page.index(">Done</h3>")
    # The demo story's next step: Amara answered it in purple pen, so it is done ...
    assert page.index("Give Leo a line of dialogue", page.index("next-title")) > done_at
    # ... and the maths next step given yesterday is what she is working on now.
    assert page.index("Check each carry") < done_at
    version = services.version_add(work=story, pupil=cast.amara, text="more", by=None)
    fresh = services.feedback_give(version=version, next_step="Use a semicolon.", by=None)
    steps = {s.feedback.pk: s.done for s in selectors.next_steps_for_parent(cast.amara)}
    assert steps[fresh.pk] is False
    services.version_add(
        work=story, pupil=cast.amara, text="more; and more", response="Added one", by=None
    )
    steps = {s.feedback.pk: s.done for s in selectors.next_steps_for_parent(cast.amara)}
    assert steps[fresh.pk] is True


def test_the_pupil_and_the_parent_see_a_done_next_step_marked_done_on_its_feedback(
    cast: Cast, story: Work
) -> None:
    """The same rule as the parent's "Done" list: answered in purple pen, or seen done."""
    version = services.version_add(work=story, pupil=cast.amara, text="again", by=None)
    fresh = services.feedback_give(version=version, next_step="Use a semicolon.", by=None)

    def marked_done() -> bool:
        items = {item.pk: item for item in selectors.recent_feedback(cast.amara, limit=10)}
        return items[fresh.pk].done_at is not None

    home = cast.client("pupil").get("/", follow=True).content.decode()
    card = home[home.index("Use a semicolon.") :][:400]
    assert not marked_done() and "data-next-step-done" not in card
    services.version_add(
        work=story, pupil=cast.amara, text="again; and again", response="Added one", by=None
    )
    assert marked_done()
    home = cast.client("pupil").get("/", follow=True).content.decode()
    card = home[home.index("Use a semicolon.") :][:400]
    assert "data-next-step-done" in card


# ---------------------------------------------------------------------------- queries


def test_work_page_with_replies_has_a_fixed_number_of_queries(
    cast: Cast, story: Work, count_queries: Any
) -> None:
    path = f"/school/{URN}/feedback/work/{story.pk}/pupils/{cast.amara.pk}/"
    client = cast.client("teacher")
    few, _ = count_queries(client, path)
    guardian = selectors.guardian_of(cast.user("parent"), cast.primary)
    assert guardian is not None
    for index in range(10):
        services.parent_reply(
            feedback=story_feedback(cast), guardian=guardian, kind="reply", text=f"{index}", by=None
        )
    many, _ = count_queries(client, path)
    assert many == few  # the replies and their parents are one read


def test_pupil_profile_with_replies_has_a_fixed_number_of_queries(
    cast: Cast, count_queries: Any
) -> None:
    path = f"/school/{URN}/feedback/pupils/{cast.amara.pk}/"
    client = cast.client("teacher")
    few, _ = count_queries(client, path)
    guardian = selectors.guardian_of(cast.user("parent"), cast.primary)
    assert guardian is not None
    intention = maths_tips(cast)
    for tip in intention.home_help_ideas:
        services.tip_tried(
            intention=intention, tip=tip, pupil=cast.amara, guardian=guardian, text="", by=None
        )
    many, _ = count_queries(client, path)
    assert many == few
