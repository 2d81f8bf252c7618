"""Geometry for the server-rendered SVG charts: plain numbers in, shapes out (no Django).

Templates draw the shapes; the same figures go into a data table beside each chart for
screen readers, so the chart itself is decoration for sighted readers and needs no script,
no network and no inline style.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

WIDTH = 720
HEIGHT = 280
LEFT, RIGHT, TOP, BOTTOM = 60, 16, 16, 40  # room for "100%" at the larger phone size


@dataclass(frozen=True)
class Tick:
    value: float
    label: str
    y: float


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    text: str
    x: float
    y: float
    width: float
    height: float
    below: bool

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def value_y(self) -> float:
        return self.y - 5


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    baseline: float
    plot_left: float
    plot_right: float
    threshold_y: float | None = None
    threshold_text: str = ""
    label_every: int = 1

    @property
    def tick_x(self) -> float:
        return self.plot_left - 6

    @property
    def label_y(self) -> float:
        return self.baseline + 18


def _ticks(top: float, steps: int, y_of: Callable[[float], float], suffix: str = "") -> list[Tick]:
    step = top / steps
    return [
        Tick(value=step * i, label=f"{step * i:g}{suffix}", y=y_of(step * i))
        for i in range(steps + 1)
    ]


def nice_scale(maximum: float) -> tuple[float, int]:
    """An axis top and a number of steps with round tick values: 38 → (40, 4), 50 → (50, 5)."""
    maximum = max(maximum, 1.0)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        steps = math.ceil(maximum / step)
        if steps <= 6:
            return float(steps * step), steps
    step = 10 ** math.ceil(math.log10(maximum / 6))
    return float(math.ceil(maximum / step) * step), math.ceil(maximum / step)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    top: float = 100.0,
    steps: int = 4,
    threshold: float | None = None,
    suffix: str = "%",
    width: int = WIDTH,
    height: int = HEIGHT,
) -> BarChart:
    """Vertical bars from 0 to `top`; bars under the threshold are flagged (and drawn hatched)."""
    plot_width = width - LEFT - RIGHT
    plot_height = height - TOP - BOTTOM
    slot = plot_width / max(len(labels), 1)
    bar_width = max(min(slot * 0.7, 48.0), 2.0)

    def y_of(value: float) -> float:
        return TOP + plot_height * (1 - min(max(value, 0.0), top) / top)

    bars = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = y_of(value) if value is not None else TOP + plot_height
        bars.append(
            Bar(
                label=label,
                value=value,
                text="" if value is None else f"{value:g}{suffix}",
                x=LEFT + slot * index + (slot - bar_width) / 2,
                y=y,
                width=bar_width,
                height=TOP + plot_height - y,
                below=threshold is not None and value is not None and value < threshold,
            )
        )
    return BarChart(
        width=width,
        height=height,
        bars=bars,
        ticks=_ticks(top, steps, y_of, suffix),
        baseline=TOP + plot_height,
        plot_left=LEFT,
        plot_right=width - RIGHT,
        threshold_y=y_of(threshold) if threshold is not None else None,
        threshold_text="" if threshold is None else f"{threshold:g}{suffix}",
        label_every=max(1, math.ceil(len(labels) / max(plot_width // 28, 1))),
    )


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    label: str
    highlight: bool = False

    @property
    def value_y(self) -> float:
        return self.y - 12


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: list[Point]
    best_path: str
    line_path: str
    ticks: list[Tick]
    baseline: float
    plot_left: float
    plot_right: float
    x_labels: list[Point] = field(default_factory=list)

    @property
    def tick_x(self) -> float:
        return self.plot_left - 6

    @property
    def label_y(self) -> float:
        return self.baseline + 18


def score_chart(
    labels: Sequence[str],
    scores: Sequence[float],
    bests: Sequence[float],
    highlights: Sequence[bool],
    *,
    top: float,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> LineChart:
    """Scores over time (a line with a dot per attempt) and the best so far (a step line)."""
    plot_width = width - LEFT - RIGHT
    plot_height = height - TOP - BOTTOM
    top, steps = nice_scale(max(top, max(scores, default=0)))
    slot = plot_width / max(len(scores), 1)

    def x_of(index: int) -> float:
        return LEFT + slot * index + slot / 2

    def y_of(value: float) -> float:
        return TOP + plot_height * (1 - value / top)

    points = [
        Point(x=x_of(i), y=y_of(s), value=s, label=labels[i], highlight=highlights[i])
        for i, s in enumerate(scores)
    ]
    line = " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(points))
    best = ""
    for i, value in enumerate(bests):
        start, end = x_of(i) - slot / 2, x_of(i) + slot / 2
        best += (
            f"{'M' if i == 0 else 'L'}{start:.1f},{y_of(value):.1f} L{end:.1f},{y_of(value):.1f} "
        )
    every = max(1, math.ceil(len(points) / max(plot_width // 70, 1)))
    return LineChart(
        width=width,
        height=height,
        points=points,
        best_path=best.strip(),
        line_path=line,
        ticks=_ticks(top, steps, y_of),
        baseline=TOP + plot_height,
        plot_left=LEFT,
        plot_right=width - RIGHT,
        x_labels=[p for i, p in enumerate(points) if i % every == 0],
    )
