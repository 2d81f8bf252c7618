"""Services: setting up questions, score tables, thresholds, attempts and test judgements."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from nextsteps.assessments import demo, selectors, services
from nextsteps.assessments.kernels import conversion
from nextsteps.assessments.models import Assessment, Attempt, Challenge, Mark, ScoreTable
from nextsteps.curriculum.models import Objective, Scale
from nextsteps.markbook.models import Judgement, JudgementSource, Method, Standing
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import Class
from tests.conftest import Cast


def new_test(cast: Cast, name: str = "Place value quiz") -> Assessment:
    y4 = list(
        Objective.objects.filter(school=cast.primary, code__in=["Y4-NPV-01", "Y4-NPV-02"]).order_by(
            "code"
        )
    )
    return services.assessment_create(
        school=cast.primary,
        name=name,
        taken_on=dt.date(2026, 11, 20),
        classes=[cast.four_oak],
        by=cast.user("teacher"),
        questions=[
            services.QuestionRow("1", 2, (y4[0].pk,)),
            services.QuestionRow("2", 3, (y4[0].pk, y4[1].pk)),
        ],
    )


def test_questions_keep_their_marks_when_reordered_and_refuse_a_lower_maximum(cast: Cast) -> None:
    test = new_test(cast)
    question = test.questions.get(label="2")
    services.mark_set(assessment=test, question=question, pupil=cast.amara, marks=3, by=None)
    with pytest.raises(
        services.AssessmentRefused, match="cannot be worth 2: a pupil already has 3"
    ):
        services.questions_save(
            assessment=test,
            rows=[services.QuestionRow("2", 2), services.QuestionRow("1", 2)],
            by=None,
        )
    with pytest.raises(services.AssessmentRefused, match="Question 2 cannot be removed"):
        services.questions_save(assessment=test, rows=[services.QuestionRow("1", 2)], by=None)
    saved = services.questions_save(
        assessment=test,
        rows=[
            services.QuestionRow("2", 4),
            services.QuestionRow("1", 2),
            services.QuestionRow("3", 1),
        ],
        by=None,
    )
    assert [(q.label, q.position, q.max_marks) for q in saved] == [
        ("2", 1, 4),
        ("1", 2, 2),
        ("3", 3, 1),
    ]
    assert Mark.objects.get(question=question, pupil=cast.amara).marks == 3


def test_question_rows_are_checked_together(cast: Cast) -> None:
    test = new_test(cast)
    with pytest.raises(services.AssessmentRefused) as refused:
        services.questions_save(
            assessment=test,
            rows=[
                services.QuestionRow("1", 0),
                services.QuestionRow("1", 2),
                services.QuestionRow("", 1),
            ],
            by=None,
        )
    assert refused.value.problems == [
        "Row 1: a question is worth from 1 to 100 marks, not 0.",
        "Row 2: question 1 appears twice.",
        "Row 3: give the question a label, such as 1 or 2a.",
    ]


def test_a_test_needs_a_name_a_class_and_its_own_schools_classes(cast: Cast) -> None:
    elm = Class.objects.get(school=cast.other)
    with pytest.raises(services.AssessmentRefused) as refused:
        services.assessment_create(
            school=cast.primary, name=" ", taken_on=dt.date(2026, 11, 1), classes=[elm], by=None
        )
    assert "Give the test a name." in refused.value.problems
    assert "Every class must be in Hollins Park Primary School." in refused.value.problems


def test_many_marks_are_saved_all_or_none(cast: Cast) -> None:
    test = new_test(cast)
    q1, q2 = test.questions.order_by("position")
    changes = [
        services.MarkChange(cast.amara.pk, q1, 2),
        services.MarkChange(cast.amara.pk, q2, 4),  # worth 3
    ]
    with pytest.raises(
        services.MarkRefused, match="4 is more than the 3 marks question 2 is worth"
    ):
        services.marks_save(assessment=test, changes=changes, by=None)
    assert not Mark.objects.filter(assessment=test).exists()


def test_a_score_table_with_problems_is_refused_and_nothing_is_loaded(cast: Cast) -> None:
    with pytest.raises(conversion.TableRefused):
        services.score_table_load(
            school=cast.primary,
            name="Broken",
            year=2025,
            kind=ScoreTable.Kind.SCALED,
            text="raw_mark,scaled_score\n0,80\n1,79\n",
            by=None,
        )
    assert not ScoreTable.objects.filter(name="Broken").exists()


def test_a_standardised_table_converts_by_age_on_the_day_of_the_test(cast: Cast) -> None:
    taken_on = dt.date(2026, 11, 20)
    age = conversion.age_in_months(cast.amara.date_of_birth, taken_on)
    ages = [age - 1, age, age + 1]
    # Older pupils need more marks for the same score: one point less per month of age.
    text = "raw_mark," + ",".join(conversion.format_age(m) for m in ages) + "\n"
    text += "\n".join(
        f"{raw}," + ",".join(str(70 + 10 * raw - i) for i in range(3)) for raw in range(6)
    )
    table = services.score_table_load(
        school=cast.primary,
        name="Reading test",
        year=2026,
        kind=ScoreTable.Kind.STANDARDISED,
        text=text,
        by=None,
    )
    assert [b.label for b in table.bands.all()] == [
        "Well below average",
        "Below average",
        "Average",
        "Above average",
        "Well above average",
    ]
    test = services.assessment_create(
        school=cast.primary,
        name="Reading",
        taken_on=taken_on,
        classes=[cast.four_oak],
        by=None,
        score_table=table,
        questions=[services.QuestionRow("1", 5)],
    )
    question = test.questions.get()
    services.mark_set(assessment=test, question=question, pupil=cast.amara, marks=3, by=None)
    [row] = selectors.scores(test, [cast.amara]).rows
    assert (row.age_months, row.score, row.band) == (age, 99, "Average")  # 70 + 30 - 1
    younger = Pupil(
        school=cast.primary, date_of_birth=cast.amara.date_of_birth + dt.timedelta(days=400)
    )
    younger.pk = cast.amara.pk  # the same marks, a pupil a year younger: outside the table
    [row] = selectors.scores(test, [younger]).rows
    assert row.score is None and "is outside the table" in row.note


def test_thresholds_must_rise_with_the_levels_and_start_at_zero(cast: Cast) -> None:
    scale = Scale.objects.get(
        school=cast.primary, name="Primary standards", kind=Scale.Kind.TEACHER
    )
    levels = {level.label: level.pk for level in scale.levels.all()}
    with pytest.raises(services.AssessmentRefused) as refused:
        services.thresholds_save(
            school=cast.primary,
            department=None,
            scale=scale,
            percents={levels["Not yet"]: 10, levels["Working towards"]: 60, levels["Secure"]: 50},
            by=None,
        )
    assert "Secure must start above Working towards (60%)." in refused.value.problems
    assert "Not yet is the lowest level a test shows, so it starts at 0%." in refused.value.problems


def test_a_test_becomes_judgements_from_the_thresholds_and_only_once(cast: Cast) -> None:
    test = Assessment.objects.get(school=cast.primary, name=demo.MULTIPLICATION_TEST)
    plan = selectors.judgement_plan(test, cast.four_oak, None)
    assert plan.entries and not plan.missing_scales
    amara = [e for e in plan.entries if e.pupil.pk == cast.amara.pk]
    assert {e.objective.code for e in amara} == {f"Y4-MD-0{n}" for n in range(1, 7)}
    teacher = cast.user("teacher")
    recorded = services.assessment_judgements_record(
        assessment=test, teaching_class=cast.four_oak, entries=plan.entries, by=teacher
    )
    assert len(recorded) == len(plan.entries)
    assert all(j.source == JudgementSource.TEST and j.method == Method.TEST for j in recorded)
    again = services.assessment_judgements_record(
        assessment=test, teaching_class=cast.four_oak, entries=plan.entries, by=teacher
    )
    assert {j.pk for j in again} == {j.pk for j in recorded}
    objective = Objective.objects.get(school=cast.primary, code="Y4-MD-06")
    assert Standing.objects.filter(
        pupil=cast.amara, objective=objective, evidence_count__gte=1
    ).exists()
    assert (
        Judgement.objects.filter(
            pupil=cast.amara, objective=objective, source=JudgementSource.TEST
        ).count()
        == 1
    )


def test_level_for_uses_the_highest_threshold_reached() -> None:
    class Level:
        def __init__(self, label: str) -> None:
            self.label = label

    low, mid, high = Level("Not yet"), Level("Working towards"), Level("Secure")
    thresholds = [(low, 0), (mid, 40), (high, 70)]
    assert selectors.level_for(39.9, thresholds) is low  # type: ignore[arg-type]
    assert selectors.level_for(40, thresholds) is mid  # type: ignore[arg-type]
    assert selectors.level_for(100, thresholds) is high  # type: ignore[arg-type]


def test_attempts_outside_the_challenge_are_refused_as_a_whole(cast: Cast) -> None:
    challenge = Challenge.objects.get(school=cast.primary, name=demo.TIMES_TABLES)
    count = Attempt.objects.count()
    with pytest.raises(services.AssessmentRefused) as refused:
        services.attempts_record(
            challenge=challenge,
            entries=[
                services.AttemptEntry(cast.amara, 51, 100),
                services.AttemptEntry(cast.amara, 40, 200),
            ],
            taken_at=timezone.now(),
            by=None,
        )
    assert refused.value.problems == [
        "Amara Hughes: a score is from 0 to 50, not 51.",
        "Amara Hughes: the time must be from 1 to the 180 seconds allowed, not 200.",
    ]
    assert Attempt.objects.count() == count
