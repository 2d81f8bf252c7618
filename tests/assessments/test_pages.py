"""Every test and challenge page renders for the people it is for."""

from __future__ import annotations

from nextsteps.assessments import demo
from nextsteps.assessments.models import Assessment, Challenge, ScoreTable
from tests.conftest import Cast


def urls(cast: Cast) -> list[str]:
    test = Assessment.objects.get(school=cast.primary, name=demo.MULTIPLICATION_TEST)
    paper = Assessment.objects.get(school=cast.primary, name=demo.GPS_PAPER)
    challenge = Challenge.objects.get(school=cast.primary, name=demo.TIMES_TABLES)
    table = ScoreTable.objects.get(school=cast.primary)
    base = f"/school/{cast.primary.urn}/assessments/"
    return [
        base,
        f"{base}?class={cast.four_oak.pk}",
        f"{base}new/",
        f"{base}{test.pk}/",
        f"{base}{test.pk}/edit/",
        f"{base}{test.pk}/questions/",
        f"{base}{test.pk}/questions/?add=5&marks=2",
        f"{base}{test.pk}/marks/",
        f"{base}{test.pk}/marks/upload/",
        f"{base}{test.pk}/analysis/",
        f"{base}{test.pk}/analysis/?scope=group-0&below=40",
        f"{base}{test.pk}/scores/",
        f"{base}{test.pk}/judgements/",
        f"{base}{paper.pk}/scores/",
        f"{base}{paper.pk}/analysis/",
        f"{base}thresholds/",
        f"{base}tables/",
        f"{base}tables/new/",
        f"{base}tables/{table.pk}/",
        f"{base}challenges/",
        f"{base}challenges/new/",
        f"{base}challenges/{challenge.pk}/classes/{cast.four_oak.pk}/",
        f"{base}pupils/{cast.amara.pk}/",
    ]


def test_every_page_renders_for_the_class_teacher(cast: Cast) -> None:
    client = cast.client("teacher")
    paper = Assessment.objects.get(school=cast.primary, name=demo.GPS_PAPER)
    for url in urls(cast):
        # The Year 6 paper is not hers; loading score tables is for leaders and the data manager.
        expected = 404 if f"/{paper.pk}/" in url or url.endswith("tables/new/") else 200
        assert client.get(url).status_code == expected, url


def test_every_page_renders_for_the_head_except_entering_marks_and_judgements(cast: Cast) -> None:
    client = cast.client("primaryhead")
    for url in urls(cast):
        # She teaches no class, so she enters no marks and records no judgements.
        expected = 404 if url.endswith(("/judgements/", "/marks/upload/")) else 200
        assert client.get(url).status_code == expected, url


def test_teacher_sets_up_a_test_and_its_questions_with_objective_codes(cast: Cast) -> None:
    client = cast.client("teacher")
    base = f"/school/{cast.primary.urn}/assessments/"
    maths = cast.maths_framework.subject
    response = client.post(
        f"{base}new/",
        {
            "name": "Fractions quiz",
            "kind": "quiz",
            "taken_on": "2026-11-20",
            "subject": maths.pk,
            "year_group": "4",
            "classes": [cast.four_oak.pk],
        },
    )
    test = Assessment.objects.get(school=cast.primary, name="Fractions quiz")
    assert response.status_code == 302 and response["Location"].endswith(f"/{test.pk}/questions/")

    def rows(*values: tuple[str, str, str]) -> dict[str, str]:
        data = {"form-TOTAL_FORMS": str(len(values)), "form-INITIAL_FORMS": "0"}
        for n, (label, marks, codes) in enumerate(values):
            data |= {
                f"form-{n}-label": label,
                f"form-{n}-max_marks": marks,
                f"form-{n}-objectives": codes,
            }
        return data

    refused = client.post(
        f"{base}{test.pk}/questions/", rows(("1", "2", "Y4-FR-01, Y9-ZZ-99"), ("", "", ""))
    )
    assert refused.status_code == 200
    assert "No objective has the code Y9-ZZ-99 in this test" in refused.content.decode()
    assert not test.questions.exists()
    saved = client.post(
        f"{base}{test.pk}/questions/",
        rows(("1", "2", "y4-fr-01"), ("2a", "3", "Y4-FR-01 Y4-FR-02"), ("", "", "")),
    )
    assert saved.status_code == 302
    questions = list(test.questions.order_by("position"))
    assert [(q.label, q.max_marks) for q in questions] == [("1", 2), ("2a", 3)]
    assert sorted(o.code for o in questions[1].objectives.all()) == ["Y4-FR-01", "Y4-FR-02"]
