"""Reads for the standing summaries the leaders' dashboards count from.

Two ways to the same counts: `standing_counts` counts a school's standings directly (the
aggregate the summary replaces on every view; the refresh runs it, and the tests compare the
summary with it), and `summary_rows` reads what the last refresh wrote. Whether that is still
current is for `markbook.services.summaries_current` to decide.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from django.db.models import Count, Q

from nextsteps.curriculum.models import Objective
from nextsteps.markbook.models import Standing, StandingSummary

RECENT_DAYS = 42  # "recent evidence": within the last six weeks

# (pupil, subject, the objectives' year group) → (secure, working towards, recent evidence)
Counts = dict[tuple[int, int, int], tuple[int, int, int]]

# The one definition of each count, for the direct aggregate and the refresh alike.
SECURE = Q(mastered=True)
WORKING = Q(evidence_count__gt=0) & ~Q(mastered=True)


def recent_since(as_of: dt.datetime) -> dt.datetime:
    return as_of - dt.timedelta(days=RECENT_DAYS)


@dataclass(frozen=True)
class CoreObjectives:
    """A school's core objectives as the dashboards count them: the subjects that have any,
    how many each (subject, year group) has, and a key that changes when any objective joins
    or leaves the core, changes year group or moves to another subject."""

    names: dict[int, str] = field(default_factory=dict)
    counts: dict[tuple[int, int], int] = field(default_factory=dict)
    key: str = ""

    def as_json(self) -> list[list[object]]:
        return [
            [sid, self.names.get(sid, ""), year, n]
            for (sid, year), n in sorted(self.counts.items())
        ] + [[sid, name, None, 0] for sid, name in sorted(self.names.items())]

    @classmethod
    def from_json(cls, rows: list[list[object]], key: str) -> CoreObjectives:
        names: dict[int, str] = {}
        counts: dict[tuple[int, int], int] = {}
        for sid, name, year, n in rows:
            names[int(str(sid))] = str(name)
            if year is not None:
                counts[(int(str(sid)), int(str(year)))] = int(str(n))
        return cls(names=names, counts=counts, key=key)


def core_objectives(school_ids: Collection[int]) -> dict[int, CoreObjectives]:
    """Each school's core objectives (one query for any number of schools)."""
    names: dict[int, dict[int, str]] = defaultdict(dict)
    counts: dict[int, dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
    keyed: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for school_id, pk, sid, name, year in (
        Objective.objects.filter(school_id__in=list(school_ids), core=True)
        .values_list(
            "school_id", "pk", "framework__subject_id", "framework__subject__name", "year_group"
        )
        .order_by("school_id", "pk")
    ):
        names[school_id][sid] = name
        if year is not None:
            counts[school_id][(sid, year)] += 1
            keyed[school_id].append((pk, sid, year))
    return {
        school_id: CoreObjectives(
            names=dict(names[school_id]),
            counts=dict(counts[school_id]),
            key=hashlib.sha256(repr(keyed[school_id]).encode()).hexdigest(),
        )
        for school_id in school_ids
    }


def standing_counts(*, school_id: int, as_of: dt.datetime) -> Counts:
    """Count the school's standings on core objectives directly (one aggregate statement):
    per pupil, subject and the objectives' year group, the secure ones, those with evidence
    not yet secure, and those with evidence shown since `as_of` less RECENT_DAYS."""
    counts: Counts = {}
    for row in (
        Standing.objects.filter(
            school_id=school_id, objective__core=True, objective__year_group__isnull=False
        )
        .values("pupil_id", "objective__framework__subject_id", "objective__year_group")
        .annotate(
            secure=Count("pk", filter=SECURE),
            working=Count("pk", filter=WORKING),
            recent=Count("pk", filter=Q(last_evidence_at__gte=recent_since(as_of))),
        )
        .order_by()
    ):
        year = row["objective__year_group"]
        if year is not None:  # always: filtered above
            key = (row["pupil_id"], row["objective__framework__subject_id"], year)
            counts[key] = (row["secure"], row["working"], row["recent"])
    return counts


def summary_rows(school_ids: Collection[int]) -> dict[int, Counts]:
    """What the last refresh of each school's summary counted (one query)."""
    counts: dict[int, Counts] = {school_id: {} for school_id in school_ids}
    for school_id, pupil_id, sid, year, secure, working, recent in (
        StandingSummary.objects.filter(school_id__in=list(school_ids))
        .values_list(
            "school_id", "pupil_id", "subject_id", "year_group", "secure", "working", "recent"
        )
        .order_by()
    ):
        counts[school_id][(pupil_id, sid, year)] = (secure, working, recent)
    return counts
