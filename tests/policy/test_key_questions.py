"""Key questions: seeded from the data file on first use, in stages, editable by leaders."""

from __future__ import annotations

from nextsteps.audit.models import AuditEvent
from nextsteps.policy import services
from nextsteps.policy.models import KeyQuestion, Stage, SubjectGuidance
from tests.conftest import Cast
from tests.policy.helpers import KINGSMEAD, department, question


def test_a_school_gets_the_default_questions_the_first_time_it_opens_the_policy_area(
    cast: Cast,
) -> None:
    assert not Stage.objects.filter(school=cast.other).exists()
    client = cast.client("otherteacher")
    assert client.get(f"/school/{cast.other.urn}/policy/glossary/").status_code == 200
    client.get(f"/school/{cast.other.urn}/policy/")
    assert Stage.objects.filter(school=cast.other).count() == 5
    assert KeyQuestion.objects.filter(school=cast.other).count() == 9
    assert SubjectGuidance.objects.filter(school=cast.other).count() == 9 * 6
    client.get(f"/school/{cast.other.urn}/policy/")
    assert KeyQuestion.objects.filter(school=cast.other).count() == 9


def test_questions_page_shows_stages_and_links_glossary_terms(cast: Cast) -> None:
    response = cast.client("leader").get(f"/school/{KINGSMEAD}/policy/questions/")
    text = response.content.decode()
    assert "Stage 1: Why we assess" in text
    assert "What does progress look like in our subject?" in text
    assert f'href="/school/{KINGSMEAD}/policy/glossary/#term-' in text


def test_leader_edits_a_question_and_its_subject_guidance(cast: Cast) -> None:
    purpose = question(cast, "purpose")
    url = f"/school/{KINGSMEAD}/policy/questions/{purpose.pk}/edit/"
    response = cast.client("leader").post(
        url,
        {
            "text": "Why do we assess in our subject?",
            "stage": purpose.stage_id,
            "position": 1,
            "guidance": "Start with the pupils.",
            "prompts": "Who uses it?\n\nWhat changes?",
            "active": "on",
            "guidance_maths": "Listen to pupils explain.",
            "guidance_english": "",
        },
    )
    assert response.status_code == 302
    purpose.refresh_from_db()
    assert purpose.text == "Why do we assess in our subject?"
    assert purpose.prompt_list == ["Who uses it?", "What changes?"]
    assert purpose.guidance_set.get(subject="maths").text == "Listen to pupils explain."
    assert not purpose.guidance_set.filter(subject="english").exists()
    assert purpose.responses.count() == 6  # the departments' answers stay with it
    assert AuditEvent.objects.filter(action="policy.question.update").exists()


def test_an_empty_question_is_refused_and_nothing_changes(cast: Cast) -> None:
    purpose = question(cast, "purpose")
    response = cast.client("leader").post(
        f"/school/{KINGSMEAD}/policy/questions/{purpose.pk}/edit/",
        {"text": "   ", "stage": purpose.stage_id, "position": 1, "active": "on"},
    )
    assert response.status_code == 200
    purpose.refresh_from_db()
    assert purpose.text == "What is assessment for in our subject?"


def test_heads_of_department_read_the_questions_but_cannot_edit_them(cast: Cast) -> None:
    hod = cast.client("hod")
    purpose = question(cast, "purpose")
    assert hod.get(f"/school/{KINGSMEAD}/policy/questions/").status_code == 200
    assert hod.get(f"/school/{KINGSMEAD}/policy/questions/{purpose.pk}/edit/").status_code == 403
    assert hod.get(f"/school/{KINGSMEAD}/policy/questions/new/").status_code == 403


def test_leader_adds_a_question_that_departments_then_answer(cast: Cast) -> None:
    stage = Stage.objects.get(school=cast.secondary, position=5)
    response = cast.client("leader").post(
        f"/school/{KINGSMEAD}/policy/questions/new/",
        {
            "text": "How do we use homework to assess?",
            "stage": stage.pk,
            "guidance": "Keep it short.",
        },
    )
    assert response.status_code == 302
    added = KeyQuestion.objects.get(school=cast.secondary, text="How do we use homework to assess?")
    assert added.key == "how-do-we-use-homework-to-assess"
    assert added.structure == "text"
    dashboard = cast.client("hod").get(
        f"/school/{KINGSMEAD}/policy/departments/{department(cast, 'Mathematics').pk}/"
    )
    assert "How do we use homework to assess?" in dashboard.content.decode()


def test_a_retired_question_is_no_longer_answered(cast: Cast) -> None:
    planning = question(cast, "planning")
    planning.active = False
    planning.save()
    maths = department(cast, "Mathematics")
    dashboard = cast.client("hod").get(f"/school/{KINGSMEAD}/policy/departments/{maths.pk}/")
    assert "How does assessment inform our planning?" not in dashboard.content.decode()
    try:
        services.response_save(
            department=department(cast, "History"), question=planning, by=None, text="x"
        )
    except services.PolicyError as error:
        assert "no longer asks" in str(error)
    else:  # pragma: no cover
        raise AssertionError("a retired question was answered")
