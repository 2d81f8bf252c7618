"""The leaders' dashboards read standing summaries: after every kind of write, the dashboard
from the summary equals the same dashboard counted directly from the standings, and the
summary is counted again only when something that counts has changed.

Run on PostgreSQL as well: DATABASE_URL=postgres://… pytest tests/reports/test_dashboard_summary.py
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from nextsteps.curriculum.models import Objective, ScaleLevel
from nextsteps.markbook import services
from nextsteps.markbook.models import Judgement, JudgementSource, Standing, StandingSummaryState
from nextsteps.markbook.summary_selectors import core_objectives, standing_counts
from nextsteps.people.models import Pupil
from nextsteps.reports import selectors
from nextsteps.reports.kernels.rounding import round_half_up
from nextsteps.schools.models import Department, School
from tests.conftest import Cast
from tests.reports.dataset import Dataset, build

FILTERS: tuple[dict[str, Any], ...] = (
    {},
    {"subject": "Mathematics"},
    {"year": 4},
    {"group": "disadvantaged"},
    {"subject": "English", "group": "female"},
    {"year": 5, "group": "not-sen"},
)


def _direct(school: School, as_of: dt.datetime, **filters: Any) -> selectors.SchoolDashboard:
    """The dashboard counted from the standings themselves, as of the summary's moment."""
    return selectors.school_dashboard(
        school=school,
        summary=services.SummaryFreshness(
            school.pk, as_of, core_objectives([school.pk])[school.pk]
        ),
        counts=standing_counts(school_id=school.pk, as_of=as_of),
        **filters,
    )


def _computed_at(school: School) -> dt.datetime | None:
    return StandingSummaryState.objects.get(school=school).computed_at


def _assert_summary_matches(school: School) -> None:
    for filters in FILTERS:
        board = selectors.school_dashboard(school=school, **filters)
        assert board.as_of is not None and not board.catching_up
        assert board == _direct(school, board.as_of, **filters), filters


def _levels(data: Dataset) -> dict[str, ScaleLevel]:
    scale = data.objectives["M1"].framework.scale
    return {
        label: ScaleLevel.objects.create(
            school=data.school, scale=scale, position=n, label=label, value=Decimal(n)
        )
        for n, label in enumerate(("Emerging", "Developing", "Secure", "Greater depth"), start=1)
    }


def test_every_write_path_keeps_the_summary_equal_to_the_standings(cast: Cast) -> None:
    data = build()
    school, pupils, objectives = data.school, data.pupils, data.objectives
    levels = _levels(data)
    teacher = None
    _assert_summary_matches(school)
    recorded: list[Judgement] = []

    def record() -> None:
        recorded.append(
            services.judgement_record(
                pupil=pupils["Dee"], objective=objectives["M1"], level=levels["Secure"], by=teacher
            )
        )

    def correct() -> None:
        recorded.append(
            services.judgement_correct(
                judgement=recorded[-1], level=levels["Developing"], by=teacher, reason="Misread"
            )
        )

    def withdraw() -> None:
        services.judgement_withdraw(judgement=recorded[-1], by=teacher, reason="Wrong pupil")

    def fill() -> None:
        services.judgements_record_bulk(
            entries=[
                services.JudgementEntry(pupils[name], objectives["M2"], levels["Secure"])
                for name in ("Isaac", "Bea", "Cal", "Dee")
            ],
            by=teacher,
        )

    def import_marks() -> None:
        services.judgements_record_bulk(
            entries=[
                services.JudgementEntry(
                    pupils[name],
                    objectives["E2"],
                    levels[level],
                    shown_at=timezone.now() - dt.timedelta(days=60),
                )
                for name, level in (("Bea", "Greater depth"), ("Dee", "Emerging"))
            ],
            by=None,
            source=JudgementSource.TEST,
        )

    def rebuild_deletes_only() -> None:
        # M3's standings have no events: rebuilt, they are only deleted, and no standing is
        # left with a newer `updated_at` to show it.
        services.standings_rebuild(school_id=school.pk, objective_ids=[objectives["M3"].pk])

    def rebuild() -> None:
        # The dataset's standings without events are deleted: no newer `updated_at` shows it.
        services.standings_rebuild(school_id=school.pk)

    def not_core() -> None:
        Objective.objects.filter(pk=objectives["M2"].pk).update(core=False)

    def core_again() -> None:
        objective = objectives["M2"]
        objective.core = True
        objective.save()

    def made_core() -> None:
        Objective.objects.filter(pk=objectives["M4"].pk).update(core=True)

    def objective_moves_year() -> None:
        Objective.objects.filter(pk=objectives["M5"].pk).update(year_group=4)

    def objective_deleted() -> None:
        Objective.objects.filter(pk=objectives["E1"].pk).delete()

    def pupil_leaves() -> None:
        Pupil.objects.filter(pk=pupils["Isaac"].pk).update(
            leaving_date=timezone.localdate() - dt.timedelta(days=1)
        )

    def year_group_changes() -> None:
        Pupil.objects.filter(pk=pupils["Eve"].pk).update(year_group=4)

    writes: list[Callable[[], None]] = [
        record,
        correct,
        withdraw,
        fill,
        import_marks,
        rebuild_deletes_only,
        rebuild,
        not_core,
        core_again,
        made_core,
        objective_moves_year,
        record,
        objective_deleted,
        pupil_leaves,
        year_group_changes,
        fill,
    ]
    for write in writes:
        before = _computed_at(school)
        write()
        _assert_summary_matches(school)
        after = _computed_at(school)
        assert after is not None and before is not None
        if write in (pupil_leaves, year_group_changes):
            # Read as the dashboard is read: the summary stands as it was.
            assert after == before, write.__name__
        else:
            # Each of these changed what the summary counts, so it was counted again ...
            assert after > before, write.__name__
        # ... and reading again without a write leaves it be.
        selectors.school_dashboard(school=school)
        assert _computed_at(school) == after, write.__name__


def test_a_write_stamped_just_before_the_count_is_counted_again(cast: Cast, settings: Any) -> None:
    """A write stamps its standings as it starts and may commit after a count began: within
    the settling time, a standing stamped before the count still makes it out of date."""
    data = build()
    selectors.school_dashboard(school=data.school)
    counted = _computed_at(data.school)
    assert counted is not None
    settings.SUMMARY_SETTLE_SECONDS = 60
    standing = Standing.objects.filter(school=data.school, pupil=data.pupils["Cal"]).first()
    assert standing is not None
    standing.mastered = not standing.mastered
    standing.updated_at = counted - dt.timedelta(seconds=5)  # committed after the count
    standing.save()
    _assert_summary_matches(data.school)
    assert _computed_at(data.school) != counted


def test_recent_evidence_is_counted_again_when_the_summary_is_old(cast: Cast) -> None:
    data = build()
    selectors.school_dashboard(school=data.school)
    old = timezone.now() - dt.timedelta(minutes=11)
    StandingSummaryState.objects.filter(school=data.school).update(computed_at=old)
    board = selectors.school_dashboard(school=data.school)
    assert board.as_of is not None and board.as_of > old
    assert board == _direct(data.school, board.as_of)


class _QueuedTask:
    """Stands in for the refresh task on a real queue: records what was queued."""

    def __init__(self) -> None:
        self.queued: list[int] = []

    def get_backend(self) -> object:
        return object()

    def enqueue(self, *, school_id: int) -> None:
        self.queued.append(school_id)


def test_with_a_queue_the_last_summary_shows_and_one_refresh_is_queued(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    data = build()
    first = selectors.school_dashboard(school=data.school)
    task = _QueuedTask()
    monkeypatch.setattr(services, "summary_refresh_task", task)
    assert selectors.school_dashboard(school=data.school).catching_up is False
    levels = _levels(data)
    services.judgement_record(
        pupil=data.pupils["Dee"], objective=data.objectives["M1"], level=levels["Secure"], by=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        stale = selectors.school_dashboard(school=data.school)
        again = selectors.school_dashboard(school=data.school)
    # The last summary, said to be catching up, with its own figures (not today's standings).
    assert stale.catching_up and again.catching_up
    assert stale.as_of == first.as_of and stale.overall == first.overall
    assert task.queued == [data.school.pk]  # queued once, not on every view
    services.summary_refresh(school_id=data.school.pk)
    fresh = selectors.school_dashboard(school=data.school)
    assert not fresh.catching_up and fresh.overall.secure == first.overall.secure + 1


def test_the_trust_view_reads_every_schools_summary_at_once(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    build()
    schools = list(School.objects.order_by("pk"))
    selectors.trust_dashboard(schools=schools)
    # The core objectives, the states with their latest writes, the rows (3), every school's
    # pupils (1), then the nominal scores of each school whose pupils have prior results.
    with django_assert_max_num_queries(4 + len(schools)):
        lines = selectors.trust_dashboard(schools=schools)
    for line in lines:
        direct = _direct(line.school, line.as_of or timezone.now())
        assert (line.overall, line.by_subject) == (direct.overall, direct.by_subject)


# ------------------------------------------------------------------ the pages say how fresh


def _freshness(html: str) -> str:
    found = re.search(r"<p[^>]*data-freshness[^>]*>(.*?)</p>", html, re.S)
    assert found is not None, "the page does not say how fresh its figures are"
    return " ".join(found.group(1).split())


def test_leader_page_says_as_of_when_and_when_catching_up(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("leader_dashboard", kwargs={"urn": cast.primary.urn})
    client = cast.client("primaryhead")
    fresh = _freshness(client.get(url).content.decode())
    state = StandingSummaryState.objects.get(school=cast.primary)
    assert state.computed_at is not None
    stamp = timezone.localtime(state.computed_at)
    assert f'<time datetime="{stamp.isoformat()}">' in fresh
    assert f"Figures as of {stamp:%H:%M}" in " ".join(re.sub(r"<[^>]+>", "", fresh).split())
    assert "being brought up to date" not in fresh
    monkeypatch.setattr(services, "summary_refresh_task", _QueuedTask())
    StandingSummaryState.objects.filter(school=cast.primary).update(rebuild_requested=99)
    with django_capture_on_commit_callbacks(execute=True):
        stale = _freshness(client.get(url).content.decode())
    assert f'<time datetime="{stamp.isoformat()}">' in stale
    assert "being brought up to date" in stale


def test_trust_and_department_pages_say_as_of_when(cast: Cast) -> None:
    trust = cast.client("trustleader").get(
        reverse("trust_dashboard", kwargs={"trust": "riverbend"})
    )
    oldest = min(
        StandingSummaryState.objects.filter(school__trust__slug="riverbend").values_list(
            "computed_at", flat=True
        )
    )
    assert f'datetime="{timezone.localtime(oldest).isoformat()}"' in _freshness(
        trust.content.decode()
    )
    department = Department.objects.filter(school=cast.secondary).first()
    assert department is not None
    page = cast.client("leader").get(
        reverse(
            "department_dashboard",
            kwargs={"urn": cast.secondary.urn, "department_id": department.pk},
        )
    )
    assert page.status_code == 200
    assert "Figures as of" in _freshness(page.content.decode())


def test_a_pupils_band_is_the_whole_percentage_shown_half_up() -> None:
    for expected in range(1, 61):
        for secure in range(expected + 1):
            band = selectors.Figure(expected=expected, secure=secure).band
            shown = int(round_half_up(Fraction(100 * secure, expected)))
            assert band == min(4, shown // 20), (secure, expected)
    assert selectors.Figure().band is None


@given(
    st.lists(
        st.integers(min_value=0, max_value=40).flatmap(
            lambda expected: st.tuples(st.just(expected), st.integers(0, expected))
        ),
        max_size=40,
    )
)
def test_the_mean_share_of_a_group_is_exactly_the_mean_of_its_pupils_shares(
    figures: list[tuple[int, int]],
) -> None:
    pupils = [
        selectors.PupilLine(n, "", 4, "F", False, False, False, selectors.Figure(e, s))
        for n, (e, s) in enumerate(figures)
    ]
    assert selectors._mean_share(pupils) == selectors._mean(p.figure.secure_share for p in pupils)
