"""Pure functions for the feedback loop: comparing versions of writing, rolling up a pupil's
ratings of the steps, comparing self-assessment with the teacher's judgement, and how a
pupil's questions deepen over time. No Django import."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from statistics import fmean
from typing import Literal

Op = Literal["same", "added", "removed"]
Calibration = Literal["over", "under", "matched"]

_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    op: Op
    text: str


def text_diff(before: str, after: str) -> list[Segment]:
    """Word-by-word differences from one version to the next, as runs of the same kind.

    Whitespace is kept as its own token, so the joined `same` and `added` segments give back
    `after` exactly, and the joined `same` and `removed` segments give back `before`.
    """
    old = _TOKEN.findall(before)
    new = _TOKEN.findall(after)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(segments, "same", "".join(old[i1:i2]))
            continue
        if tag in {"delete", "replace"}:
            _append(segments, "removed", "".join(old[i1:i2]))
        if tag in {"insert", "replace"}:
            _append(segments, "added", "".join(new[j1:j2]))
    return segments


def _append(segments: list[Segment], op: Op, text: str) -> None:
    if not text:
        return
    if segments and segments[-1].op == op:
        segments[-1] = Segment(op, segments[-1].text + text)
    else:
        segments.append(Segment(op, text))


def changed_words(segments: Iterable[Segment]) -> int:
    """How many words were added or changed: a measure of how much the pupil improved."""
    return sum(len(s.text.split()) for s in segments if s.op == "added")


def overall_self_value(step_values: Sequence[Decimal], scale_values: Sequence[Decimal]) -> Decimal:
    """One self-assessment for the objective from a rating of each step.

    The lower median of the step ratings: one step a pupil is unsure of pulls the whole
    down only when it is not an outlier, and the result is always a level on the scale.
    """
    if not step_values:
        raise ValueError("rate at least one step")
    ordered = sorted(step_values)
    middle = ordered[(len(ordered) - 1) // 2]
    if middle not in scale_values:
        raise ValueError(f"{middle} is not a value on the scale")
    return middle


def fraction_of_scale(value: Decimal, scale_values: Sequence[Decimal]) -> float:
    """Where a value sits on its scale, from 0 (lowest level) to 1 (highest)."""
    low, high = min(scale_values), max(scale_values)
    if high == low:
        return 1.0
    return float((value - low) / (high - low))


def calibration(self_fraction: float, teacher_fraction: float, margin: float = 0.3) -> Calibration:
    """Over- or under-confident when the pupil's view is more than `margin` of the scale
    away from the teacher's (on two four-level scales: one whole level apart)."""
    gap = self_fraction - teacher_fraction
    if gap > margin:
        return "over"
    if gap < -margin:
        return "under"
    return "matched"


@dataclass(frozen=True)
class DepthPeriod:
    label: str
    starts_on: dt.date
    count: int
    mean_depth: float
    deepest: int


def depth_by_month(questions: Iterable[tuple[dt.date, int]]) -> list[DepthPeriod]:
    """Questions grouped by calendar month, with their mean and greatest depth (1 to 4)."""
    months: dict[dt.date, list[int]] = {}
    for asked_on, depth in questions:
        months.setdefault(asked_on.replace(day=1), []).append(depth)
    return [
        DepthPeriod(
            label=month.strftime("%b %Y"),
            starts_on=month,
            count=len(depths),
            mean_depth=round(fmean(depths), 2),
            deepest=max(depths),
        )
        for month, depths in sorted(months.items())
    ]


def depth_trend(questions: Sequence[tuple[dt.date, int]]) -> float | None:
    """The least-squares slope of depth against time, in depth levels per 30 days.

    Positive means the questions are deepening. None with fewer than two questions or all on
    one day.
    """
    if len(questions) < 2:
        return None
    origin = min(day for day, _ in questions)
    xs = [(day - origin).days / 30 for day, _ in questions]
    ys = [float(depth) for _, depth in questions]
    mean_x, mean_y = fmean(xs), fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    return round(sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread, 3)
