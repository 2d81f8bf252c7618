"""A pupil's fact map: which multiplication facts they know quickly, slowly or not yet.

Each answer records the fact asked (a × b), whether it was right and how many seconds it
took. A fact and its reversal are one fact on the map (6 × 7 and 7 × 6), as the check itself
treats them (STA framework: no item with its reversal in one form). A fact's standing comes
from its most recent answers (how many: `recent_answers` in `data/fact_map.yaml`):

- **not seen**: never asked;
- **not yet**: the latest answer was wrong;
- **known quickly**: every recent answer right within `quickly_seconds` (3: half the check's
  6-second limit, which the STA set so that pupils recall rather than work out);
- **known slowly**: the latest answer right, but a recent one slow or wrong.

The facts to practise next are the "not yet" facts, then the "known slowly" ones, the least
secure first. No Django import.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from nextsteps.mtc.kernels.check_form import Fact, fact_key
from nextsteps.mtc.kernels.rules import FactMapSettings, read_fact_map_settings


class Standing(StrEnum):
    QUICKLY = "quickly"
    SLOWLY = "slowly"
    NOT_YET = "not_yet"
    NOT_SEEN = "not_seen"

    @property
    def label(self) -> str:
        return STANDING_LABELS[self]


STANDING_LABELS = {
    Standing.QUICKLY: "known quickly",
    Standing.SLOWLY: "known slowly",
    Standing.NOT_YET: "not yet",
    Standing.NOT_SEEN: "not seen",
}


@dataclass(frozen=True)
class Answer:
    """One answer: the fact as asked (a × b), whether it was right, and the seconds it took."""

    a: int
    b: int
    correct: bool
    seconds: float


@dataclass(frozen=True)
class FactRecord:
    """One fact's standing and the evidence for it."""

    fact: Fact  # smaller number first
    standing: Standing
    answers: int  # every answer to the fact, either way round
    recent_wrong: int  # wrong answers among the recent ones
    recent_seconds: float | None  # mean seconds of the recent answers; None if never asked


@dataclass(frozen=True)
class FactMap:
    """Every fact in scope, keyed smaller number first."""

    settings: FactMapSettings
    facts: dict[Fact, FactRecord]

    def standing(self, a: int, b: int) -> Standing:
        """The standing of a × b (the same as b × a)."""
        return self.facts[fact_key(a, b)].standing

    def grid(self) -> list[list[Standing]]:
        """Rows a and columns b from smallest to largest, each cell the standing of a × b."""
        numbers = range(self.settings.smallest, self.settings.largest + 1)
        return [[self.standing(a, b) for b in numbers] for a in numbers]

    def counts(self) -> dict[Standing, int]:
        """How many facts have each standing (a fact and its reversal counted once)."""
        counts = dict.fromkeys(Standing, 0)
        for record in self.facts.values():
            counts[record.standing] += 1
        return counts


def fact_map(answers: Iterable[Answer], settings: FactMapSettings | None = None) -> FactMap:
    """The fact map from a pupil's answers, given oldest first.

    An answer outside the map (a number outside `smallest`..`largest`, such as a practice
    question on the one table) or with impossible seconds is refused with ValueError: leave
    such answers out rather than let the map quietly ignore them.
    """
    settings = settings or read_fact_map_settings()
    by_fact: dict[Fact, list[Answer]] = defaultdict(list)
    for answer in answers:
        _check_answer(answer, settings)
        by_fact[fact_key(answer.a, answer.b)].append(answer)
    numbers = range(settings.smallest, settings.largest + 1)
    facts = {
        (a, b): _record((a, b), by_fact.get((a, b), []), settings)
        for a in numbers
        for b in numbers
        if a <= b
    }
    return FactMap(settings=settings, facts=facts)


def _check_answer(answer: Answer, settings: FactMapSettings) -> None:
    fact = f"{answer.a} × {answer.b}"
    if not (settings.in_scope(answer.a) and settings.in_scope(answer.b)):
        span = f"{settings.smallest} to {settings.largest}"
        raise ValueError(f"{fact} is not on the fact map (both numbers from {span})")
    if not isinstance(answer.correct, bool):
        raise ValueError(f"{fact}: correct must be True or False, not {answer.correct!r}")
    if not (math.isfinite(answer.seconds) and answer.seconds >= 0):
        raise ValueError(f"{fact}: {answer.seconds} is not a number of seconds")


def _record(fact: Fact, answers: Sequence[Answer], settings: FactMapSettings) -> FactRecord:
    recent = answers[-settings.recent_answers :]
    mean = sum(a.seconds for a in recent) / len(recent) if recent else None
    return FactRecord(
        fact=fact,
        standing=_standing(recent, settings.quickly_seconds),
        answers=len(answers),
        recent_wrong=sum(not a.correct for a in recent),
        recent_seconds=mean,
    )


def _standing(recent: Sequence[Answer], quickly_seconds: float) -> Standing:
    if not recent:
        return Standing.NOT_SEEN
    if not recent[-1].correct:
        return Standing.NOT_YET
    if all(a.correct and a.seconds <= quickly_seconds for a in recent):
        return Standing.QUICKLY
    return Standing.SLOWLY


def practise_next(facts: FactMap, limit: int | None = None) -> list[Fact]:
    """The facts to practise next: "not yet" first, then "known slowly", least secure first.

    Within a standing, more recent wrong answers come first, then slower answers, then the
    fact itself (so the order is the same every time). Facts not yet seen are not listed.
    """
    if limit is not None and limit < 0:
        raise ValueError("limit must be 0 or more")
    order = {Standing.NOT_YET: 0, Standing.SLOWLY: 1}
    candidates = [r for r in facts.facts.values() if r.standing in order]
    candidates.sort(
        key=lambda r: (order[r.standing], -r.recent_wrong, -(r.recent_seconds or 0.0), r.fact)
    )
    chosen = [record.fact for record in candidates]
    return chosen if limit is None else chosen[:limit]
