"""The demo: 4 Oak's multiplication test, the Year 6 GPS paper and Amara's times tables."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from nextsteps.assessments import challenge_selectors, demo, selectors
from nextsteps.assessments.kernels.personal_best import Outcome
from nextsteps.assessments.models import Assessment, Attempt, Mark
from nextsteps.teaching.models import Class
from tests.conftest import Cast


def test_four_oak_has_an_end_of_unit_multiplication_test_marked_for_all_29_pupils(
    cast: Cast,
) -> None:
    test = Assessment.objects.get(school=cast.primary, name=demo.MULTIPLICATION_TEST)
    pupils = selectors.cohort(test, [cast.four_oak])
    assert len(pupils) == 29
    assert Mark.objects.filter(assessment=test).count() == 29 * test.questions.count()
    result = selectors.analysis(test, [cast.four_oak])
    assert any(line.whole_class for line in result.reteach_objectives)  # something to reteach


def test_the_year_6_gps_paper_is_converted_with_the_2024_table(cast: Cast) -> None:
    paper = Assessment.objects.get(school=cast.primary, name=demo.GPS_PAPER)
    assert paper.score_table is not None and paper.score_table.year == 2024
    classes = list(Class.objects.filter(school=cast.primary, year_group=6))
    result = selectors.scores(paper, selectors.cohort(paper, classes))
    assert len(result.rows) == 58 and result.max_total == 70
    assert all(row.complete for row in result.rows)
    assert sum(band.pupils for band in result.bands) + result.no_score == 58
    assert {row.score for row in result.rows} - {None} <= set(range(80, 121))


def test_amara_has_a_new_best_of_38_after_35_this_week(cast: Cast) -> None:
    [times_tables] = [
        c
        for c in challenge_selectors.pupil_challenges(cast.amara)
        if c.challenge.name == demo.TIMES_TABLES
    ]
    latest = times_tables.latest
    assert latest.outcome is Outcome.NEW_BEST
    assert latest.attempt.score == 38 and latest.previous_best is not None
    assert latest.previous_best.score == 35
    assert timezone.localtime(latest.attempt.taken_at).date() == timezone.localdate()
    assert len(times_tables.steps) == 6


def test_building_the_demo_again_changes_nothing(cast: Cast) -> None:
    counts = (Assessment.objects.count(), Mark.objects.count(), Attempt.objects.count())
    demo.build_demo_data(primary=cast.primary, secondary=cast.secondary, today=timezone.localdate())
    assert (Assessment.objects.count(), Mark.objects.count(), Attempt.objects.count()) == counts


def test_building_the_demo_again_on_a_later_day_adds_no_goes(cast: Cast) -> None:
    counts = (Assessment.objects.count(), Mark.objects.count(), Attempt.objects.count())
    later = timezone.localdate() + dt.timedelta(days=9)
    demo.build_demo_data(primary=cast.primary, secondary=cast.secondary, today=later)
    assert (Assessment.objects.count(), Mark.objects.count(), Attempt.objects.count()) == counts
