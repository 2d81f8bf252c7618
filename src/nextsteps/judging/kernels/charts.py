"""Geometry for the scale chart: each script's position and interval, and grade boundaries.

A pure module (no Django): it turns numbers into SVG coordinates so the template only draws.
Scripts run down the chart from the highest to the lowest; the horizontal axis is the scale
(logits, labelled with scaled scores when a mapping is given).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

LEFT = 70  # room for script codes
RIGHT = 16
TOP = 28  # room for the axis labels
BOTTOM = 34
WIDTH = 900
ROW = 17  # pixels per script


@dataclass(frozen=True)
class ChartPoint:
    label: str
    theta: float
    low: float
    high: float
    marker: str  # "script", "exemplar", "anchor", "look_again"
    description: str


@dataclass(frozen=True)
class PlacedPoint:
    point: ChartPoint
    x: float
    x_low: float
    x_high: float
    y: float

    @property
    def shape(self) -> str:
        """An SVG path for the marker: a diamond (exemplar) or a square (anchor)."""
        x, y = self.x, self.y
        if self.point.marker == "exemplar":
            return f"M{x:g},{y - 6:g}L{x + 6:g},{y:g}L{x:g},{y + 6:g}L{x - 6:g},{y:g}Z"
        return f"M{x - 4.5:g},{y - 4.5:g}h9v9h-9Z"


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Line:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: list[PlacedPoint]
    ticks: list[Tick]
    boundaries: list[Line]


def scale_chart(
    points: Sequence[ChartPoint],
    boundaries: Sequence[tuple[str, float]] = (),
    tick_label: Callable[[float], str] | None = None,
) -> Chart:
    """Place points (already ordered top to bottom) and boundaries on a shared axis."""
    values = [v for p in points for v in (p.low, p.high)] + [b for _, b in boundaries]
    low, high = (min(values), max(values)) if values else (-1.0, 1.0)
    low, high = math.floor(low) - 0.5, math.ceil(high) + 0.5
    height = TOP + BOTTOM + ROW * max(len(points), 1)
    plot = WIDTH - LEFT - RIGHT

    def x(value: float) -> float:
        return round(LEFT + (value - low) / (high - low) * plot, 1)

    placed = [
        PlacedPoint(
            point=p,
            x=x(p.theta),
            x_low=x(p.low),
            x_high=x(p.high),
            y=TOP + ROW * index + ROW / 2,
        )
        for index, p in enumerate(points)
    ]
    label = tick_label or (lambda value: f"{value:g}")
    ticks = [
        Tick(x(float(v)), label(float(v))) for v in range(math.ceil(low), math.floor(high) + 1)
    ]
    lines = [Line(x(value), name) for name, value in boundaries]
    return Chart(
        width=WIDTH,
        height=height,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=height - BOTTOM,
        points=placed,
        ticks=ticks,
        boundaries=lines,
    )
