"""The marking and feedback workload kernel: hours per teacher per week. No Django import.

An activity happens `times` every `period`, takes `minutes_per_pupil` for each pupil in a
class, and applies to `classes` of a teacher's classes. Its weekly load is

    hours = times / weeks(period) × minutes_per_pupil × pupils_per_class × classes / 60

with a school year of 39 teaching weeks: a term is 13 weeks and a half-term 6½.
Arithmetic is exact (`Fraction`); results are rounded once, half up, to 2 decimal places.

Whole-class feedback is costed as reading the work (`WHOLE_CLASS_READ_MINUTES` a pupil) and
writing one feedback sheet (`WHOLE_CLASS_SHEET_MINUTES` a class). Verbal feedback is given in
lessons and costs no time outside them. These assumptions are shown beside the figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

WEEKS: dict[str, Fraction] = {
    "week": Fraction(1),
    "fortnight": Fraction(2),
    "half_term": Fraction(13, 2),
    "term": Fraction(13),
}
KINDS = (
    "written_comments",
    "marking_codes",
    "test_marking",
    "whole_class",
    "verbal",
    "response_check",
)
# Activities that mark each pupil's work one by one, which whole-class or verbal feedback
# could replace.
INDIVIDUAL_KINDS = frozenset({"written_comments", "marking_codes"})
WHOLE_CLASS_READ_MINUTES = Fraction(1, 2)
WHOLE_CLASS_SHEET_MINUTES = Fraction(15)
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Activity:
    kind: str
    times: int
    period: str
    minutes_per_pupil: Decimal
    classes: int


@dataclass(frozen=True)
class Saving:
    """What replacing an individually marked activity would save, in hours a week."""

    kind: str
    hours_now: Decimal
    whole_class_hours: Decimal
    whole_class_saves: Decimal
    verbal_saves: Decimal


def _exact(value: Decimal | int) -> Fraction:
    return Fraction(value)


def _round(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        _CENT, rounding=ROUND_HALF_UP
    )


def _weekly_minutes(activity: Activity, pupils_per_class: int) -> Fraction:
    if activity.period not in WEEKS:
        raise ValueError(f"unknown period {activity.period!r}")
    if activity.kind == "verbal":
        return Fraction(0)  # given in lessons
    per_week = Fraction(activity.times) / WEEKS[activity.period]
    return per_week * _exact(activity.minutes_per_pupil) * pupils_per_class * activity.classes


def activity_hours(activity: Activity, pupils_per_class: int) -> Decimal:
    """Hours a teacher spends on one activity in an average week, outside lessons."""
    return _round(_weekly_minutes(activity, pupils_per_class) / 60)


def weekly_hours(activities: Iterable[Activity], pupils_per_class: int) -> Decimal:
    """Hours a teacher spends on all the activities in an average week (rounded once)."""
    total = sum((_weekly_minutes(a, pupils_per_class) for a in activities), Fraction(0))
    return _round(total / 60)


def whole_class_minutes(activity: Activity, pupils_per_class: int) -> Fraction:
    """The same activity given as whole-class feedback: read each piece, write one sheet."""
    per_week = Fraction(activity.times) / WEEKS[activity.period]
    per_class = WHOLE_CLASS_READ_MINUTES * pupils_per_class + WHOLE_CLASS_SHEET_MINUTES
    return per_week * per_class * activity.classes


def savings(activities: Iterable[Activity], pupils_per_class: int) -> list[Saving]:
    """For each individually marked activity, the hours whole-class or verbal feedback save.

    Whole-class feedback saves nothing when it would take longer (very short marking), so
    the saving is never negative.
    """
    found = []
    for activity in activities:
        if activity.kind not in INDIVIDUAL_KINDS:
            continue
        now = _weekly_minutes(activity, pupils_per_class)
        whole_class = min(whole_class_minutes(activity, pupils_per_class), now)
        found.append(
            Saving(
                kind=activity.kind,
                hours_now=_round(now / 60),
                whole_class_hours=_round(whole_class / 60),
                whole_class_saves=_round((now - whole_class) / 60),
                verbal_saves=_round(now / 60),
            )
        )
    return found


def over_limit(hours: Decimal, limit: Decimal) -> bool:
    """True when a department's weekly hours exceed the school's limit."""
    return hours > limit
