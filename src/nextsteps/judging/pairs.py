"""Choosing the next pair for a judge, from the pairing kernel's incremental state.

Each worker process keeps one `PairScheduler` per session it has served. A request brings the
state up to date from the session row it has already loaded (`comparison_count`,
`script_count`, `fitted_at`) and, only when other judges have judged since, one query for the
new comparisons (by id, on the `(session, id)` index). So in the steady state choosing a pair
costs no query at all and the kernel's O(scripts) vectorised choice, well under a millisecond
at 10,000 scripts (see BENCHMARKS.md). A worker that meets a session for the first time, or
sees comparisons it cannot account for, rebuilds the state from the history in one query.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from nextsteps.judging.kernels.pairing import PairingExhausted, PairScheduler
from nextsteps.judging.models import CJSession, Comparison, Judge, Script
from nextsteps.judging.selectors.comparative import target_total

CACHED_SESSIONS = 32


@dataclass
class _State:
    key: tuple[int, str, int, int]  # session id, created, seed, scripts
    scheduler: PairScheduler
    ids: list[int]
    index: dict[int, int]
    last_id: int = 0
    count: int = 0
    fitted_at: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)


_states: OrderedDict[int, _State] = OrderedDict()
_states_lock = threading.Lock()


def next_pair(session: CJSession, judge: Judge) -> tuple[int, int] | None:
    """Ids of the left and right scripts to show the judge; None when there is nothing to do.

    Nothing to do: fewer than two scripts, the session's target reached, or every pair
    already judged by this judge.
    """
    if session.script_count < 2 or session.comparison_count >= target_total(session):
        return None
    state = _state_for(session)
    with state.lock:
        _catch_up(session, state)
        try:
            first, second = state.scheduler.next_pair(judge.pk)
        except PairingExhausted:
            return None
        return state.ids[first], state.ids[second]


def forget(session_id: int) -> None:
    """Drop the cached state of a session (for example when its scripts change)."""
    with _states_lock:
        _states.pop(session_id, None)


def _key(session: CJSession) -> tuple[int, str, int, int]:
    return (session.pk, session.created_at.isoformat(), session.seed, session.script_count)


def _state_for(session: CJSession) -> _State:
    key = _key(session)
    with _states_lock:
        state = _states.get(session.pk)
        if state is not None and state.key == key:
            _states.move_to_end(session.pk)
            return state
    state = _build(session, key)
    with _states_lock:
        _states[session.pk] = state
        while len(_states) > CACHED_SESSIONS:
            _states.popitem(last=False)
    return state


def _build(session: CJSession, key: tuple[int, str, int, int]) -> _State:
    """The scheduler from the whole history: one query for scripts, one for comparisons."""
    ids = list(Script.objects.filter(session=session).order_by("pk").values_list("pk", flat=True))
    index = {pk: i for i, pk in enumerate(ids)}
    rows = list(
        Comparison.objects.filter(session=session)
        .order_by("pk")
        .values_list("pk", "left_id", "right_id", "judge_id")
    )
    first = np.fromiter((index[r[1]] for r in rows), dtype=np.int64, count=len(rows))
    second = np.fromiter((index[r[2]] for r in rows), dtype=np.int64, count=len(rows))
    scheduler = PairScheduler.from_history(
        len(ids),
        first,
        second,
        [r[3] for r in rows],
        seed=session.seed,
        adaptive=session.adaptive,
    )
    state = _State(
        key=key,
        scheduler=scheduler,
        ids=ids,
        index=index,
        last_id=rows[-1][0] if rows else 0,
        count=len(rows),
    )
    _theta(session, state)
    return state


def _catch_up(session: CJSession, state: _State) -> None:
    """Fold in comparisons made since the state was last brought up to date."""
    if state.count != session.comparison_count:
        fresh = list(
            Comparison.objects.filter(session=session, pk__gt=state.last_id)
            .order_by("pk")
            .values_list("pk", "left_id", "right_id", "judge_id")
        )
        for pk, left, right, judge_id in fresh:
            state.scheduler.record(judge_id, state.index[left], state.index[right])
            state.last_id, state.count = pk, state.count + 1
        if state.count != session.comparison_count and state.count < session.comparison_count:
            # A comparison committed out of id order was skipped: start again from history.
            rebuilt = _build(session, state.key)
            state.scheduler, state.last_id, state.count = (
                rebuilt.scheduler,
                rebuilt.last_id,
                rebuilt.count,
            )
    _theta(session, state)


def _theta(session: CJSession, state: _State) -> None:
    """Adaptive pairing: load the latest fitted theta once per fit."""
    fitted = session.fitted_at.isoformat() if session.fitted_at else ""
    if not session.adaptive or fitted == state.fitted_at:
        return
    theta = dict(Script.objects.filter(session=session).values_list("pk", "theta"))
    state.scheduler.update_theta(
        np.array([theta.get(pk) or 0.0 for pk in state.ids], dtype=np.float64)
    )
    state.fitted_at = fitted
