"""The policy pages say exactly what is true: the synthesis counts submitted answers only, a
leader agrees without a comment, and a policy published with departments missing names them."""

from __future__ import annotations

import re

import pytest

from nextsteps.policy import services
from nextsteps.policy.models import KeyQuestion, PolicyDocument, Response, Stage, Status
from nextsteps.schools.models import Department
from tests.conftest import Cast
from tests.policy.helpers import KINGSMEAD, client_for, department, head_of


@pytest.fixture
def homework(cast: Cast) -> KeyQuestion:
    stage = Stage.objects.get(school=cast.secondary, position=5)
    return services.key_question_create(
        school=cast.secondary,
        by=None,
        stage=stage,
        text="How do we use homework?",
        guidance="",
        prompts="",
    )


def answer_url(cast: Cast, name: str, question: KeyQuestion) -> str:
    return (
        f"/school/{KINGSMEAD}/policy/departments/{department(cast, name).pk}"
        f"/questions/{question.pk}/"
    )


def test_the_synthesis_counts_submitted_answers_and_not_drafts(
    cast: Cast, homework: KeyQuestion
) -> None:
    cast.client("hod").post(
        answer_url(cast, "Mathematics", homework), {"text": "A maths draft.", "action": "save"}
    )
    english = client_for(head_of(cast, "English"))
    english.post(
        answer_url(cast, "English", homework), {"text": "Reading logs.", "action": "submit"}
    )
    total = Department.objects.filter(school=cast.secondary).count()
    page = cast.client("leader").get(f"/school/{KINGSMEAD}/policy/synthesis/{homework.pk}/")
    text = page.content.decode()
    assert f"1 of {total} departments have submitted an answer" in text
    assert "1 department is still drafting" in text
    assert "Reading logs." in text
    assert "A maths draft." not in text
    assert "A draft, not yet submitted: not counted above." in text
    listing = cast.client("leader").get(f"/school/{KINGSMEAD}/policy/synthesis/").content.decode()
    row = listing.split("How do we use homework?")[1].split("</tr>")[0]
    assert f"1 / {total}" in row


def test_a_redrafted_agreed_answer_still_counts_as_agreed_not_as_the_draft(cast: Cast) -> None:
    from tests.policy.helpers import answer_url as demo_answer_url
    from tests.policy.helpers import question

    purpose = question(cast, "purpose")
    maths = department(cast, "Mathematics")
    agreed = Response.objects.get(department=maths, question=purpose).agreed_version
    assert agreed is not None
    cast.client("hod").post(
        demo_answer_url(cast, "Mathematics", "purpose"),
        {"text": "An unfinished rethink.", "action": "save"},
    )
    text = (
        cast.client("leader")
        .get(f"/school/{KINGSMEAD}/policy/synthesis/{purpose.pk}/")
        .content.decode()
    )
    assert "An unfinished rethink." not in text
    assert agreed.text.splitlines()[0][:40] in text


def test_a_leader_agrees_an_answer_without_a_comment(cast: Cast, homework: KeyQuestion) -> None:
    url = answer_url(cast, "Mathematics", homework)
    cast.client("hod").post(url, {"text": "Weekly quizzes.", "action": "submit"})
    leader = cast.client("leader")
    page = leader.get(url).content.decode()
    form = page.split('id="leader-title"')[1].split("</form>")[0]
    assert 'value="agree"' in form
    assert "required" not in form.split("<textarea")[1].split(">")[0]
    leader.post(url + "actions/", {"action": "agree"})
    response = Response.objects.get(question=homework)
    assert response.status == Status.AGREED
    # A comment and a request for changes still need words.
    refused = leader.post(url + "actions/", {"action": "comment", "body": ""}, follow=True)
    assert "Write a comment before sending it." in refused.content.decode()


@pytest.fixture
def drama(cast: Cast) -> Department:
    """A department with no agreed answer at all."""
    return Department.objects.create(school=cast.secondary, name="Drama")


def test_the_preview_warns_naming_departments_with_no_agreed_approach(
    cast: Cast, drama: Department
) -> None:
    page = cast.client("leader").get(f"/school/{KINGSMEAD}/policy/preview/").content.decode()
    warning = page.split('id="missing-title"')[1].split("</section>")[0]
    assert ">Drama</a>" in warning
    assert f'name="without" value="{drama.pk}"' in warning
    assert "without them" in warning


def test_publishing_without_confirming_the_missing_departments_is_refused(
    cast: Cast, drama: Department
) -> None:
    before = PolicyDocument.objects.filter(school=cast.secondary).count()
    answer = cast.client("leader").post(f"/school/{KINGSMEAD}/policy/publish/", follow=True)
    assert "Drama" in answer.content.decode()
    assert "no agreed approach" in answer.content.decode()
    assert PolicyDocument.objects.filter(school=cast.secondary).count() == before
    with pytest.raises(services.PolicyError, match="Drama"):
        services.policy_publish(school=cast.secondary, by=None)


def test_a_policy_published_without_them_names_them(cast: Cast, drama: Department) -> None:
    leader = cast.client("leader")
    preview = leader.get(f"/school/{KINGSMEAD}/policy/preview/").content.decode()
    confirmed = re.findall(r'name="without" value="(\d+)"', preview)
    assert str(drama.pk) in confirmed
    answer = leader.post(f"/school/{KINGSMEAD}/policy/publish/", {"without": confirmed})
    assert answer.status_code == 302
    document = PolicyDocument.objects.filter(school=cast.secondary).order_by("-version")[0]
    assert answer["Location"].endswith(f"/published/{document.version}/")
    gaps = document.body_html.split("Approaches not yet agreed")[1].split("</section>")[0]
    assert "<li>Drama</li>" in gaps
    assert "<li>Mathematics</li>" not in gaps


def test_a_confirmation_made_before_another_department_went_missing_is_refused(
    cast: Cast, drama: Department
) -> None:
    Department.objects.create(school=cast.secondary, name="Dance")
    with pytest.raises(services.PolicyError, match="Dance"):
        services.policy_publish(school=cast.secondary, by=None, without=frozenset({drama.pk}))
