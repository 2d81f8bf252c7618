"""How every dashboard percentage is computed and rounded: one rule for charts, tables and
exports. A pure kernel (no Django).

A share is kept exact (a Fraction of counts) until it is shown, and is rounded once, half up
("42.5%" shows as 43%, as a reader rounding by hand would), so a heatmap cell and the table
beside it can never disagree, and no figure is rounded twice (41.65 → 41.7 → 42).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

Number = Fraction | Decimal | int | float


def share(part: int, whole: int) -> Fraction | None:
    """part as an exact percentage of whole (None when there is nothing to divide by)."""
    return None if not whole else Fraction(100 * part, whole)


def round_half_up(value: Number, places: int = 0) -> Decimal:
    """value rounded to `places` decimals, halves away from zero, with no float error."""
    exact = Fraction(value) if not isinstance(value, Fraction) else value
    # floor(|value| × 10^places + 1/2), in integers: a dashboard rounds thousands of shares,
    # and Fraction's own arithmetic would reduce every intermediate by a gcd.
    numerator, denominator = exact.numerator, exact.denominator
    rounded = (2 * abs(numerator) * 10**places + denominator) // (2 * denominator)
    # Built from its digits, which is exact: arithmetic on a Decimal (scaleb, quantize) works
    # to the context's 28 digits and fails or rounds again on a larger figure.
    sign = 0 if numerator >= 0 else 1
    return Decimal((sign, tuple(int(digit) for digit in str(rounded)), -places))


def percent_number(value: Number | None, places: int = 1) -> float | None:
    """A percentage as a number for an export or a mean (one decimal unless told)."""
    return None if value is None else float(round_half_up(value, places))


def percent_text(value: Number | None, places: int = 0, suffix: str = "%") -> str:
    """A percentage as shown on a page or a chart: "43%", or "–" when there is none."""
    return "–" if value is None else f"{round_half_up(value, places)}{suffix}"
