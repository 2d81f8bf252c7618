"""The demo's practice history: ten pupils of 4 Oak, getting better week by week, with the 7,
8 and 12 tables the class's gaps; building it again changes nothing."""

from __future__ import annotations

from django.utils import timezone

from nextsteps.audit.models import AuditEvent
from nextsteps.mtc import demo, selectors
from nextsteps.mtc.models import AccessArrangements, PracticeAnswer, PracticeAttempt
from tests.conftest import Cast


def test_ten_pupils_have_six_weeks_of_practice_and_improve(cast: Cast) -> None:
    attempts = PracticeAttempt.objects.filter(pupil__enrolments__teaching_class=cast.four_oak)
    assert attempts.values("pupil").distinct().count() == demo.PUPILS
    assert attempts.count() == demo.PUPILS * demo.WEEKS
    assert PracticeAnswer.objects.filter(attempt__in=attempts).count() == 28 * attempts.count()
    firsts, lasts = [], []
    for pupil_id in attempts.values_list("pupil", flat=True).distinct():
        scores = list(
            attempts.filter(pupil_id=pupil_id)
            .order_by("finished_at")
            .values_list("score", flat=True)
        )
        firsts.append(sum(scores[:2]))
        lasts.append(sum(scores[-2:]))
    assert sum(lasts) > sum(firsts)  # the class gets better over the six weeks


def test_the_class_gaps_lean_on_the_7_8_and_12_tables(cast: Cast) -> None:
    gaps = selectors.class_fact_map(cast.four_oak).gaps
    hard = [cell for cell in gaps if {7, 8, 12} & {cell.a, cell.b}]
    assert len(hard) >= len(gaps) * 0.7


def test_building_the_demo_again_changes_nothing(cast: Cast) -> None:
    def counts() -> tuple[int, int, int, int]:
        return (
            PracticeAttempt.objects.count(),
            PracticeAnswer.objects.count(),
            AccessArrangements.objects.count(),
            AuditEvent.objects.filter(action__startswith="mtc.").count(),
        )

    before = counts()
    demo.build_demo_data(primary=cast.primary, secondary=cast.secondary, today=timezone.localdate())
    assert counts() == before
