"""Geometry for the progress chart: each score as a dot with its 95% confidence interval.

A forest plot drawn by the server as SVG (no script, no network): rows of labels on the
left, a shared axis centred on 0 (the national average), and the score and band in words on
the right, so that colour is never the only signal. Plain Python; the template draws it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# Marks in the DfE's band colours, each at least 4.5:1 against white.
BAND_COLOURS = {
    "well above average": "#005a30",
    "above average": "#00703c",
    "average": "#1d4f91",
    "below average": "#a63d00",
    "well below average": "#b10e1e",
}
NO_BAND_COLOUR = "#505a5f"
STEPS = (0.1, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0)


@dataclass(frozen=True)
class ChartRow:
    """One row: a heading (no figures) or a score with its interval and band."""

    label: str
    n: int = 0
    score: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    band: str | None = None
    band_label: str = ""
    small: bool = False
    heading: bool = False
    pupils: int | None = None  # everyone with the label, with or without a score

    @property
    def score_text(self) -> str:
        return signed(self.score)

    @property
    def low_text(self) -> str:
        return signed(self.ci_low)

    @property
    def high_text(self) -> str:
        return signed(self.ci_high)

    @property
    def band_class(self) -> str:
        return "band-" + (self.band or "none").replace(" ", "-")


@dataclass(frozen=True)
class PlacedRow:
    row: ChartRow
    y: float
    x: float | None
    x_low: float | None
    x_high: float | None
    colour: str
    value_text: str

    @property
    def text_y(self) -> float:
        return self.y + 4.5

    @property
    def cap_top(self) -> float:
        return self.y - 7

    @property
    def cap_bottom(self) -> float:
        return self.y + 7


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    """One drawing: a wide one shows each band in words; a compact one (phones) the score."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    zero_x: float
    rows: list[PlacedRow]
    ticks: list[Tick]
    bands: bool = True  # the band in words after each score (wide drawings)

    @property
    def label_x(self) -> int:
        return self.left - 14

    @property
    def value_x(self) -> int:
        return self.right + 14

    @property
    def tick_label_y(self) -> int:
        return self.top - 14

    @property
    def grid_top(self) -> int:
        return self.top - 6


def signed(value: float | None, places: int = 2) -> str:
    """A score as published: +0.31, −0.12 (a true minus sign), 0.00."""
    if value is None:
        return "–"
    text = f"{abs(value):.{places}f}"
    if text == f"{0:.{places}f}":
        return text
    return ("+" if value > 0 else "\u2212") + text


def axis_limit(rows: Sequence[ChartRow], minimum: float) -> tuple[float, float]:
    """The half-width of a symmetric axis that holds every interval, and its tick step."""
    extent = max(
        [abs(v) for r in rows for v in (r.ci_low, r.ci_high, r.score) if v is not None],
        default=minimum,
    )
    step = next((s for s in STEPS if math.ceil(max(extent, minimum) / s) <= 3), STEPS[-1])
    return max(math.ceil(max(extent, minimum) / step) * step, step), step


@dataclass(frozen=True)
class Charts:
    """The same chart for wide screens and for phones."""

    wide: Chart
    compact: Chart


def charts(rows: Sequence[ChartRow], *, minimum: float = 1.0) -> Charts:
    """A wide chart with bands in words and a compact one for narrow screens."""
    return Charts(
        wide=forest_plot(rows, minimum=minimum),
        compact=forest_plot(
            rows, minimum=minimum, width=420, label_width=175, value_width=56, bands=False
        ),
    )


def forest_plot(
    rows: Sequence[ChartRow],
    *,
    minimum: float = 1.0,
    width: int = 760,
    label_width: int = 220,
    value_width: int = 240,
    row_height: int = 34,
    bands: bool = True,
) -> Chart:
    """Place each row on a symmetric axis around 0 wide enough for every interval."""
    top, bottom = 40, 12
    left, right = label_width, width - value_width
    limit, step = axis_limit(rows, minimum)

    def x_of(value: float | None) -> float | None:
        if value is None:
            return None
        return round(left + (value + limit) / (2 * limit) * (right - left), 1)

    placed = []
    for i, row in enumerate(rows):
        colour = BAND_COLOURS.get(row.band or "", NO_BAND_COLOUR)
        value_text = signed(row.score)
        if bands:
            value_text = f"{value_text} · {row.band_label}"
        placed.append(
            PlacedRow(
                row=row,
                y=top + i * row_height + row_height / 2,
                x=x_of(row.score),
                x_low=x_of(row.ci_low),
                x_high=x_of(row.ci_high),
                colour=colour,
                value_text=value_text,
            )
        )
    count = round(limit / step)
    ticks = [
        Tick(x_of(k * step) or 0.0, signed(k * step, 2 if step < 0.5 else 1 if step < 1 else 0))
        for k in range(-count, count + 1)
    ]
    return Chart(
        width=width,
        height=top + len(rows) * row_height + bottom,
        left=left,
        right=right,
        top=top,
        bottom=top + len(rows) * row_height,
        zero_x=x_of(0.0) or 0.0,
        rows=placed,
        ticks=ticks,
        bands=bands,
    )
