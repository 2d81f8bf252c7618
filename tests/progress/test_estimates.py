"""Estimates from a reference population: group means, SDs and the DfE cap."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nextsteps.progress.kernels import report
from nextsteps.progress.kernels.estimates import (
    group_means,
    group_sd,
    measure_spread,
    population_estimates,
    sample_sd,
    z_limit,
)
from nextsteps.progress.kernels.measures import progress8
from nextsteps.progress.kernels.tables import (
    DATA_DIR,
    read_caps,
    read_national_sd,
    read_p8_estimates,
)
from tests.progress.progress_helpers import floats, hand_table, write


def population(averages: list[float], a8: list[float]) -> dict[str, np.ndarray]:
    """Attainment with every element a fixed share of Attainment 8."""
    points = floats(*a8)
    return {
        "attainment8": points,
        "english": points * 0.2,
        "maths": points * 0.2,
        "ebacc": points * 0.3,
        "open": points * 0.3,
    }


def test_estimate_is_the_groups_mean_attainment8() -> None:
    table = hand_table()
    averages = floats(85, 88, 95, 96, 99)
    result = population_estimates(averages, population([], [18, 22, 40, 41, 45]), *bands(table))

    assert result.table.values["attainment8"][:2].tolist() == [20, 42]
    assert result.counts.tolist() == [2, 3, 0]


def test_estimate_is_rounded_half_up_to_two_places() -> None:
    # Mean of 40, 40 and 40.015 is 40.005 exactly: 40.01, not 40.0.
    means = group_means(floats(40, 40, 40.015), np.array([0, 0, 0]), np.array([3]))

    assert means.tolist() == [40.01]


def test_group_with_no_pupils_has_no_estimate() -> None:
    means = group_means(floats(30), np.array([0]), np.array([1, 0]))

    assert means[0] == 30
    assert math.isnan(means[1])


def test_group_sd_is_the_sample_sd_to_six_places() -> None:
    means, sd = group_sd(floats(1, 3, 5), np.array([0, 0, 1]), np.array([2, 1]))

    assert means[0] == 2
    assert sd[0] == 1.414214  # √2 with n − 1
    assert math.isnan(sd[1])  # one pupil has no spread


def test_z_limit_is_the_z_of_the_pupil_at_the_first_percentile() -> None:
    # 200 pupils: the 1st percentile is the 2nd lowest z-score.
    z = floats(-3, -2.5, *([0.0] * 198))

    assert z_limit(z) == -2.5


def test_z_limit_is_rounded_to_ten_places() -> None:
    z = floats(-3, -2.12345678901234, *([0.0] * 198))

    assert z_limit(z) == -2.123456789


def test_fewer_than_a_hundred_pupils_are_never_capped() -> None:
    assert z_limit(floats(-9, *([0.0] * 98))) is None


def test_pupil_below_the_z_limit_gets_the_group_sd_times_the_limit() -> None:
    # One group of 200: one very low score, one low, the rest spread −1 … +1.
    scores = floats(-12, -6, *np.linspace(-1, 1, 198))
    index = np.zeros(200, dtype=np.int64)
    spread = measure_spread(scores, index, np.array([200]))

    _, sd = group_sd(scores, index, np.array([200]))
    z = (scores - scores.mean()) / sd[0]
    assert spread.z_limit == round(float(np.sort(z)[1]), 10)
    assert spread.floors[0] == sd[0] * spread.z_limit
    capped = z < spread.z_limit
    assert capped[0]  # the lowest pupil, and any other whose z falls below the limit
    assert spread.capped == capped.sum()
    adjusted = np.where(capped, spread.floors[0], scores)
    assert spread.national_sd == sample_sd(adjusted)


def test_national_sd_is_of_the_capped_scores() -> None:
    scores = floats(-12, -6, *np.linspace(-1, 1, 198))
    spread = measure_spread(scores, np.zeros(200, dtype=np.int64), np.array([200]))

    assert spread.national_sd < sample_sd(scores)


def bands(table):
    return table.bands, table.pags


def test_estimates_files_read_back_as_progress8_inputs(tmp_path: Path) -> None:
    table = hand_table()
    rng = np.random.default_rng(7)
    averages = rng.choice(floats(85, 95, 105), size=300)
    a8 = np.round(rng.uniform(10, 80, size=300), 2)
    result = population_estimates(averages, population([], list(a8)), *bands(table))

    estimates = read_p8_estimates(write(tmp_path, "e.csv", report.estimates_csv(result)))
    national_sd = read_national_sd(write(tmp_path, "s.csv", report.sd_csv(result)))
    floors = read_caps(write(tmp_path, "c.csv", report.caps_csv(result)), estimates.pags)

    for column, values in result.table.values.items():
        assert estimates.values[column].tolist() == values.tolist()
    assert national_sd == result.national_sd
    assert np.allclose(floors["progress8"], result.floors["progress8"], atol=1e-6)


def test_population_scored_against_its_own_estimates_averages_about_zero() -> None:
    table = hand_table()
    rng = np.random.default_rng(11)
    averages = rng.choice(floats(85, 95, 105), size=1000)
    a8 = np.round(rng.uniform(10, 80, size=1000), 2)
    attainment = population([], list(a8))
    result = population_estimates(averages, attainment, *bands(table))

    scored = progress8(averages, attainment, result.table)
    mean = scored.scores["progress8"].values()[scored.included].mean()
    assert abs(mean) < 0.001  # only the 2 dp rounding of the estimates remains


def test_the_dfe_2024_bands_can_be_reused() -> None:
    dfe = read_p8_estimates(DATA_DIR / "progress8_estimates_2024.csv")
    result = population_estimates(floats(104.5), population([], [50]), dfe.bands, dfe.pags)

    assert result.table.values["attainment8"][18] == 50  # PAG 19
    assert result.counts.sum() == 1


cents = st.integers(0, 9000)


@settings(max_examples=50)
@given(st.lists(st.tuples(st.sampled_from([85.0, 95.0, 105.0]), cents), min_size=1))
def test_estimates_match_exact_decimal_means(pupils: list[tuple[float, int]]) -> None:
    averages = floats(*(average for average, _ in pupils))
    a8 = [points / 100 for _, points in pupils]
    result = population_estimates(averages, population([], a8), *bands(hand_table()))

    for group, average in enumerate((85.0, 95.0, 105.0)):
        members = [Decimal(points) / 100 for a, points in pupils if a == average]
        estimate = result.table.values["attainment8"][group]
        if not members:
            assert math.isnan(estimate)
            continue
        exact = (sum(members) / len(members)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert estimate == float(exact)
