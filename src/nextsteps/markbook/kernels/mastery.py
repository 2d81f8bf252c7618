"""The standing calculation kernel: a pupil's standing on an objective from judgement events.

A judgement is an event: a pupil showed an objective at a level (a value on the framework's
scale) at a time. The framework's calculation method turns a pupil's events into a standing.
Events are ordered by when the learning was shown, then when it was recorded, then by
sequence (e.g. the event id), then by value, so any input order gives the same answer.
Arithmetic is exact (`Fraction`); the result is rounded once, half up, to 2 decimal places.
See docs/calculation-methods.md for the teacher-facing description. No Django import here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

METHODS = (
    "latest",
    "highest",
    "mean",
    "weighted_average",
    "decaying_average",
    "n_mastery",
)
# Inclusive (lowest, highest) parameter for the methods that take one.
PARAMETER_RANGES: dict[str, tuple[int, int]] = {
    "weighted_average": (1, 99),
    "decaying_average": (50, 99),
    "n_mastery": (1, 10),
}
DEFAULT_PARAMETERS: dict[str, int | None] = {
    "latest": None,
    "highest": None,
    "mean": None,
    "weighted_average": 65,
    "decaying_average": 65,
    "n_mastery": 2,
}
_HALF = Fraction(1, 2)
_T = TypeVar("_T")
_HUNDRED = 100


@dataclass(frozen=True)
class Evidence:
    """One judgement event: `value` on the scale, shown at `shown_at`, recorded at `recorded_at`."""

    value: Decimal
    shown_at: datetime
    recorded_at: datetime
    sequence: int = 0  # breaks remaining ties stably, e.g. the event id


@dataclass(frozen=True)
class Result:
    """A standing: `value` (None = no standing yet), `mastered` and the `count` of events used."""

    value: Decimal | None
    mastered: bool | None
    count: int


def validate_parameter(method: str, parameter: int | None = None) -> int | None:
    """The effective parameter for `method`: the default when None, None for parameterless methods.

    A parameter given to a parameterless method (latest, highest, mean) is ignored, so a
    framework that switches method need not clear its stored parameter. Raises ValueError for
    an unknown method or a parameter that is not a whole number in the method's range.
    """
    if method not in METHODS:
        raise ValueError(
            f"Unknown calculation method {method!r}; expected one of: {', '.join(METHODS)}."
        )
    if method not in PARAMETER_RANGES:
        return None
    if parameter is None:
        return DEFAULT_PARAMETERS[method]
    low, high = PARAMETER_RANGES[method]
    whole = isinstance(parameter, int) and not isinstance(parameter, bool)
    if not whole or not low <= parameter <= high:
        raise ValueError(
            f"The {method} parameter must be a whole number from {low} to {high}; "
            f"got {parameter!r}."
        )
    return parameter


def standing(
    events: Iterable[Evidence],
    *,
    method: str,
    parameter: int | None = None,
    mastery_threshold: Decimal | None = None,
) -> Result:
    """A pupil's standing from their judgement events by `method`, rounded half up to 2 places.

    `mastered` is, for n_mastery, whether n results at or above the threshold exist; for the
    other methods, whether the rounded value is at or above `mastery_threshold` (None when no
    threshold is given or there is no standing yet). Raises ValueError for an unknown method,
    an out-of-range parameter, or n_mastery without a threshold.
    """
    effective = validate_parameter(method, parameter)
    if method == "n_mastery" and mastery_threshold is None:
        raise ValueError("The n_mastery method needs a mastery threshold.")
    values = [Fraction(event.value) for event in ordered(events)]
    if method == "n_mastery":
        return _n_mastery(values, _require(effective), Fraction(_require(mastery_threshold)))
    if not values:
        return Result(value=None, mastered=None, count=0)
    value = round_half_up(_calculate(method, values, effective))
    mastered = None if mastery_threshold is None else value >= mastery_threshold
    return Result(value=value, mastered=mastered, count=len(values))


def ordered(events: Iterable[Evidence]) -> list[Evidence]:
    """Events sorted by (shown_at, recorded_at, sequence, value): back-dated work sits in place."""
    return sorted(
        events, key=lambda event: (event.shown_at, event.recorded_at, event.sequence, event.value)
    )


def round_half_up(value: Fraction) -> Decimal:
    """`value` to 2 decimal places, halves away from zero: 4.125 → 4.13, −4.125 → −4.13."""
    hundredths = math.floor(abs(value) * _HUNDRED + _HALF)
    rounded = Decimal(f"{hundredths}E-2")
    return rounded.copy_negate() if value < 0 and hundredths else rounded


def latest(values: Sequence[Fraction]) -> Fraction:
    """The newest result: sₖ."""
    return values[-1]


def highest(values: Sequence[Fraction]) -> Fraction:
    """The best result: max(s₁ … sₖ)."""
    return max(values)


def mean(values: Sequence[Fraction]) -> Fraction:
    """The arithmetic mean: (s₁ + … + sₖ) ÷ k."""
    return sum(values, Fraction(0)) / len(values)


def weighted_average(values: Sequence[Fraction], weight: int) -> Fraction:
    """Newest × w% + mean of all earlier × (100 − w)%; a single result is its own value."""
    if len(values) == 1:
        return values[0]
    share = Fraction(weight, _HUNDRED)
    return values[-1] * share + mean(values[:-1]) * (1 - share)


def decaying_average(values: Sequence[Fraction], rate: int) -> Fraction:
    """Exponential decay: d₁ = s₁, then dₖ = dₖ₋₁ × (100 − r)% + sₖ × r%."""
    share = Fraction(rate, _HUNDRED)
    result = values[0]
    for value in values[1:]:
        result = result * (1 - share) + value * share
    return result


_SIMPLE: dict[str, Callable[[Sequence[Fraction]], Fraction]] = {
    "latest": latest,
    "highest": highest,
    "mean": mean,
}
_PARAMETRISED: dict[str, Callable[[Sequence[Fraction], int], Fraction]] = {
    "weighted_average": weighted_average,
    "decaying_average": decaying_average,
}


def _calculate(method: str, values: Sequence[Fraction], parameter: int | None) -> Fraction:
    """The exact, unrounded value of `method` over the ordered, non-empty `values`."""
    if method in _SIMPLE:
        return _SIMPLE[method](values)
    return _PARAMETRISED[method](values, _require(parameter))


def _n_mastery(values: Sequence[Fraction], n: int, threshold: Fraction) -> Result:
    """Keep results ≥ threshold; n or more kept → mastered, mean of those kept.

    Fewer than n kept → not yet mastered, and the value is the latest result so the teacher
    still sees where the pupil is (None when there are no events at all).
    """
    kept = [value for value in values if value >= threshold]
    if len(kept) >= n:
        return Result(value=round_half_up(mean(kept)), mastered=True, count=len(values))
    value = round_half_up(latest(values)) if values else None
    return Result(value=value, mastered=False, count=len(values))


def _require(value: _T | None) -> _T:
    """`value`, which the caller has already checked is present."""
    if value is None:
        raise ValueError("A required calculation setting is missing.")
    return value
