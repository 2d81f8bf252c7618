"""What departments' answers have in common and where they differ, computed. No Django import.

Departments are named by any hashable key and kept in the order given, so the output reads
in the order the school lists its departments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

D = TypeVar("D", bound=Hashable)
V = TypeVar("V", bound=Hashable)

# Assessment points within a week of each other count as the same point in the school's year.
SAME_POINT_DAYS = 7


@dataclass(frozen=True)
class Shared(Generic[V, D]):
    """One value (a choice, a scale, a method) and the departments whose answers have it."""

    value: V
    departments: tuple[D, ...]
    everyone: bool  # every department that answered


@dataclass(frozen=True)
class PointCluster(Generic[D]):
    """Assessment points from several departments that fall within `SAME_POINT_DAYS`."""

    starts: dt.date
    ends: dt.date
    departments: tuple[D, ...]
    everyone: bool


@dataclass(frozen=True)
class Comparison(Generic[V, D]):
    common: tuple[Shared[V, D], ...]  # in every answer
    partly: tuple[Shared[V, D], ...]  # in some answers, not all
    unused: tuple[V, ...]  # offered but in no answer


def compare_choices(chosen: Mapping[D, Iterable[V]], offered: Sequence[V] = ()) -> Comparison[V, D]:
    """Which of the offered choices every department made, some made, and none made.

    Choices not in `offered` are still reported (after the offered ones, in first-seen order).
    """
    departments = list(chosen)
    sets = {department: set(values) for department, values in chosen.items()}
    universe = list(offered)
    for values in chosen.values():
        for value in values:
            if value not in universe:
                universe.append(value)
    common: list[Shared[V, D]] = []
    partly: list[Shared[V, D]] = []
    unused: list[V] = []
    for value in universe:
        who = tuple(d for d in departments if value in sets[d])
        if not who:
            unused.append(value)
            continue
        shared = Shared(value=value, departments=who, everyone=len(who) == len(departments))
        (common if shared.everyone else partly).append(shared)
    return Comparison(common=tuple(common), partly=tuple(partly), unused=tuple(unused))


def compare_values(values: Mapping[D, V]) -> tuple[Shared[V, D], ...]:
    """Each distinct value with the departments that gave it, the most usual value first."""
    departments = list(values)
    seen: dict[V, list[D]] = {}
    for department in departments:
        seen.setdefault(values[department], []).append(department)
    first = {value: index for index, value in enumerate(seen)}
    ordered = sorted(seen.items(), key=lambda item: (-len(item[1]), first[item[0]]))
    return tuple(
        Shared(value=value, departments=tuple(who), everyone=len(who) == len(departments))
        for value, who in ordered
    )


def cluster_points(
    points: Mapping[D, Sequence[dt.date]], within_days: int = SAME_POINT_DAYS
) -> tuple[PointCluster[D], ...]:
    """Group all departments' assessment points into clusters no wider than `within_days`.

    A cluster starts at its earliest date and takes every later date up to `within_days`
    after it; the next date begins the next cluster. Clusters come in date order.
    """
    departments = list(points)
    rank = {department: index for index, department in enumerate(departments)}
    dated = sorted(
        ((date, department) for department, dates in points.items() for date in dates),
        key=lambda item: (item[0], rank[item[1]]),
    )
    clusters: list[PointCluster[D]] = []
    start: dt.date | None = None
    members: list[tuple[dt.date, D]] = []
    for date, department in dated:
        if start is not None and (date - start).days > within_days:
            clusters.append(_cluster(members, departments, rank))
            members = []
        if not members:
            start = date
        members.append((date, department))
    if members:
        clusters.append(_cluster(members, departments, rank))
    return tuple(clusters)


def _cluster(
    members: list[tuple[dt.date, D]], departments: list[D], rank: Mapping[D, int]
) -> PointCluster[D]:
    who = tuple(sorted({d for _, d in members}, key=rank.__getitem__))
    return PointCluster(
        starts=members[0][0],
        ends=members[-1][0],
        departments=who,
        everyone=len(who) == len(departments),
    )


def number_range(values: Mapping[D, int | float]) -> tuple[int | float, int | float] | None:
    """The lowest and highest of departments' numbers (sessions, reports a year)."""
    if not values:
        return None
    return min(values.values()), max(values.values())
