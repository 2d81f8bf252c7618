"""A check's score (0 to 25) and a pupil's score against their own previous best.

The score is the number of items answered correctly within the time allowed (STA framework:
each item is worth one mark, with 6 seconds to answer it, so a later answer scores nothing).
A pupil's score is only ever set beside their own earlier scores: this module takes one
pupil's scores and has nothing that compares or ranks pupils. The outcome uses the words of
timed challenges' personal bests (`assessments/personal_best.py`). No Django import.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nextsteps.assessments.kernels.personal_best import Outcome
from nextsteps.mtc.kernels.fact_map import Answer
from nextsteps.mtc.kernels.rules import CheckRules, read_check_rules


def check_score(answers: Sequence[Answer], rules: CheckRules | None = None) -> int:
    """The marks for a check's items: right answers within the time limit (0 to 25).

    Give the answers to the scored items only, not the practice questions; an item with no
    answer simply scores nothing.
    """
    rules = rules or read_check_rules()
    if len(answers) > rules.items:
        raise ValueError(f"{len(answers)} answers, but a check has {rules.items} items")
    return sum(a.correct and a.seconds <= rules.seconds_per_item for a in answers)


def require_score(value: object, rules: CheckRules | None = None) -> int:
    """A check score as a whole number from 0 to the number of items, or ValueError."""
    rules = rules or read_check_rules()
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= rules.items:
        raise ValueError(
            f"{value!r} is not a score: an MTC score is a whole number 0 to {rules.items}"
        )
    return value


@dataclass(frozen=True)
class AgainstOwnBest:
    """A score beside the same pupil's best before it."""

    score: int
    previous_best: int | None  # None: the pupil's first score

    @property
    def change(self) -> int | None:
        """Marks above (or below) the previous best; None for a first score."""
        return None if self.previous_best is None else self.score - self.previous_best

    @property
    def outcome(self) -> Outcome:
        """In the words of timed challenges' personal bests: first, new best, equalled, below."""
        if self.previous_best is None:
            return Outcome.FIRST
        if self.score > self.previous_best:
            return Outcome.NEW_BEST
        return Outcome.EQUALLED if self.score == self.previous_best else Outcome.BELOW


def against_own_best(
    score: int, own_previous: Iterable[int], rules: CheckRules | None = None
) -> AgainstOwnBest:
    """Compare a score with this pupil's own earlier scores (never other pupils')."""
    rules = rules or read_check_rules()
    earlier = [require_score(value, rules) for value in own_previous]
    return AgainstOwnBest(
        score=require_score(score, rules), previous_best=max(earlier) if earlier else None
    )
