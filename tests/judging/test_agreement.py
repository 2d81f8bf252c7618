"""Agreement statistics against scikit-learn and the krippendorff package, and by hand."""

from __future__ import annotations

import math
import warnings

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from nextsteps.judging.kernels.agreement import (
    RaterSummary,
    exact_agreement,
    krippendorff_alpha_ordinal,
    quadratic_weighted_kappa,
    rater_generosity,
    within_one_agreement,
)

levels = st.integers(1, 5)


def sklearn_kappa(a: list[int], b: list[int], labels: list[int] | None = None) -> float:
    with warnings.catch_warnings():
        # scikit-learn warns (and answers NaN) where kappa is undefined; we answer NaN quietly.
        warnings.simplefilter("ignore")
        return float(cohen_kappa_score(a, b, labels=labels, weights="quadratic"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(levels, levels), min_size=1, max_size=60))
def test_quadratic_kappa_matches_scikit_learn(pairs) -> None:
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    ours, theirs = quadratic_weighted_kappa(a, b), sklearn_kappa(a, b)
    assert (math.isnan(ours) and math.isnan(theirs)) or ours == pytest.approx(theirs, abs=1e-12)


def test_quadratic_kappa_with_levels_matches_scikit_learn_labels() -> None:
    a = [1, 2, 2, 4, 4, 1]
    b = [1, 2, 4, 4, 2, 2]
    assert quadratic_weighted_kappa(a, b, levels=[1, 2, 3, 4]) == pytest.approx(
        sklearn_kappa(a, b, labels=[1, 2, 3, 4]), abs=1e-12
    )
    with pytest.raises(ValueError, match="not one of the levels"):
        quadratic_weighted_kappa(a, b, levels=[1, 2, 3])


def test_kappa_is_one_for_identical_ratings_and_undefined_for_a_single_level() -> None:
    assert quadratic_weighted_kappa([1, 2, 3], [1, 2, 3]) == pytest.approx(1.0)
    assert math.isnan(quadratic_weighted_kappa([2, 2], [2, 2]))


@st.composite
def reliability_tables(draw: st.DrawFn) -> np.ndarray:
    raters = draw(st.integers(2, 5))
    items = draw(st.integers(2, 20))
    cells = draw(
        st.lists(st.one_of(levels, st.none()), min_size=raters * items, max_size=raters * items)
    )
    table = np.array([np.nan if c is None else c for c in cells], dtype=float)
    return table.reshape(raters, items)


@settings(max_examples=200, deadline=None)
@given(reliability_tables())
def test_ordinal_alpha_matches_the_krippendorff_package(table) -> None:
    try:
        # The package divides 0 by 0 (and warns) where alpha is undefined; we answer NaN quietly.
        with np.errstate(invalid="ignore", divide="ignore"):
            theirs = krippendorff.alpha(reliability_data=table, level_of_measurement="ordinal")
    except ValueError:
        with pytest.raises(ValueError):
            krippendorff_alpha_ordinal(table)
        return
    ours = krippendorff_alpha_ordinal(table)
    assert (math.isnan(ours) and math.isnan(theirs)) or ours == pytest.approx(theirs, abs=1e-12)


def test_ordinal_alpha_matches_krippendorffs_own_worked_example() -> None:
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the example with
    # 4 observers, 12 units and missing values (the package's doctest data).
    table = [
        [np.nan, np.nan, np.nan, np.nan, np.nan, 3, 4, 1, 2, 1, 1, 3, 3, np.nan, 3],
        [1, np.nan, 2, 1, 3, 3, 4, 3, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan],
        [np.nan, np.nan, 2, 1, 3, 4, 4, np.nan, 2, 1, 1, 3, 3, np.nan, 4],
    ]
    theirs = krippendorff.alpha(reliability_data=table, level_of_measurement="ordinal")
    assert krippendorff_alpha_ordinal(table) == pytest.approx(theirs, abs=1e-12)
    assert krippendorff_alpha_ordinal(table, levels=[1, 2, 3, 4, 5]) == pytest.approx(
        krippendorff.alpha(table, value_domain=[1, 2, 3, 4, 5], level_of_measurement="ordinal")
    )


def test_alpha_refuses_data_without_an_item_rated_twice() -> None:
    with pytest.raises(ValueError, match="two raters"):
        krippendorff_alpha_ordinal([[1, np.nan], [np.nan, 2]])


def test_exact_and_within_one_agreement_count_items_both_rated() -> None:
    a = [1, 2, 3, 4, None, 2]
    b = [1, 3, 1, 4, 2, float("nan")]
    assert exact_agreement(a, b) == pytest.approx(2 / 4)
    assert within_one_agreement(a, b) == pytest.approx(3 / 4)
    with pytest.raises(ValueError, match="same items"):
        exact_agreement([1], [1, 2])
    with pytest.raises(ValueError, match="both"):
        exact_agreement([None], [1])


def test_generosity_is_the_mean_signed_difference_from_the_agreed_level() -> None:
    agreed = {"s1": 2, "s2": 3, "s3": 1}
    ratings = [
        ("Ms Patel", "s1", 3),
        ("Ms Patel", "s2", 4),
        ("Ms Patel", "s3", 1),
        ("Mr Jones", "s1", 1),
        ("Mr Jones", "s2", 3),
        ("Mr Jones", "unmoderated", 4),
    ]
    summaries = rater_generosity(ratings, agreed)
    assert summaries == [
        RaterSummary("Mr Jones", 2, -0.5, 0.5, 0.5),
        RaterSummary(
            "Ms Patel", 3, pytest.approx(2 / 3), pytest.approx(2 / 3), pytest.approx(1 / 3)
        ),
    ]
