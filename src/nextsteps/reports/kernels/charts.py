"""Server-rendered, accessible SVG charts: a heatmap, trend lines and a distribution.

Pure kernels (no Django): each returns SVG markup built from escaped text, with a <title>
and <desc>, so it renders without a network, in the browser and in WeasyPrint PDFs alike.
Colour is never the only signal: every heatmap cell prints its number, every line ends in
its label. The pages show the same figures as a data table beside each chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from nextsteps.reports.kernels.rounding import Number, percent_text

# A colour-blind-safe sequential ramp (light to dark blue), one step per 20 percentage points.
RAMP = ("#f1f5fb", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
LINE_COLOURS = ("#08519c", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e")


def ramp(percent: Number | None) -> str:
    if percent is None:
        return "#ffffff"
    return RAMP[min(len(RAMP) - 1, max(0, int(percent // 20) + (1 if percent > 0 else 0)))]


def ink(percent: Number | None) -> str:
    """Text colour readable on the ramp colour behind it."""
    return "#ffffff" if percent is not None and percent >= 60 else "#1a1a1a"


def _svg(width: int, height: int, title: str, desc: str, body: list[str], kind: str = "") -> str:
    """The chart at its natural size (pages let it shrink to fit, down to a readable minimum
    for the wide kinds, then scroll); `kind` names it for the stylesheet."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'class="report-chart chart-{kind or "plain"}" '
        f'font-family="sans-serif" font-size="12">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>" + "".join(body) + "</svg>"
    )


def heatmap(
    *,
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    values: dict[tuple[str, str], Number | None],
    suffix: str = "%",
) -> str:
    """A grid of percentages: rows × columns, each cell shaded and labelled with its value,
    rounded by rounding.percent_text (the same function the tables beside it use)."""
    # Room for the longest row label (about 7 units a character), within reason.
    label_w = min(230, max(90, 7 * max((len(r) for r in rows), default=0) + 16))
    # Columns wide enough for their bold headings ("Mathematics"), at least 64.
    cell_w = max(64, round(7.5 * max((len(c) for c in columns), default=0)) + 8)
    cell_h, head_h = 30, 26
    width = label_w + cell_w * max(1, len(columns)) + 4
    height = head_h + cell_h * max(1, len(rows)) + 4
    body: list[str] = []
    for j, column in enumerate(columns):
        x = label_w + j * cell_w + cell_w / 2
        body.append(
            f'<text x="{x:.0f}" y="17" text-anchor="middle" '
            f'font-weight="bold">{escape(column)}</text>'
        )
    for i, row in enumerate(rows):
        y = head_h + i * cell_h
        body.append(
            f'<text x="{label_w - 8}" y="{y + 20}" text-anchor="end">{escape(row[:31])}</text>'
        )
        for j, column in enumerate(columns):
            value = values.get((row, column))
            x = label_w + j * cell_w
            body.append(
                f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" '
                f'fill="{ramp(value)}" stroke="#8a8a8a" stroke-width="0.5"/>'
            )
            text = percent_text(value, suffix=suffix)
            body.append(
                f'<text x="{x + cell_w / 2:.0f}" y="{y + 20}" text-anchor="middle" '
                f'fill="{ink(value)}">{escape(text)}</text>'
            )
    desc = f"{len(rows)} rows by {len(columns)} columns; the table below gives every value."
    return _svg(width, height, title, desc, body, kind="heatmap")


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]


def trend(*, title: str, points: Sequence[str], series: Sequence[Series], top: float = 100) -> str:
    """Lines across assessment points (0–top on the y axis), each labelled at its last value.

    End labels that would overlap are spread apart (keeping their order), and long point names
    wrap onto two lines, the first and last anchored inside the chart.
    """
    left, right, upper, lower = 40, 150, 14, 44
    plot_w, plot_h = max(240, 150 * max(1, len(points) - 1)), 180
    width, height = left + plot_w + right, upper + plot_h + lower
    step = plot_w / max(1, len(points) - 1)

    def y_of(value: float) -> float:
        return upper + plot_h - plot_h * value / top

    def x_of(k: int) -> float:
        return left + (k * step if len(points) > 1 else plot_w / 2)

    body: list[str] = []
    for tick in range(0, 101, 25):
        value = top * tick / 100
        y = y_of(value)
        body.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dddddd"/>'
        )
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value:.0f}</text>')
    for k, name in enumerate(points):
        anchor = "middle"
        if len(points) > 1 and k == 0:
            anchor = "start"
        elif len(points) > 1 and k == len(points) - 1:
            anchor = "end"
        lines = "".join(
            f'<tspan x="{x_of(k):.1f}" dy="{0 if n == 0 else 14}">{escape(part)}</tspan>'
            for n, part in enumerate(wrap_label(name))
        )
        body.append(
            f'<text x="{x_of(k):.1f}" y="{upper + plot_h + 18}" '
            f'text-anchor="{anchor}">{lines}</text>'
        )
    ends: list[tuple[float, str, str]] = []
    for n, line in enumerate(series):
        colour = LINE_COLOURS[n % len(LINE_COLOURS)]
        coords = [(x_of(k), y_of(v)) for k, v in enumerate(line.values) if v is not None]
        if not coords:
            continue
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for x, y in coords:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
        ends.append((coords[-1][1] + 4, colour, line.label[:20]))
    label_x = left + plot_w + 10
    for y, (_wanted, colour, label) in zip(
        spread([e[0] for e in ends], gap=14, low=upper + 10, high=upper + plot_h + 4),
        ends,
        strict=True,
    ):
        body.append(f'<text x="{label_x}" y="{y:.1f}" fill="{colour}">{escape(label)}</text>')
    desc = (
        f"{len(series)} lines across {len(points)} assessment points; "
        "the table below gives every value."
    )
    return _svg(width, height, title, desc, body)


def wrap_label(text: str, width: int = 16) -> list[str]:
    """At most two lines of about `width` characters, broken between words."""
    words, lines = text.split(), [""]
    for word in words:
        candidate = f"{lines[-1]} {word}".strip()
        if len(candidate) <= width or not lines[-1]:
            lines[-1] = candidate
        elif len(lines) == 1:
            lines.append(word)
        else:
            lines[-1] = candidate
    return [line if len(line) <= width else line[: width - 1] + "…" for line in lines]


def spread(wanted: Sequence[float], *, gap: float, low: float, high: float) -> list[float]:
    """Positions as near as possible to `wanted`, at least `gap` apart and within low–high,
    keeping their order (used so that line labels never sit on top of each other)."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed: list[float] = []
    for i in order:
        y = max(wanted[i], low)
        if placed and y < placed[-1] + gap:
            y = placed[-1] + gap
        placed.append(y)
    overflow = (placed[-1] - high) if placed else 0
    if overflow > 0:  # pushed past the bottom: slide the crowded run back up
        placed[-1] -= overflow
        for k in range(len(placed) - 2, -1, -1):
            placed[k] = min(placed[k], placed[k + 1] - gap)
    result = [0.0] * len(wanted)
    for i, y in zip(order, placed, strict=True):
        result[i] = y
    return result


def distribution(*, title: str, labels: Sequence[str], counts: Sequence[int]) -> str:
    """A column chart of how many pupils fall in each band, each column labelled with its count."""
    left, upper, lower, col_w = 30, 16, 30, 56
    plot_h = 140
    width, height = left + col_w * max(1, len(labels)) + 10, upper + plot_h + lower
    top = max([1, *counts])
    body = [
        f'<line x1="{left}" x2="{width - 10}" y1="{upper + plot_h}" y2="{upper + plot_h}" '
        f'stroke="#8a8a8a"/>'
    ]
    for k, (label, count) in enumerate(zip(labels, counts, strict=True)):
        h = plot_h * count / top
        x = left + k * col_w
        body.append(
            f'<rect x="{x + 6}" y="{upper + plot_h - h:.1f}" width="{col_w - 12}" '
            f'height="{h:.1f}" fill="{RAMP[4]}"/>'
        )
        body.append(
            f'<text x="{x + col_w / 2:.0f}" y="{upper + plot_h - h - 4:.1f}" '
            f'text-anchor="middle">{count}</text>'
        )
        body.append(
            f'<text x="{x + col_w / 2:.0f}" y="{upper + plot_h + 18}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    desc = f"Counts in {len(labels)} bands; the table below gives every value."
    return _svg(width, height, title, desc, body)


def band_of(percent: float) -> int:
    """Which of five 20-point bands a percentage falls in (100 goes in the top band)."""
    return min(4, int(percent // 20))


BAND_LABELS = ("0–19%", "20–39%", "40–59%", "60–79%", "80–100%")


def stacked_bars(
    *, title: str, rows: Sequence[tuple[str, Sequence[int]]], parts: Sequence[str]
) -> str:
    """One horizontal bar per row split into parts (e.g. secure / working towards / not yet),
    each segment printed with its count, with a legend naming the parts."""
    colours = (RAMP[5], RAMP[2], "#ffffff")
    label_w, bar_w, bar_h, gap = 130, 360, 22, 10
    legend_h = 24
    width = label_w + bar_w + 10
    height = legend_h + (bar_h + gap) * max(1, len(rows))
    body: list[str] = []
    x = label_w
    for k, part in enumerate(parts):
        body.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{colours[k % 3]}" '
            f'stroke="#555555" stroke-width="0.5"/>'
        )
        body.append(f'<text x="{x + 16}" y="14">{escape(part)}</text>')
        x += 16 + 8 * len(part) + 14
    for i, (label, counts) in enumerate(rows):
        y = legend_h + i * (bar_h + gap)
        total = sum(counts) or 1
        body.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{escape(label[:18])}</text>'
        )
        x_at = float(label_w)
        for k, count in enumerate(counts):
            w = bar_w * count / total
            if w <= 0:
                continue
            colour = colours[k % 3]
            body.append(
                f'<rect x="{x_at:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}" '
                f'stroke="#555555" stroke-width="0.5"/>'
            )
            if w >= 18:
                fill = "#ffffff" if k == 0 else "#1a1a1a"
                body.append(
                    f'<text x="{x_at + w / 2:.1f}" y="{y + 15}" text-anchor="middle" '
                    f'fill="{fill}">{count}</text>'
                )
            x_at += w
    desc = f"{len(rows)} bars split into {', '.join(parts)}; the table gives every count."
    return _svg(width, height, title, desc, body)
