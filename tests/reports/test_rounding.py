"""The one rounding rule for dashboard percentages (reports/rounding.py), against reference
values and Decimal's own half-up rounding, and shared by the heatmap and the tables."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nextsteps.reports.kernels import charts
from nextsteps.reports.kernels.rounding import percent_number, percent_text, round_half_up, share
from nextsteps.reports.templatetags.report_figures import percent


def test_reference_values() -> None:
    assert percent_text(share(1, 8)) == "13%"  # 12.5: a half goes up, not to the even 12
    assert percent_text(share(5, 8)) == "63%"  # 62.5
    assert percent_text(share(1, 3)) == "33%"
    assert percent_text(share(0, 0)) == "–" and percent_text(None) == "–"
    assert percent_number(share(9, 21)) == 42.9
    assert percent_number(share(-1, 30)) == -3.3
    # Rounded once, from the exact share (41.65%): 42% whole, 41.7 to one place.
    assert percent_text(share(833, 2000)) == "42%" and percent_number(share(833, 2000)) == 41.7


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=10_000))
def test_matches_decimal_half_up_on_the_exact_share(part: int, whole: int) -> None:
    with localcontext() as context:
        context.prec = 60
        exact = Decimal(100 * part) / Decimal(whole)
        for places in (0, 1):
            expected = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            assert round_half_up(Fraction(100 * part, whole), places) == expected


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=1, max_value=500))
def test_heatmap_cell_and_table_cell_print_the_same(part: int, whole: int) -> None:
    value = share(min(part, whole), whole)
    svg = charts.heatmap(title="t", rows=["r"], columns=["c"], values={("r", "c"): value})
    assert f">{percent(value)}</text>" in svg


@given(
    st.fractions(max_denominator=10**9) | st.integers(-(10**6), 10**6).map(Fraction),
    st.integers(0, 3),
)
def test_rounding_in_integers_is_rounding_the_fraction(value: Fraction, places: int) -> None:
    scaled = abs(value) * 10**places
    expected = math.floor(scaled + Fraction(1, 2)) * (1 if value >= 0 else -1)
    rounded = round_half_up(value, places)
    # Compared as exact fractions: Decimal's own arithmetic stops at the context's 28 digits.
    assert Fraction(rounded) == Fraction(expected, 10**places)
    assert rounded.as_tuple().exponent == -places  # always shown with `places` decimals


@pytest.mark.parametrize("places", [0, 1, 3])
def test_a_figure_beyond_decimal_precision_is_rounded_exactly(places: int) -> None:
    # 26 digits before the point: more than Decimal's default 28-digit context with 3 places.
    huge = Fraction(11314373749813868272549887) + Fraction(1, 2 * 10**places)
    digits = "11314373749813868272549887" + ("." + "0" * (places - 1) + "1" if places else "")
    assert str(round_half_up(huge, places)) == (digits if places else "11314373749813868272549888")
