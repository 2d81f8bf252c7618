"""The next-steps planner kernel: group pupils not yet secure by their shared gaps. No Django.

Input: the pupils of a class in register order, the objectives just taught, which objectives
each pupil is secure on, and the largest group size wanted. Pupils secure on every objective
need no focus group. The others are split into as few groups as the size allows, with sizes
as even as possible (13 pupils in groups of up to 5 gives 5, 4 and 4).

Groups are built one at a time. The seed is a pupil from the largest set of unplaced pupils
with exactly the same gaps (on a tie, the set with more gaps, then the one whose first pupil
comes first in the register). The pupils whose gaps most resemble the seed's join it:
resemblance is the Jaccard index |A ∩ B| / |A ∪ B|, then the number of shared gaps, then
register order. So pupils with identical gaps are placed together whenever sizes allow, and
the result is the same for the same input, whatever order the gaps are listed in.

Each group reports the gaps every member shares (what the group is taught next) and the
gaps only some members have, most common first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Generic, TypeVar

P = TypeVar("P", bound=Hashable)
O = TypeVar("O", bound=Hashable)  # noqa: E741 - O for objective reads clearly here


@dataclass(frozen=True)
class FocusGroup(Generic[P, O]):
    pupils: tuple[P, ...]
    shared_gaps: tuple[O, ...]  # not yet secure for every pupil in the group
    other_gaps: tuple[tuple[O, int], ...]  # (objective, how many in the group), most first


@dataclass(frozen=True)
class Plan(Generic[P, O]):
    groups: tuple[FocusGroup[P, O], ...]
    secure: tuple[P, ...]  # secure on every objective: no focus group needed


def group_sizes(count: int, largest: int) -> list[int]:
    """Sizes for `count` pupils in as few groups of at most `largest` as possible, evenly."""
    if largest < 1:
        raise ValueError("a group needs room for at least one pupil")
    if count <= 0:
        return []
    groups = -(-count // largest)
    base, extra = divmod(count, groups)
    return [base + 1 if index < extra else base for index in range(groups)]


def plan_groups(
    pupils: Sequence[P],
    objectives: Sequence[O],
    secure: Mapping[P, frozenset[O] | set[O]],
    largest: int,
) -> Plan[P, O]:
    """Focus groups of at most `largest` pupils, formed by shared gaps (see module docstring)."""
    if len(set(pupils)) != len(pupils):
        raise ValueError("a pupil is listed twice")
    order = {objective: index for index, objective in enumerate(objectives)}
    gaps = {
        p: frozenset(o for o in objectives if o not in secure.get(p, frozenset())) for p in pupils
    }
    place = {pupil: index for index, pupil in enumerate(pupils)}
    waiting = [p for p in pupils if gaps[p]]
    groups: list[FocusGroup[P, O]] = []
    for size in group_sizes(len(waiting), largest):
        alike = {p: sum(1 for q in waiting if gaps[q] == gaps[p]) for p in waiting}
        seed = min(waiting, key=lambda p: (-alike[p], -len(gaps[p]), place[p]))
        others = sorted(
            (p for p in waiting if p != seed),
            key=lambda p: (-_jaccard(gaps[seed], gaps[p]), -len(gaps[seed] & gaps[p]), place[p]),
        )
        members = sorted([seed, *others[: size - 1]], key=place.__getitem__)
        groups.append(_describe(members, gaps, order))
        waiting = [p for p in waiting if p not in members]
    return Plan(groups=tuple(groups), secure=tuple(p for p in pupils if not gaps[p]))


def _jaccard(first: frozenset[O], second: frozenset[O]) -> Fraction:
    union = first | second
    return Fraction(len(first & second), len(union)) if union else Fraction(1)


def _describe(
    members: list[P], gaps: Mapping[P, frozenset[O]], order: Mapping[O, int]
) -> FocusGroup[P, O]:
    shared = frozenset.intersection(*(gaps[p] for p in members))
    counts: dict[O, int] = {}
    for pupil in members:
        for objective in gaps[pupil] - shared:
            counts[objective] = counts.get(objective, 0) + 1
    return FocusGroup(
        pupils=tuple(members),
        shared_gaps=tuple(sorted(shared, key=order.__getitem__)),
        other_gaps=tuple(sorted(counts.items(), key=lambda item: (-item[1], order[item[0]]))),
    )


def next_school_day(today: dt.date) -> dt.date:
    """The next weekday after today (the planner plans the next lesson for it)."""
    following = today + dt.timedelta(days=1)
    while following.weekday() >= 5:
        following += dt.timedelta(days=1)
    return following
