"""The dashboard charts (a pure kernel): labels that never overlap, names that fit, text that
is escaped."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from nextsteps.reports.kernels import charts


@given(st.lists(st.floats(min_value=0, max_value=200, allow_nan=False), min_size=1, max_size=8))
def test_spread_keeps_order_and_gap_within_bounds(wanted: list[float]) -> None:
    placed = charts.spread(wanted, gap=14, low=10, high=10 + 14 * 8)
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    ys = [placed[i] for i in order]
    assert all(b - a >= 14 - 1e-9 for a, b in zip(ys, ys[1:], strict=False))
    assert ys[-1] <= 10 + 14 * 8 + 1e-9


def test_spread_leaves_labels_that_do_not_collide_where_they_are() -> None:
    assert charts.spread([40.0, 100.0, 160.0], gap=14, low=10, high=200) == [40.0, 100.0, 160.0]


def test_long_point_names_wrap_onto_two_lines_and_are_cut_after_that() -> None:
    assert charts.wrap_label("Start of year baseline") == ["Start of year", "baseline"]
    assert charts.wrap_label("Half-term check") == ["Half-term check"]
    assert charts.wrap_label("Autumn assessment point for the whole school") == [
        "Autumn",
        "assessment poin…",
    ]


def test_trend_line_labels_are_at_least_a_line_apart() -> None:
    svg = charts.trend(
        title="Trend",
        points=["Start of year baseline", "Half-term check"],
        series=[
            charts.Series(name, [7.0, value])
            for name, value in (
                ("All subjects", 25.0),
                ("Reading", 27.0),
                ("Computing", 22.0),
                ("Science", 17.0),
                ("Writing", 14.0),
            )
        ],
    )
    label_ys = sorted(float(y) for y in re.findall(r'<text x="\d+" y="([\d.]+)" fill="#', svg))
    assert len(label_ys) == 5
    assert all(b - a >= 14 for a, b in zip(label_ys, label_ys[1:], strict=False))
    assert "<tspan" in svg and "baseline" in svg  # the long name wraps rather than being cut


def test_chart_text_is_escaped() -> None:
    svg = charts.heatmap(
        title="<b>", rows=["A & B"], columns=["<Year>"], values={("A & B", "<Year>"): 50.0}
    )
    assert "<b>" not in svg and "&lt;Year&gt;" in svg and "A &amp; B" in svg
