"""Attendance as context: the share of sessions attended, and whether that is persistent absence.

Pure: no Django import. Whether a pupil is persistently absent is a national definition that
has changed (15% of sessions missed until 2014/15, 10% from 2015/16); it is read from
`data/persistent_absence.csv`, one row per span of academic years with its source. A year with
no rule is refused by name, never guessed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path

from nextsteps.i18n import translate as _

RULES_FILE = Path(__file__).parent.parent / "data" / "persistent_absence.csv"


class NoAttendanceRule(LookupError):
    """No persistent absence rule covers the academic year asked about."""


@dataclass(frozen=True)
class AbsenceRule:
    year_from: int
    year_to: int | None
    threshold: Fraction  # the share of possible sessions missed that makes absence persistent
    source: str
    url: str

    def covers(self, year_starting: int) -> bool:
        return self.year_from <= year_starting and (
            self.year_to is None or year_starting <= self.year_to
        )


@cache
def rules(path: Path = RULES_FILE) -> tuple[AbsenceRule, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(
            AbsenceRule(
                int(row["year_from"]),
                int(row["year_to"]) if row["year_to"] else None,
                Fraction(Decimal(row["absence_threshold_percent"])) / 100,
                row["source_title"],
                row["source_url"],
            )
            for row in csv.DictReader(handle)
        )


def rule_for(year_starting: int) -> AbsenceRule:
    """The persistent absence rule for the academic year starting in `year_starting`."""
    for rule in rules():
        if rule.covers(year_starting):
            return rule
    raise NoAttendanceRule(
        _("No persistent absence rule covers %(year)s/%(next)02d: add one to %(file)s")
        % {"year": year_starting, "next": (year_starting + 1) % 100, "file": RULES_FILE.name}
    )


def attended_share(attended: int, possible: int) -> Fraction | None:
    """Sessions attended over sessions possible (None when there were none)."""
    if possible <= 0:
        return None
    if not 0 <= attended <= possible:
        raise ValueError(f"{attended} sessions attended of {possible} possible")
    return Fraction(attended, possible)


def is_persistent_absence(attended: int, possible: int, year_starting: int) -> bool | None:
    """Whether the sessions missed reach the year's threshold (DfE: 10% or more since 2015/16).

    None when there were no possible sessions to judge by.
    """
    share = attended_share(attended, possible)
    if share is None:
        return None
    return 1 - share >= rule_for(year_starting).threshold


def percent_text(attended: int, possible: int) -> str:
    """The share attended as a person reads it: one decimal place, as the DfE publishes it."""
    share = attended_share(attended, possible)
    if share is None:
        return "—"
    tenths = (share * 1000 + Fraction(1, 2)).__floor__()  # half up, in tenths of a percent
    return f"{tenths / 10:.1f}%"
