"""Progress 8 estimates from a reference population, as the DfE computes them.

Given a national file, or a trust's before national figures exist: each prior attainment
group's mean Attainment 8 and elements (the estimates, to 2 dp), each group's standard
deviation of pupil scores, the cap on extremely negative scores, and the national standard
deviation of the capped pupil scores used for confidence intervals.

The cap follows the DfE's method (KS4 ready reckoner, "KS4 outliers.sql"): a pupil's z-score
is (score − group mean) / group SD, with the SD to 6 dp; the limit is the z-score of the
⌊N/100⌋-th lowest pupil nationally (the 1st percentile), to 10 dp; a pupil whose z-score is
below the limit gets group SD × limit. Standard deviations are sample ones (n − 1), as SQL's
STDEV. Each element is capped in the same way as Progress 8.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from nextsteps.progress.kernels.measures import (
    A8_COLUMNS,
    P8_ATTAINMENT,
    P8_DIVISORS,
    P8_MEASURES,
    SCALE,
    Bands,
    BoolArray,
    FloatArray,
    GroupTable,
    IntArray,
    band_index,
    round_half_up,
    to_scaled,
)


@dataclass(frozen=True)
class PopulationEstimates:
    """Estimates, spreads and caps computed from one population."""

    table: GroupTable  # the estimates, in the form Progress 8 reads them
    counts: IntArray
    pag_sd: dict[str, FloatArray]
    z_limit: dict[str, float | None]
    floors: dict[str, FloatArray]
    national_sd: dict[str, float]
    capped: dict[str, int]
    n: int


@dataclass(frozen=True)
class MeasureSpread:
    """One measure's group SDs, cap and national SD."""

    pag_sd: FloatArray
    z_limit: float | None
    floors: FloatArray
    national_sd: float
    capped: int


def group_means(points: FloatArray, index: IntArray, counts: IntArray) -> FloatArray:
    """Each group's mean points to 2 dp, rounded half up exactly; NaN for an empty group."""
    # Sums of integer millionths stay below 2**53, so float weights add them exactly.
    sums = np.bincount(index, weights=to_scaled(points), minlength=len(counts))
    denominators = np.maximum(counts, 1) * SCALE
    means = round_half_up(np.rint(sums).astype(np.int64), denominators)
    return np.where(counts > 0, means, np.nan)


def group_sd(values: FloatArray, index: IntArray, counts: IntArray) -> tuple[FloatArray, ...]:
    """Each group's mean and sample SD (n − 1, to 6 dp); NaN SD below 2 pupils."""
    groups = len(counts)
    safe_counts = np.maximum(counts, 1)
    means = np.bincount(index, weights=values, minlength=groups) / safe_counts
    squares = np.bincount(index, weights=(values - means[index]) ** 2, minlength=groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.round(np.sqrt(squares / (counts - 1)), 6)
    return means, np.where((counts > 1) & (sd > 0), sd, np.nan)


def z_limit(z: FloatArray) -> float | None:
    """DfE 1st percentile: the z-score of the ⌊N/100⌋-th lowest pupil, to 10 dp."""
    finite = z[np.isfinite(z)]
    rank = len(finite) // 100
    if rank == 0:
        return None  # fewer than 100 pupils: no pupil is extreme enough to cap
    return round(float(np.partition(finite, rank - 1)[rank - 1]), 10)


def sample_sd(values: FloatArray) -> float:
    """Sample standard deviation (n − 1) to 6 dp; NaN below 2 values."""
    if len(values) < 2:
        return float("nan")
    return round(float(np.std(values, ddof=1)), 6)


def measure_spread(scores: FloatArray, index: IntArray, counts: IntArray) -> MeasureSpread:
    """Group SDs, the cap, and the national SD of capped scores for one measure."""
    means, sd = group_sd(scores, index, counts)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (scores - means[index]) / sd[index]
    limit = z_limit(z)
    if limit is None:
        floors = np.full(len(counts), np.nan)
        capped: BoolArray = np.zeros(len(scores), dtype=bool)
    else:
        floors = sd * limit
        capped = np.isfinite(z) & (z < limit)
    adjusted = np.where(capped, floors[index], scores)
    return MeasureSpread(sd, limit, floors, sample_sd(adjusted), int(capped.sum()))


def population_estimates(
    average: FloatArray, attainment: Mapping[str, FloatArray], bands: Bands, pags: IntArray
) -> PopulationEstimates:
    """Estimates, group SDs, caps and national SDs from a population's pupils."""
    index_all = band_index(average, bands)
    counted = index_all >= 0
    index = index_all[counted]
    counts = np.bincount(index, minlength=len(pags)).astype(np.int64)
    estimates = {
        column: group_means(attainment[column][counted], index, counts) for column in A8_COLUMNS
    }
    table = GroupTable(pags, bands, estimates)
    spreads: dict[str, MeasureSpread] = {}
    for measure in P8_MEASURES:
        column = P8_ATTAINMENT[measure]
        # Pupils are scored against the rounded estimates, as they will be when fed back in.
        scores = (attainment[column][counted] - estimates[column][index]) / P8_DIVISORS[measure]
        spreads[measure] = measure_spread(scores, index, counts)
    return PopulationEstimates(
        table=table,
        counts=counts,
        pag_sd={measure: spread.pag_sd for measure, spread in spreads.items()},
        z_limit={measure: spread.z_limit for measure, spread in spreads.items()},
        floors={measure: spread.floors for measure, spread in spreads.items()},
        national_sd={measure: spread.national_sd for measure, spread in spreads.items()},
        capped={measure: spread.capped for measure, spread in spreads.items()},
        n=int(counted.sum()),
    )
