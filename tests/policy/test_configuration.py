"""Policy becomes configuration: agreed answers set scales, methods, points and marking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from nextsteps.curriculum.kernels.spec import LevelSpec, ScaleSpec
from nextsteps.curriculum.models import Framework, Scale
from nextsteps.curriculum.services import scale_ensure
from nextsteps.markbook.models import AssessmentPoint, Standing
from nextsteps.markbook.services import standings_rebuild
from nextsteps.policy import services
from nextsteps.policy.models import CollectionPoint, MarkingExpectation, Response, Status
from tests.conftest import Cast
from tests.policy.helpers import department, question


def agree(cast: Cast, name: str, key: str, text: str, structured: dict) -> Response:
    response = services.response_save(
        department=department(cast, name),
        question=question(cast, key),
        by=None,
        text=text,
        structured=structured,
    )
    services.response_submit(response=response, by=None)
    return services.response_agree(response=response, by=cast.user("leader"))


def history_standings(cast: Cast) -> dict[tuple[int, int], Decimal | None]:
    return {
        (s.pupil_id, s.objective_id): s.value
        for s in Standing.objects.filter(
            objective__framework__subject__department=department(cast, "History")
        )
    }


def test_agreed_progress_answer_sets_the_method_and_brings_standings_up_to_date(
    cast: Cast,
) -> None:
    framework = Framework.objects.get(school=cast.secondary, subject__department__name="History")
    assert framework.calculation_method == "decaying_average"
    agree(
        cast,
        "History",
        "progress",
        "Every piece of evidence counts equally.",
        {
            "scale": "Key Stage 3 standards",
            "method": "mean",
            "parameter": None,
            "dimensions": ["knowledge", "understanding"],
        },
    )
    framework.refresh_from_db()
    assert (framework.calculation_method, framework.calculation_parameter) == ("mean", None)
    after = history_standings(cast)
    assert after  # the demo has evidence in history
    standings_rebuild(school_id=cast.secondary.pk)
    assert history_standings(cast) == after  # already what the new method gives


def test_a_scale_change_on_a_framework_with_evidence_is_refused_and_nothing_changes(
    cast: Cast,
) -> None:
    scale_ensure(
        school=cast.secondary,
        spec=ScaleSpec(
            name="Three steps",
            mastery_threshold=Decimal(2),
            levels=(
                LevelSpec("Not yet", Decimal(1)),
                LevelSpec("Secure", Decimal(2)),
                LevelSpec("Beyond", Decimal(3)),
            ),
        ),
        kind=Scale.Kind.TEACHER,
    )
    response = services.response_save(
        department=department(cast, "History"),
        question=question(cast, "progress"),
        by=None,
        text="Three steps.",
        structured={"scale": "Three steps", "method": "latest", "dimensions": ["knowledge"]},
    )
    services.response_submit(response=response, by=None)
    with pytest.raises(services.PolicyError, match="already has judgements recorded"):
        services.response_agree(response=response, by=None)
    response.refresh_from_db()
    assert response.status == Status.SUBMITTED
    framework = Framework.objects.get(school=cast.secondary, subject__department__name="History")
    assert framework.scale.name == "Key Stage 3 standards"


def test_agreed_assessment_points_go_into_the_calendar(cast: Cast) -> None:
    history = department(cast, "History")
    today = timezone.localdate()
    start = today.year if today.month >= 9 else today.year - 1
    points = [
        {"name": "Autumn enquiry", "date": dt.date(start, 12, 8).isoformat()},
        {"name": "Spring enquiry", "date": dt.date(start + 1, 3, 23).isoformat()},
        {"name": "Summer enquiry", "date": dt.date(start + 1, 7, 2).isoformat()},
    ]
    agree(cast, "History", "data-collection", "Three.", {"points": points})
    assert list(CollectionPoint.objects.filter(department=history).values_list("name", "date")) == [
        ("Autumn enquiry", dt.date(start, 12, 8)),
        ("Spring enquiry", dt.date(start + 1, 3, 23)),
        ("Summer enquiry", dt.date(start + 1, 7, 2)),
    ]
    calendar = AssessmentPoint.objects.filter(department=history).order_by("date")
    assert [p.name for p in calendar] == ["Autumn enquiry", "Spring enquiry", "Summer enquiry"]
    # The autumn point is locked (its snapshot taken); a new answer drops it from the policy
    # but the markbook keeps its history, and the others follow the answer.
    calendar[0].locked_at = dt.datetime(start, 12, 9, tzinfo=dt.UTC)
    calendar[0].save()
    agree(cast, "History", "data-collection", "Two.", {"points": points[1:]})
    assert CollectionPoint.objects.filter(department=history).count() == 2
    assert set(
        AssessmentPoint.objects.filter(department=history).values_list("name", flat=True)
    ) == {
        "Autumn enquiry",
        "Spring enquiry",
        "Summer enquiry",
    }


def test_agreed_marking_sets_the_departments_marking_expectations(cast: Cast) -> None:
    mfl = department(cast, "Modern foreign languages")
    response = Response.objects.get(department=mfl, question=question(cast, "marking-feedback"))
    services.response_agree(response=response, by=cast.user("leader"))
    expectations = list(
        MarkingExpectation.objects.filter(department=mfl).values_list(
            "kind", "times", "period", "minutes_per_pupil", "classes"
        )
    )
    assert expectations == [
        ("marking_codes", 1, "fortnight", Decimal("1.5"), 7),
        ("written_comments", 1, "half_term", Decimal("3.0"), 7),
        ("verbal", 2, "week", Decimal("0.0"), 7),
    ]


def test_maths_in_the_demo_is_configured_by_its_agreed_answers(cast: Cast) -> None:
    maths = department(cast, "Mathematics")
    framework = Framework.objects.get(school=cast.secondary, subject__department=maths)
    assert (framework.calculation_method, framework.calculation_parameter) == ("n_mastery", 2)
    assert CollectionPoint.objects.filter(department=maths).count() == 3
    assert AssessmentPoint.objects.filter(department=maths).count() == 3
    assert MarkingExpectation.objects.filter(department=maths).count() == 4
