"""Progress 8 for pupils and schools: hand-worked examples for each DfE rule."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nextsteps.progress.kernels.measures import (
    SCALE,
    Bands,
    Grouping,
    Scores,
    apply_floor,
    band_index,
    ks2_average,
    prior_attainment_band,
    progress8,
    progress_band,
    round_half_up,
    summarise,
    summarise_groups,
)
from nextsteps.progress.kernels.tables import DATA_DIR, read_national_sd, read_p8_estimates
from tests.progress.progress_helpers import floats, hand_table


def attainment(a8: list[float], en=None, ma=None, eb=None, op=None) -> dict[str, np.ndarray]:
    """Attainment columns; elements default to a quarter-ish split that is not used."""
    count = len(a8)
    zeros = [0.0] * count
    return {
        "attainment8": floats(*a8),
        "english": floats(*(en or zeros)),
        "maths": floats(*(ma or zeros)),
        "ebacc": floats(*(eb or zeros)),
        "open": floats(*(op or zeros)),
    }


# --- prior attainment -------------------------------------------------------------------


def test_ks2_average_is_the_mean_of_reading_and_maths() -> None:
    assert ks2_average(floats(104), floats(99))[0] == 101.5


def test_pupil_with_one_ks2_subject_uses_that_subject_alone() -> None:
    average = ks2_average(floats(np.nan, 97), floats(108, np.nan))

    assert list(average) == [108, 97]


def test_pupil_with_no_ks2_result_has_no_prior_attainment() -> None:
    assert math.isnan(ks2_average(floats(np.nan), floats(np.nan))[0])


def test_pag_includes_its_upper_bound_and_excludes_its_lower_bound() -> None:
    table = read_p8_estimates(DATA_DIR / "progress8_estimates_2024.csv")
    index = band_index(floats(82, 82.5, 86, 86.5, 87.5, 120, 70), table.bands)

    assert list(table.pags[index]) == [1, 2, 2, 3, 3, 34, 1]


def test_value_beyond_the_last_band_has_no_pag() -> None:
    table = read_p8_estimates(DATA_DIR / "progress8_estimates_2024.csv")

    assert band_index(floats(120.5, np.nan), table.bands).tolist() == [-1, -1]


@given(st.lists(st.floats(60, 125), max_size=30))
def test_band_index_agrees_with_a_plain_search(values: list[float]) -> None:
    table = read_p8_estimates(DATA_DIR / "progress8_estimates_2024.csv")
    lower, upper = table.bands.lower, table.bands.upper

    expected = [
        next((i for i in range(len(upper)) if lower[i] < value <= upper[i]), -1) for value in values
    ]
    assert band_index(floats(*values), table.bands).tolist() == expected


# --- pupil scores -----------------------------------------------------------------------


def test_pupil_progress8_is_attainment8_minus_estimate_over_ten() -> None:
    # KS2 95 is in PAG 2 (estimate 40): (47 − 40) / 10 = 0.7.
    result = progress8(floats(95), attainment([47]), hand_table())

    assert result.scores["progress8"].rounded()[0] == 0.7


def test_english_and_maths_elements_divide_by_two_ebacc_and_open_by_three() -> None:
    # PAG 3 estimates: English 12, maths 11, EBacc 18, open 19.
    result = progress8(
        floats(110), attainment([64], en=[13], ma=[14], eb=[20], op=[17]), hand_table()
    )

    rounded = {measure: result.scores[measure].rounded()[0] for measure in result.scores}
    assert rounded == {
        "progress8": 0.4,
        "english": 0.5,
        "maths": 1.5,
        "ebacc": 0.67,
        "open": -0.67,
    }


def test_rounding_is_half_up_not_bankers() -> None:
    # (40.05 − 40) / 10 = 0.005 exactly: half up gives 0.01; the float is 0.00499….
    result = progress8(floats(95, 95), attainment([40.05, 39.95]), hand_table())

    assert (40.05 - 40) / 10 < 0.005  # why exact arithmetic is needed
    assert result.scores["progress8"].rounded().tolist() == [0.01, -0.01]


def test_element_rounding_is_half_up_on_the_exact_value() -> None:
    # English (8.25 − 8) / 2 = 0.125 → 0.13 (banker's rounding would give 0.12).
    result = progress8(floats(95), attainment([40], en=[8.25]), hand_table())

    assert result.scores["english"].rounded()[0] == 0.13


@given(st.integers(-(10**9), 10**9), st.sampled_from([1, 2, 3, 10]))
def test_round_half_up_agrees_with_decimal(numerator: int, divisor: int) -> None:
    denominator = divisor * SCALE
    expected = (Decimal(numerator) / Decimal(denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )

    assert round_half_up(np.array([numerator]), denominator)[0] == float(expected)


def test_pupil_without_ks2_is_excluded_with_the_reason() -> None:
    result = progress8(floats(np.nan, 95), attainment([30, 40]), hand_table())

    assert result.included.tolist() == [False, True]
    assert result.exclusion.tolist() == [1, 0]


def test_pupil_in_a_group_with_no_estimate_is_excluded() -> None:
    table = hand_table()
    table.values["attainment8"][1] = np.nan

    result = progress8(floats(95), attainment([40]), table)

    assert result.exclusion.tolist() == [3]


def test_score_below_the_floor_is_raised_to_the_floor() -> None:
    scores = Scores(np.array([-40, -20, 10]) * SCALE, 10 * SCALE)  # −4, −2, +1
    capped, flags = apply_floor(scores, floats(-3.5, -3.5, -3.5), np.ones(3, dtype=bool))

    assert capped.values().tolist() == [-3.5, -2, 1]
    assert flags.tolist() == [True, False, False]


# --- school scores ----------------------------------------------------------------------


def test_school_score_is_the_mean_of_unrounded_pupil_scores() -> None:
    # Pupils 0.004, 0.004, 0.007: unrounded mean 0.005 → 0.01; rounded first it is 0.00.
    scores = Scores(np.array([4, 4, 7]) * 10_000, 10 * SCALE)
    summary = summarise(scores, np.ones(3, dtype=bool), 1.5)

    assert scores.rounded().tolist() == [0.0, 0.0, 0.01]
    assert summary.rounded_score == 0.01


def test_confidence_interval_is_1_96_national_sd_over_root_n() -> None:
    scores = Scores(np.array([3, 5, -1, 1]) * SCALE, 10 * SCALE)  # mean 0.2
    summary = summarise(scores, np.ones(4, dtype=bool), 1.5)

    assert summary.n == 4
    assert summary.ci_low == pytest.approx(0.2 - 1.96 * 1.5 / 2)
    assert summary.ci_high == pytest.approx(0.2 + 1.96 * 1.5 / 2)
    assert summary.as_dict("progress8") == {
        "n": 4,
        "progress8": 0.2,
        "ci_low": -1.27,
        "ci_high": 1.67,
        "band": "average",
    }


def test_excluded_pupils_do_not_count_in_the_school_score() -> None:
    scores = Scores(np.array([10, 0]) * SCALE, 10 * SCALE)
    summary = summarise(scores, np.array([True, False]), 1.5)

    assert summary.n == 1
    assert summary.rounded_score == 1.0


def test_school_with_no_counted_pupils_has_no_score() -> None:
    summary = summarise(Scores(np.array([0]), 10), np.array([False]), 1.5)

    assert summary.as_dict() == {
        "n": 0,
        "score": None,
        "ci_low": None,
        "ci_high": None,
        "band": None,
    }


@given(st.lists(st.integers(-(10**8), 10**8), min_size=1, max_size=40), st.randoms())
def test_school_score_does_not_depend_on_pupil_order(numerators: list[int], rng) -> None:
    shuffled = list(numerators)
    rng.shuffle(shuffled)
    mask = np.ones(len(numerators), dtype=bool)

    first = summarise(Scores(np.array(numerators), 10 * SCALE), mask, 1.4)
    second = summarise(Scores(np.array(shuffled), 10 * SCALE), mask, 1.4)
    assert first.rounded_score == second.rounded_score
    assert first.band == second.band


# --- bands ------------------------------------------------------------------------------


def test_band_well_above_needs_score_above_half_and_interval_above_zero() -> None:
    assert progress_band(0.6, 0.1, 1.1) == "well above average"


def test_band_above_when_interval_above_zero_but_score_not_above_half() -> None:
    assert progress_band(0.5, 0.1, 0.9) == "above average"
    assert progress_band(0.3, 0.05, 0.55) == "above average"


def test_band_average_when_interval_contains_zero() -> None:
    assert progress_band(0.7, -0.1, 1.5) == "average"
    assert progress_band(-0.7, -1.5, 0.1) == "average"


def test_band_average_when_interval_touches_zero() -> None:
    assert progress_band(0.4, 0.0, 0.8) == "average"


def test_band_below_when_interval_below_zero_but_score_not_below_minus_half() -> None:
    assert progress_band(-0.5, -0.9, -0.1) == "below average"


def test_band_well_below_needs_score_below_minus_half_and_interval_below_zero() -> None:
    assert progress_band(-0.6, -1.1, -0.1) == "well below average"


def test_large_school_with_small_positive_score_is_above_average() -> None:
    # 400 pupils at +0.2 with SD 1.4: half-width 1.96 × 1.4 / 20 = 0.137.
    scores = Scores(np.full(400, 2 * SCALE), 10 * SCALE)
    summary = summarise(scores, np.ones(400, dtype=bool), 1.4)

    assert summary.band == "above average"


# --- groups -----------------------------------------------------------------------------


def test_group_summaries_cover_every_label_even_when_no_pupil_counts() -> None:
    scores = Scores(np.array([10, 20, 0]) * SCALE, 10 * SCALE)
    grouping = Grouping("disadvantaged", np.array([0, 0, 1]), ("yes", "no"))

    summaries = summarise_groups(scores, np.array([True, True, False]), 1.5, grouping)

    assert summaries["yes"].n == 2
    assert summaries["yes"].rounded_score == 1.5
    assert summaries["no"].n == 0


def test_prior_attainment_bands_low_middle_high() -> None:
    grouping = prior_attainment_band(floats(99.5, 100, 109.5, 110, np.nan), (100, 110))

    labels = [grouping.labels[code] for code in grouping.codes]
    assert labels == ["low", "middle", "middle", "high", "not known"]


def test_real_2024_tables_give_the_published_estimate_for_a_pupil() -> None:
    table = read_p8_estimates(DATA_DIR / "progress8_estimates_2024.csv")
    national_sd = read_national_sd(DATA_DIR / "progress8_sd_2024.csv")
    # KS2 104 and 105: average 104.5, PAG 19, estimate 45.12.
    result = progress8(ks2_average(floats(104), floats(105)), attainment([50.5]), table)

    assert table.pags[result.pag_index[0]] == 19
    assert result.scores["progress8"].rounded()[0] == 0.54  # (50.5 − 45.12) / 10 = 0.538
    assert national_sd["progress8"] == 1.41628


def test_bands_must_be_sorted_for_the_search() -> None:
    bands = Bands(floats(-np.inf, 10), floats(10, 20))

    assert band_index(floats(5, 10, 15, 20, 25), bands).tolist() == [0, 0, 1, 1, -1]
