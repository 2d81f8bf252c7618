"""Entering marks: a cell at a time (htmx), the whole grid without JavaScript, and refusals."""

from __future__ import annotations

from nextsteps.assessments import demo
from nextsteps.assessments.models import Assessment, Mark
from nextsteps.audit.models import AuditEvent
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import GroupMembership
from tests.conftest import Cast


def setup(cast: Cast) -> tuple[Assessment, str]:
    test = Assessment.objects.get(school=cast.primary, name=demo.MULTIPLICATION_TEST)
    return test, f"/school/{cast.primary.urn}/assessments/{test.pk}/marks/"


def test_typing_a_mark_saves_the_cell_and_returns_the_new_total(cast: Cast) -> None:
    test, url = setup(cast)
    question = test.questions.get(label="10")  # worth 3
    client = cast.client("teacher")
    response = client.post(
        f"{url}cell/", {f"m-{cast.amara.pk}-{question.pk}": "3"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert Mark.objects.get(question=question, pupil=cast.amara).marks == 3
    total = sum(
        Mark.objects.filter(assessment=test, pupil=cast.amara).values_list("marks", flat=True)
    )
    html = response.content.decode()
    assert f'id="total-{cast.amara.pk}"' in html and f">{total}<" in html
    assert "Saved: Amara Hughes, question 10, 3." in html
    assert AuditEvent.objects.filter(
        action="mark.set", target_id=str(Mark.objects.get(question=question, pupil=cast.amara).pk)
    ).exists()


def test_a_mark_above_the_maximum_is_refused_in_place_and_nothing_changes(cast: Cast) -> None:
    test, url = setup(cast)
    question = test.questions.get(label="1")  # worth 1
    before = Mark.objects.get(question=question, pupil=cast.amara).marks
    response = cast.client("teacher").post(f"{url}cell/", {f"m-{cast.amara.pk}-{question.pk}": "5"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="error"' in html
    assert "5 is more than the 1 marks question 1 is worth." in html
    assert Mark.objects.get(question=question, pupil=cast.amara).marks == before


def test_a_negative_or_wordy_mark_is_refused(cast: Cast) -> None:
    test, url = setup(cast)
    question = test.questions.get(label="5")
    client = cast.client("teacher")
    negative = client.post(
        f"{url}cell/", {f"m-{cast.amara.pk}-{question.pk}": "-1"}
    ).content.decode()
    assert "-1 is negative; marks start at 0." in negative
    word = client.post(f"{url}cell/", {f"m-{cast.amara.pk}-{question.pk}": "two"}).content.decode()
    assert "“two” is not a whole number of marks." in word


def test_clearing_a_cell_removes_the_mark(cast: Cast) -> None:
    test, url = setup(cast)
    question = test.questions.get(label="2")
    cast.client("teacher").post(f"{url}cell/", {f"m-{cast.amara.pk}-{question.pk}": ""})
    assert not Mark.objects.filter(question=question, pupil=cast.amara).exists()


def test_a_teaching_assistant_marks_only_the_pupils_in_her_groups(cast: Cast) -> None:
    test, url = setup(cast)
    question = test.questions.get(label="1")
    supported = set(
        GroupMembership.objects.filter(group__supporters__user__username="ta").values_list(
            "pupil_id", flat=True
        )
    )
    inside = Pupil.objects.filter(pk__in=supported).first()
    outside = (
        Pupil.objects.filter(enrolments__teaching_class=cast.four_oak)
        .exclude(pk__in=supported)
        .first()
    )
    assert inside is not None and outside is not None
    client = cast.client("ta")
    assert client.post(f"{url}cell/", {f"m-{inside.pk}-{question.pk}": "0"}).status_code == 200
    assert client.post(f"{url}cell/", {f"m-{outside.pk}-{question.pk}": "0"}).status_code == 404
    page = client.get(url).content.decode()
    assert f'name="m-{outside.pk}-{question.pk}"' in page  # shown, but not editable
    assert page.count(" disabled") >= test.questions.count()


def test_people_who_do_not_teach_the_class_cannot_save_marks(cast: Cast) -> None:
    test, url = setup(cast)
    question = test.questions.get(label="1")
    for username in ("primaryhead", "pupil", "parent", "otherteacher"):
        response = cast.client(username).post(
            f"{url}cell/", {f"m-{cast.amara.pk}-{question.pk}": "1"}
        )
        assert response.status_code in {403, 404}, username


def test_the_whole_grid_without_javascript_saves_all_or_nothing(cast: Cast) -> None:
    test, url = setup(cast)
    q1, q10 = test.questions.get(label="1"), test.questions.get(label="10")
    client = cast.client("teacher")
    data = {
        "class": cast.four_oak.pk,
        f"m-{cast.amara.pk}-{q1.pk}": "0",
        f"m-{cast.amara.pk}-{q10.pk}": "9",
    }
    before = dict(
        Mark.objects.filter(pupil=cast.amara, assessment=test).values_list("question_id", "marks")
    )
    refused = client.post(url, data)
    assert refused.status_code == 422
    assert "9 is more than the 3 marks question 10 is worth." in refused.content.decode()
    assert (
        dict(
            Mark.objects.filter(pupil=cast.amara, assessment=test).values_list(
                "question_id", "marks"
            )
        )
        == before
    )
    data[f"m-{cast.amara.pk}-{q10.pk}"] = "1"
    assert client.post(url, data).status_code == 302
    assert Mark.objects.get(pupil=cast.amara, question=q1).marks == 0
    assert Mark.objects.get(pupil=cast.amara, question=q10).marks == 1
