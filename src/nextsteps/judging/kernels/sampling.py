"""Choosing a moderation sample: at random, or stratified by teacher, class and standing.

A pure kernel (no Django). Stratified sampling treats each (teacher, class, standing) as a
stratum. When the sample is at least as large as the number of strata, every stratum gets one
piece of work and the rest is shared out in proportion to the strata's remaining sizes (largest
remainder, Hamilton's method). When it is smaller, strata are chosen one at a time so that the
sample reaches as many different teachers as it can, then classes, then standings, with ties
broken at random. The sample is returned shuffled, so its order gives nothing away.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

Stratum = tuple[Hashable, Hashable, Hashable]


@dataclass(frozen=True)
class Candidate:
    """A piece of work that could be sampled: its key and what it is stratified by."""

    key: Hashable
    teacher: Hashable
    teaching_class: Hashable
    standing: Hashable

    @property
    def stratum(self) -> Stratum:
        return (self.teacher, self.teaching_class, self.standing)


def draw_sample(
    candidates: Sequence[Candidate], size: int, *, stratified: bool, seed: int
) -> list[Hashable]:
    """Keys of min(size, len(candidates)) distinct candidates, in random order."""
    if size < 1:
        raise ValueError("the sample needs at least one piece of work")
    keys = [candidate.key for candidate in candidates]
    if len(set(keys)) != len(keys):
        raise ValueError("each candidate must appear once")
    rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
    if not stratified or size >= len(candidates):
        chosen = rng.sample(list(candidates), min(size, len(candidates)))
        return [candidate.key for candidate in chosen]
    strata: dict[Stratum, list[Candidate]] = {}
    for candidate in candidates:
        strata.setdefault(candidate.stratum, []).append(candidate)
    for members in strata.values():
        rng.shuffle(members)
    quotas = _quotas(strata, size, rng)
    chosen = [member for stratum, n in quotas.items() for member in strata[stratum][:n]]
    rng.shuffle(chosen)
    return [candidate.key for candidate in chosen]


def _quotas(
    strata: dict[Stratum, list[Candidate]], size: int, rng: random.Random
) -> dict[Stratum, int]:
    order = _spread_order(list(strata), rng)
    quotas = dict.fromkeys(order[:size], 1)
    spare = size - len(quotas)
    if spare <= 0:
        return quotas
    room = {stratum: len(strata[stratum]) - 1 for stratum in order}
    for stratum, extra in _largest_remainder(room, spare, order).items():
        quotas[stratum] += extra
    return quotas


def _spread_order(strata: list[Stratum], rng: random.Random) -> list[Stratum]:
    """Strata in an order that reaches new teachers first, then new classes, then standings."""
    remaining = strata[:]
    rng.shuffle(remaining)
    seen: tuple[set[Hashable], set[Hashable], set[Hashable]] = (set(), set(), set())
    order = []
    while remaining:
        best = max(
            remaining,
            key=lambda s: (s[0] not in seen[0], s[1] not in seen[1], s[2] not in seen[2]),
        )
        remaining.remove(best)
        order.append(best)
        for part, values in zip(best, seen, strict=True):
            values.add(part)
    return order


def _largest_remainder(
    room: dict[Stratum, int], spare: int, order: list[Stratum]
) -> dict[Stratum, int]:
    """Share `spare` out in proportion to `room`, never beyond it (Hamilton's method)."""
    extra = dict.fromkeys(order, 0)
    while spare > 0:
        open_strata = [s for s in order if room[s] > extra[s]]
        total = sum(room[s] - extra[s] for s in open_strata)
        if total == 0:
            break
        shares = {s: spare * (room[s] - extra[s]) / total for s in open_strata}
        given = 0
        for stratum in open_strata:
            whole = min(math.floor(shares[stratum]), room[stratum] - extra[stratum])
            extra[stratum] += whole
            given += whole
        if given == 0:
            # Every share is below one: the largest remainders take one each.
            by_remainder = sorted(open_strata, key=lambda s: -(shares[s] % 1))
            for stratum in by_remainder[:spare]:
                extra[stratum] += 1
                given += 1
        spare -= given
    return extra
