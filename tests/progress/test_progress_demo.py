"""The demo leavers: realistic, checked like any upload, and built once."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from nextsteps.people.models import Pupil
from nextsteps.progress.demo import build_demo_data
from nextsteps.progress.kernels.baselines import shipped_rules
from nextsteps.progress.kernels.tables import KS2_NO_RESULT_CODES
from nextsteps.progress.models import (
    Ks1Result,
    Ks2Result,
    Ks4Qualification,
    Ks4Result,
    PlannedOption,
    ProxyBaseline,
    ProxyScore,
    ReferenceTable,
)
from tests.conftest import Cast


def counts() -> list[int]:
    models = (
        *(Pupil, Ks1Result, Ks2Result, Ks4Result, Ks4Qualification, ReferenceTable),
        *(ProxyBaseline, ProxyScore, PlannedOption),
    )
    return [model.objects.count() for model in models]


def test_building_the_progress_demo_again_changes_nothing(cast: Cast) -> None:
    before = counts()

    build_demo_data(primary=cast.primary, secondary=cast.secondary, today=timezone.localdate())

    assert counts() == before


def demo_ks4_years(cast: Cast) -> list[int]:
    years = Ks4Result.objects.filter(school=cast.secondary).values_list("year", flat=True)
    return sorted(set(years))


def test_kingsmead_has_last_summers_leavers_and_the_latest_with_a_ks2_baseline(
    cast: Cast,
) -> None:
    rules = shipped_rules()
    years = demo_ks4_years(cast)
    summer = timezone.localdate().year - (timezone.localdate().month < 9)

    assert years[-1] == summer
    assert len(years) == 2  # last summer's and the latest of the other kind
    assert {rules.rule("progress8", year).available for year in years} == {True, False}
    for year in years:
        results = Ks4Result.objects.filter(school=cast.secondary, year=year).select_related("pupil")
        assert results.count() == 120
        assert all(
            r.pupil.year_group == 11 and r.pupil.leaving_date == dt.date(year, 6, 26)
            for r in results
        )
        assert all(r.from_grades and 0 <= r.attainment8 <= 90 for r in results)
        assert 40 <= sum(r.attainment8 for r in results) / 120 <= 55  # national mean about 46


def test_leavers_with_a_ks2_baseline_have_ks2_results_five_years_before(cast: Cast) -> None:
    year = max(y for y in demo_ks4_years(cast) if shipped_rules().rule("progress8", y).available)

    ks2 = Ks2Result.objects.filter(school=cast.secondary, pupil__ks4_result__year=year)

    assert ks2.count() == 117 and {r.year for r in ks2} == {year - 5}
    # Scaled scores or no-result codes only: nothing needs a nominal score for year − 5.
    texts = {r.reading for r in ks2} | {r.maths for r in ks2}
    assert all(t.isdigit() or t in KS2_NO_RESULT_CODES for t in texts)
    assert (
        Pupil.objects.filter(
            school=cast.secondary, disadvantaged=True, leaving_date__isnull=False
        ).count()
        >= 20
    )


def test_leavers_without_a_ks2_baseline_have_none_and_the_schools_own_instead(
    cast: Cast,
) -> None:
    for year in demo_ks4_years(cast):
        if shipped_rules().rule("progress8", year).available:
            continue
        cohort = Ks2Result.objects.filter(school=cast.secondary, pupil__ks4_result__year=year)
        assert not cohort.exists()  # the KS2 tests of 2020 and 2021 were cancelled
        proxy = ProxyBaseline.objects.get(school=cast.secondary, year=year)
        assert proxy.name.startswith("CAT4 mean score in Year 7")
        assert proxy.scores.count() == 117


def test_hollins_park_has_last_summers_year6_with_ks1_and_ks2(cast: Cast) -> None:
    ks2 = Ks2Result.objects.filter(school=cast.primary).select_related("pupil")

    assert ks2.count() == 58
    assert all(r.pupil.year_group == 6 and r.pupil.leaving_date is not None for r in ks2)
    assert {r.writing for r in ks2} <= {"WTS", "EXS", "GDS"}
    ks1 = Ks1Result.objects.filter(school=cast.primary)
    assert ks1.count() == 57  # one joined in Year 4 with no KS1 assessment
    assert {r.reading for r in ks1} <= {"PKF", "WTS", "EXS", "GDS", "A"}


def test_riverbend_has_provisional_estimates_for_the_leavers_with_a_ks2_baseline(
    cast: Cast,
) -> None:
    year = max(y for y in demo_ks4_years(cast) if shipped_rules().rule("progress8", y).available)

    table = ReferenceTable.objects.get(source=ReferenceTable.TableSource.TRUST, year=year)

    assert table.trust == cast.secondary.trust
    assert table.pupils == 117
    assert ReferenceTable.objects.filter(source=ReferenceTable.TableSource.TRUST).count() == 1


def test_kingsmead_year9_has_planned_options_some_leaving_reformed_slots_empty(
    cast: Cast,
) -> None:
    from nextsteps.progress.kernels.ks4_models import shipped_models
    from nextsteps.progress.kernels.options import score_plan
    from nextsteps.progress.selectors import option_plans

    catalogue = shipped_models()
    plans = [plan for plan in option_plans(cast.secondary, 9) if plan.subjects]
    reformed = catalogue.model("reformed-2025-proposed")
    scored = [score_plan(p.subjects, [reformed], None, catalogue.categories)[0] for p in plans]

    assert len(plans) >= 100
    assert PlannedOption.objects.filter(school=cast.primary).count() == 0
    assert any(not score.complete for score in scored)
    assert any(score.complete for score in scored)
