"""The standing calculation kernel: hand-worked cases and properties of every method."""

from __future__ import annotations

import ast
import inspect
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nextsteps.curriculum.kernels.spec import CALCULATION_METHODS
from nextsteps.markbook.kernels import mastery
from nextsteps.markbook.kernels.mastery import (
    DEFAULT_PARAMETERS,
    METHODS,
    PARAMETER_RANGES,
    Evidence,
    Result,
    standing,
    validate_parameter,
)

START = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)
CENT = Decimal("0.01")
# No example database: the tests leave no files behind in the working tree.
PROPERTY = settings(database=None, max_examples=200, deadline=None)


def day(n: int) -> datetime:
    return START + timedelta(days=n)


def scores(*values: str | int) -> list[Evidence]:
    """One event a day, recorded as it is shown."""
    return [Evidence(Decimal(str(v)), day(i), day(i), sequence=i) for i, v in enumerate(values)]


def value_of(events: list[Evidence], method: str, **options: object) -> Decimal | None:
    return standing(events, method=method, **options).value  # type: ignore[arg-type]


# --- Hand-worked: scores 1, 2, 3, 4, 5 shown on consecutive days -------------------------


ONE_TO_FIVE = scores(1, 2, 3, 4, 5)


def test_latest_is_the_most_recently_shown_result() -> None:
    assert value_of(ONE_TO_FIVE, "latest") == Decimal("5.00")


def test_highest_is_the_best_result() -> None:
    assert value_of(scores(2, 5, 1), "highest") == Decimal("5.00")


def test_mean_is_the_arithmetic_mean() -> None:
    assert value_of(ONE_TO_FIVE, "mean") == Decimal("3.00")


def test_weighted_average_weights_newest_against_mean_of_earlier() -> None:
    # 5 × 0.65 + mean(1, 2, 3, 4) × 0.35 = 3.25 + 2.5 × 0.35 = 3.25 + 0.875 = 4.125 → 4.13
    assert value_of(ONE_TO_FIVE, "weighted_average", parameter=65) == Decimal("4.13")


def test_weighted_average_of_a_single_result_is_that_result() -> None:
    assert value_of(scores(3), "weighted_average", parameter=10) == Decimal("3.00")


def test_decaying_average_decays_exponentially() -> None:
    # r = 65%: dₖ = dₖ₋₁ × 0.35 + sₖ × 0.65
    # d₁ = 1
    # d₂ = 1 × 0.35 + 2 × 0.65             = 0.35       + 1.30 = 1.65
    # d₃ = 1.65 × 0.35 + 3 × 0.65          = 0.5775     + 1.95 = 2.5275
    # d₄ = 2.5275 × 0.35 + 4 × 0.65        = 0.884625   + 2.60 = 3.484625
    # d₅ = 3.484625 × 0.35 + 5 × 0.65      = 1.21961875 + 3.25 = 4.46961875 → 4.47
    assert value_of(ONE_TO_FIVE, "decaying_average", parameter=65) == Decimal("4.47")


def test_decaying_average_at_fifty_percent_halves_the_past() -> None:
    # d₁ = 4, d₂ = 4 × 0.5 + 0 × 0.5 = 2, d₃ = 2 × 0.5 + 0 × 0.5 = 1
    assert value_of(scores(4, 0, 0), "decaying_average", parameter=50) == Decimal("1.00")


def test_n_mastery_means_the_results_at_or_above_the_threshold() -> None:
    result = standing(ONE_TO_FIVE, method="n_mastery", parameter=2, mastery_threshold=Decimal(3))
    # kept: 3, 4, 5 (three ≥ 3, and n = 2) → mean 4
    assert result == Result(value=Decimal("4.00"), mastered=True, count=5)


def test_n_mastery_with_fewer_than_n_kept_is_not_mastered_and_shows_the_latest() -> None:
    events = scores(4, 1, 2)
    result = standing(events, method="n_mastery", parameter=2, mastery_threshold=Decimal(3))
    assert result == Result(value=Decimal("2.00"), mastered=False, count=3)


def test_n_mastery_with_exactly_n_kept_is_mastered() -> None:
    result = standing(
        scores(3, 1, 3), method="n_mastery", parameter=2, mastery_threshold=Decimal(3)
    )
    assert result == Result(value=Decimal("3.00"), mastered=True, count=3)


def test_n_mastery_without_events_is_not_mastered_and_has_no_value() -> None:
    result = standing([], method="n_mastery", mastery_threshold=Decimal(3))
    assert result == Result(value=None, mastered=False, count=0)


def test_n_mastery_without_a_threshold_is_refused() -> None:
    with pytest.raises(ValueError, match="n_mastery.*threshold"):
        standing(ONE_TO_FIVE, method="n_mastery")


@pytest.mark.parametrize("method", [m for m in METHODS if m != "n_mastery"])
def test_other_methods_are_mastered_when_the_value_reaches_the_threshold(method: str) -> None:
    reached = standing(scores(3, 3), method=method, mastery_threshold=Decimal(3))
    short = standing(scores(2, 2), method=method, mastery_threshold=Decimal(3))
    assert (reached.mastered, short.mastered) == (True, False)


def test_mastered_is_none_without_a_threshold() -> None:
    assert standing(ONE_TO_FIVE, method="mean").mastered is None


def test_mastered_is_judged_on_the_rounded_value_the_teacher_sees() -> None:
    # mean(2.99, 3.00) = 2.995 → 3.00, which is at the threshold of 3
    result = standing(scores("2.99", "3.00"), method="mean", mastery_threshold=Decimal(3))
    assert (result.value, result.mastered) == (Decimal("3.00"), True)


# --- Ordering ----------------------------------------------------------------------------


def test_ties_in_shown_at_are_broken_by_recorded_at() -> None:
    later_record = Evidence(Decimal(2), day(0), day(5), sequence=1)
    earlier_record = Evidence(Decimal(4), day(0), day(1), sequence=2)
    assert value_of([later_record, earlier_record], "latest") == Decimal("2.00")


def test_ties_in_shown_and_recorded_at_are_broken_by_sequence() -> None:
    first = Evidence(Decimal(4), day(0), day(0), sequence=7)
    second = Evidence(Decimal(2), day(0), day(0), sequence=8)
    assert value_of([second, first], "latest") == Decimal("2.00")


def test_back_dated_event_is_placed_by_when_it_was_shown() -> None:
    recent = Evidence(Decimal(5), day(10), day(10), sequence=1)
    back_dated = Evidence(Decimal(1), day(2), day(20), sequence=2)  # recorded last, shown first
    assert value_of([recent, back_dated], "latest") == Decimal("5.00")
    # decaying r = 50: d₁ = 1, d₂ = 1 × 0.5 + 5 × 0.5 = 3
    assert value_of([recent, back_dated], "decaying_average", parameter=50) == Decimal("3.00")


def test_any_iterable_is_accepted_including_a_generator() -> None:
    result = standing((event for event in ONE_TO_FIVE), method="mean")
    assert result == Result(value=Decimal("3.00"), mastered=None, count=5)


# --- Empty input -------------------------------------------------------------------------


@pytest.mark.parametrize("method", [m for m in METHODS if m != "n_mastery"])
def test_no_events_give_no_standing(method: str) -> None:
    assert standing([], method=method, mastery_threshold=Decimal(3)) == Result(None, None, 0)


# --- Rounding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (("4.12", "4.13"), "4.13"),  # 4.125: half up, not banker's 4.12
        (("1.00", "1.01"), "1.01"),  # 1.005
        (("2.67", "2.68"), "2.68"),  # 2.675, the classic binary float trap
        (("0.00", "0.01"), "0.01"),  # 0.005
        (("1", "1", "2"), "1.33"),  # 4/3 = 1.333…, exact not float
        (("1", "2", "2"), "1.67"),  # 5/3 = 1.666…
        (("-4.12", "-4.13"), "-4.13"),  # halves go away from zero
    ],
)
def test_mean_rounds_half_up_to_two_places(values: tuple[str, ...], expected: str) -> None:
    assert str(value_of(scores(*values), "mean")) == expected


def test_a_single_three_place_value_rounds_half_up() -> None:
    assert value_of(scores("4.125"), "latest") == Decimal("4.13")


def test_results_always_carry_two_decimal_places() -> None:
    assert str(value_of(scores(0), "latest")) == "0.00"


def test_rounding_happens_once_at_the_end() -> None:
    # w = 50 on 0, 0.01, 0.01, 0: earlier mean = 0.02 / 3 = 0.00666…
    # exact: 0 × 0.5 + 0.00666… × 0.5 = 0.00333… → 0.00
    # (rounding the earlier mean first would give 0.01 × 0.5 = 0.005 → 0.01)
    events = scores("0", "0.01", "0.01", "0")
    assert value_of(events, "weighted_average", parameter=50) == Decimal("0.00")


# --- Parameters --------------------------------------------------------------------------


def test_methods_match_the_curriculum_framework_methods() -> None:
    assert METHODS == CALCULATION_METHODS


def test_default_parameters_are_documented_values() -> None:
    assert DEFAULT_PARAMETERS == {
        "latest": None,
        "highest": None,
        "mean": None,
        "weighted_average": 65,
        "decaying_average": 65,
        "n_mastery": 2,
    }


@pytest.mark.parametrize("method", ["weighted_average", "decaying_average", "n_mastery"])
def test_missing_parameter_takes_the_default(method: str) -> None:
    assert validate_parameter(method, None) == DEFAULT_PARAMETERS[method]


@pytest.mark.parametrize("method", ["latest", "highest", "mean"])
def test_parameterless_methods_ignore_a_stored_parameter(method: str) -> None:
    assert validate_parameter(method, 65) is None


@pytest.mark.parametrize(
    ("method", "parameter"),
    [
        ("weighted_average", 1),
        ("weighted_average", 99),
        ("decaying_average", 50),
        ("decaying_average", 99),
        ("n_mastery", 1),
        ("n_mastery", 10),
    ],
)
def test_parameters_at_the_ends_of_the_range_are_accepted(method: str, parameter: int) -> None:
    assert validate_parameter(method, parameter) == parameter


@pytest.mark.parametrize(
    ("method", "parameter", "message"),
    [
        ("weighted_average", 0, "weighted_average.*1 to 99"),
        ("weighted_average", 100, "weighted_average.*1 to 99"),
        ("decaying_average", 49, "decaying_average.*50 to 99"),
        ("decaying_average", 100, "decaying_average.*50 to 99"),
        ("n_mastery", 0, "n_mastery.*1 to 10"),
        ("n_mastery", 11, "n_mastery.*1 to 10"),
        ("n_mastery", True, "n_mastery.*1 to 10"),
        ("decaying_average", 65.0, "decaying_average.*50 to 99"),
        ("decaying_average", "65", "decaying_average.*50 to 99"),
    ],
)
def test_out_of_range_or_non_whole_parameters_are_refused(
    method: str, parameter: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        validate_parameter(method, parameter)  # type: ignore[arg-type]


def test_unknown_method_is_refused_with_the_allowed_methods() -> None:
    with pytest.raises(ValueError, match="'median'.*latest, highest, mean"):
        standing(ONE_TO_FIVE, method="median")


def test_bad_parameter_is_refused_even_without_events() -> None:
    with pytest.raises(ValueError, match="decaying_average"):
        standing([], method="decaying_average", parameter=100)


def test_parameter_ranges_cover_exactly_the_parametrised_methods() -> None:
    parametrised = {m for m, default in DEFAULT_PARAMETERS.items() if default is not None}
    assert set(PARAMETER_RANGES) == parametrised


def test_kernel_imports_nothing_from_django() -> None:
    tree = ast.parse(inspect.getsource(mastery))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.split(".")[0] == "django" for name in imported)


# --- Properties --------------------------------------------------------------------------


values_st = st.decimals(
    min_value=Decimal(0), max_value=Decimal(10), places=2, allow_nan=False, allow_infinity=False
)
# A few days only, so that ties in shown_at and recorded_at are common.
moments_st = st.integers(min_value=0, max_value=3).map(day)
evidence_st = st.builds(
    Evidence,
    value=values_st,
    shown_at=moments_st,
    recorded_at=moments_st,
    sequence=st.integers(min_value=0, max_value=3),
)
events_st = st.lists(evidence_st, min_size=1, max_size=12)


@st.composite
def method_and_options(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    method = draw(st.sampled_from(METHODS))
    options: dict[str, object] = {"mastery_threshold": draw(values_st)}
    if method in PARAMETER_RANGES:
        low, high = PARAMETER_RANGES[method]
        options["parameter"] = draw(st.integers(min_value=low, max_value=high))
    return method, options


def calculate(events: list[Evidence], method: str, options: dict[str, object]) -> Result:
    return standing(events, method=method, **options)  # type: ignore[arg-type]


def by_order(events: list[Evidence]) -> list[Evidence]:
    return sorted(events, key=lambda e: (e.shown_at, e.recorded_at, e.sequence))


@PROPERTY
@given(events=events_st, choice=method_and_options())
def test_every_method_lies_between_the_lowest_and_highest_result(
    events: list[Evidence], choice: tuple[str, dict[str, object]]
) -> None:
    method, options = choice
    result = calculate(events, method, options)
    values = [e.value for e in events]
    assert result.value is not None
    assert min(values) <= result.value <= max(values)
    assert result.count == len(events)


@PROPERTY
@given(events=events_st, choice=method_and_options())
def test_every_result_has_exactly_two_decimal_places(
    events: list[Evidence], choice: tuple[str, dict[str, object]]
) -> None:
    method, options = choice
    value = calculate(events, method, options).value
    assert value is not None
    assert value.as_tuple().exponent == -2


@PROPERTY
@given(events=st.lists(evidence_st, min_size=1, max_size=12, unique_by=lambda e: e.sequence))
def test_latest_is_the_last_event_by_order(events: list[Evidence]) -> None:
    assert value_of(events, "latest") == by_order(events)[-1].value.quantize(CENT)


@PROPERTY
@given(data=st.data(), events=events_st, choice=method_and_options())
def test_input_order_does_not_matter(
    data: st.DataObject, events: list[Evidence], choice: tuple[str, dict[str, object]]
) -> None:
    method, options = choice
    shuffled = data.draw(st.permutations(events))
    assert calculate(shuffled, method, options) == calculate(events, method, options)


@PROPERTY
@given(
    data=st.data(),
    values=st.lists(values_st, min_size=2, max_size=8),
    choice=method_and_options(),
)
def test_equal_times_are_ordered_by_sequence_whatever_the_input_order(
    data: st.DataObject, values: list[Decimal], choice: tuple[str, dict[str, object]]
) -> None:
    method, options = choice
    events = [Evidence(v, START, START, sequence=i) for i, v in enumerate(values)]
    shuffled = data.draw(st.permutations(events))
    assert calculate(shuffled, method, options) == calculate(events, method, options)
    assert value_of(shuffled, "latest") == values[-1].quantize(CENT)


@PROPERTY
@given(events=events_st)
def test_mean_equals_sum_over_count_rounded_half_up(events: list[Evidence]) -> None:
    with localcontext() as context:
        context.prec = 50
        expected = (sum((e.value for e in events), Decimal(0)) / len(events)).quantize(
            CENT, ROUND_HALF_UP
        )
    assert value_of(events, "mean") == expected


@PROPERTY
@given(events=events_st)
def test_highest_equals_the_maximum_result(events: list[Evidence]) -> None:
    assert value_of(events, "highest") == max(e.value for e in events).quantize(CENT)


@PROPERTY
@given(rate=st.integers().filter(lambda r: not 50 <= r <= 99))
def test_decaying_average_refuses_rates_outside_fifty_to_ninety_nine(rate: int) -> None:
    # r = 100 would discard all history (equivalent to latest), so it is not allowed.
    with pytest.raises(ValueError, match="decaying_average"):
        standing(ONE_TO_FIVE, method="decaying_average", parameter=rate)


@PROPERTY
@given(
    values=st.lists(values_st, min_size=1, max_size=10),
    n=st.integers(min_value=1, max_value=10),
    threshold=values_st,
)
def test_n_mastery_is_mastered_exactly_when_n_results_reach_the_threshold(
    values: list[Decimal], n: int, threshold: Decimal
) -> None:
    events = [Evidence(v, day(i), day(i), sequence=i) for i, v in enumerate(values)]
    result = standing(events, method="n_mastery", parameter=n, mastery_threshold=threshold)
    assert result.mastered == (sum(v >= threshold for v in values) >= n)
