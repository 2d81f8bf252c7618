"""Query budgets for the remaining list pages, measured with a class of 29 and checked not to
grow with the number of rows."""

from __future__ import annotations

from typing import Any

from nextsteps.feedback import services
from nextsteps.feedback.models import Target
from nextsteps.teaching.selectors import class_pupils
from tests.conftest import Cast
from tests.feedback.conftest import URN


def test_questions_page_does_not_grow_with_questions(cast: Cast, count_queries: Any) -> None:
    path = f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/questions/"
    client = cast.client("teacher")
    few, _ = count_queries(client, path)
    for pupil in class_pupils(cast.four_oak):
        services.question_record(
            pupil=pupil, teaching_class=cast.four_oak, text="Why?", depth=2, by=None
        )
    many, _ = count_queries(client, path)
    # Sign-in and scope checks (12), the form's pupils and objectives, the latest questions
    # with their pupils and objectives in one read.
    assert many == few <= 17


def test_teachers_day_does_not_grow_with_claims_and_responses(
    cast: Cast, count_queries: Any
) -> None:
    client = cast.client("teacher")
    few, _ = count_queries(client, f"/school/{URN}/teacher/")
    objective = Target.objects.filter(pupil=cast.amara).first().objective  # type: ignore[union-attr]
    for pupil in class_pupils(cast.four_oak):
        target = services.target_set(
            pupil=pupil, teaching_class=cast.four_oak, objective=objective, wording="Go", by=None
        )
        services.target_claim(target=target, comment="done", by=None)
    many, response = count_queries(client, f"/school/{URN}/teacher/")
    assert b"targets claimed" in response.content
    # The class cards (3) and the day: taught classes, claims, responses, work to mark,
    # intentions with steps and exemplars, the class links.
    assert many == few <= 18


def test_intentions_codes_and_target_pages_have_small_fixed_budgets(
    cast: Cast, count_queries: Any
) -> None:
    target = Target.objects.get(pupil=cast.amara, status="claimed")
    budgets = {
        # The class's objectives for its year and subjects, its groups, current intentions.
        (f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/intentions/", "teacher"): 18,
        # The school's active marking codes, one read.
        (f"/school/{URN}/feedback/codes/", "pupil"): 6,
        # The target with its objective, class and pupil, the scale's levels, its history.
        (f"/school/{URN}/feedback/targets/{target.pk}/", "teacher"): 14,
    }
    for (path, username), budget in budgets.items():
        count, _ = count_queries(cast.client(username), path)
        assert count <= budget, (path, count)
