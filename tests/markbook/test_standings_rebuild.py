"""The standing table kept current on every write agrees with one rebuilt from the events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nextsteps.curriculum.models import Objective
from nextsteps.markbook.models import Judgement, Standing
from nextsteps.markbook.services import (
    judgement_correct,
    judgement_record,
    judgement_withdraw,
    standings_rebuild,
)
from tests.conftest import Cast

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["record", "record", "record", "correct", "withdraw"]),
        st.integers(0, 3),  # level position
        st.integers(0, 30),  # days ago the learning was shown
        st.integers(0, 2),  # which pupil
        st.integers(0, 1),  # which objective
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS)
def test_incremental_standings_equal_rebuilt_standings(
    cast: Cast, actions: list[tuple[str, int, int, int, int]]
) -> None:
    # Two objectives taught later in the year, so the demo has no evidence on them.
    objectives = list(
        Objective.objects.filter(framework=cast.maths_framework, code__in=["Y4-GE-01", "Y4-ST-01"])
    )
    pupils = list(cast.four_oak.enrolments.select_related("pupil").order_by("pk")[:3])
    clear(objectives)
    levels = list(objectives[0].framework.scale.levels.order_by("position"))
    now = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)
    recorded: list[Judgement] = []
    for action, position, days_ago, pupil_index, objective_index in actions:
        pupil = pupils[pupil_index].pupil
        objective = objectives[objective_index]
        level = levels[position]
        live = [
            j
            for j in recorded
            if not Judgement.objects.filter(supersedes=j).exists() and j.kind != "withdrawal"
        ]
        if action == "record" or not live:
            recorded.append(
                judgement_record(
                    pupil=pupil,
                    objective=objective,
                    level=level,
                    by=None,
                    shown_at=now - dt.timedelta(days=days_ago),
                )
            )
        elif action == "correct":
            recorded.append(
                judgement_correct(
                    judgement=live[position % len(live)], level=level, by=None, reason="fix"
                )
            )
        else:
            recorded.append(
                judgement_withdraw(judgement=live[position % len(live)], by=None, reason="error")
            )
    incremental = snapshot(objectives)
    standings_rebuild(school_id=cast.primary.pk, objective_ids=[o.pk for o in objectives])
    assert snapshot(objectives) == incremental


def clear(objectives: list[Any]) -> None:
    """Remove earlier examples' events: latest corrections first, as each protects its original."""
    events = Judgement.objects.filter(objective__in=objectives)
    while events.exists():
        events.filter(superseded_by__isnull=True).delete()
    Standing.objects.filter(objective__in=objectives).delete()


def snapshot(objectives: list[Any]) -> dict[tuple[int, int], tuple[Any, ...]]:
    return {
        (s.pupil_id, s.objective_id): (
            s.value,
            s.level_id,
            s.mastered,
            s.evidence_count,
            s.last_evidence_at,
        )
        for s in Standing.objects.filter(objective__in=objectives)
    }
