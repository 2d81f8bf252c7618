"""Personal bests in timed challenges: each pupil against their own previous best, never others.

An attempt beats another when it scores more, or scores the same in less time (so both kinds
of challenge work: "how many in three minutes" and "how fast can you finish fifty"). Every
attempt, taken in the order it happened, has one outcome against the best *before* it:

- FIRST: the pupil's first try; it sets the best to beat and is not counted as beating it;
- NEW_BEST: better than every earlier attempt;
- EQUALLED: the same score as the best, not faster (a tie does not replace the best, and the
  earlier attempt keeps the title);
- BELOW: a lower score than the best; the best stands.

Pure functions on plain data; no Django.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Outcome(enum.StrEnum):
    FIRST = "first"
    NEW_BEST = "new_best"
    EQUALLED = "equalled"
    BELOW = "below"


@dataclass(frozen=True)
class Try:
    """One attempt: its score, the seconds it took, when, and a key to find it again."""

    key: int
    score: int
    seconds: int
    taken_at: dt.datetime


@dataclass(frozen=True)
class Step:
    """An attempt with its outcome, the best before it and the best after it."""

    attempt: Try
    outcome: Outcome
    previous_best: Try | None
    best: Try

    @property
    def is_new_best(self) -> bool:
        return self.outcome is Outcome.NEW_BEST


def beats(candidate: Try, best: Try) -> bool:
    """More marks, or the same marks in less time."""
    return candidate.score > best.score or (
        candidate.score == best.score and candidate.seconds < best.seconds
    )


def in_order(attempts: Iterable[Try]) -> list[Try]:
    """Attempts in the order they happened (the key settles attempts at the same moment)."""
    return sorted(attempts, key=lambda a: (a.taken_at, a.key))


def history(attempts: Iterable[Try]) -> list[Step]:
    """Every attempt in order with its outcome against the pupil's own best before it."""
    steps: list[Step] = []
    best: Try | None = None
    for attempt in in_order(attempts):
        if best is None:
            outcome = Outcome.FIRST
        elif beats(attempt, best):
            outcome = Outcome.NEW_BEST
        elif attempt.score == best.score:
            outcome = Outcome.EQUALLED
        else:
            outcome = Outcome.BELOW
        previous = best
        if best is None or outcome is Outcome.NEW_BEST:
            best = attempt
        steps.append(Step(attempt=attempt, outcome=outcome, previous_best=previous, best=best))
    return steps


def personal_best(attempts: Iterable[Try]) -> Try | None:
    """The pupil's best attempt (the earliest, when two are equally good)."""
    steps = history(attempts)
    return steps[-1].best if steps else None


def beat_own_best_between(attempts: Iterable[Try], start: dt.datetime, end: dt.datetime) -> bool:
    """Whether any attempt in [start, end) beat the pupil's best from before it.

    A first attempt is not a beaten best: there was nothing to beat.
    """
    return any(
        step.is_new_best and start <= step.attempt.taken_at < end for step in history(attempts)
    )


def week_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """The Monday a week starts on and the Monday after it."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=7)
