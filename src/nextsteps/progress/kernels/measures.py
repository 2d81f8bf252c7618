"""Progress measures on NumPy arrays: prior attainment groups, pupil, school and group scores.

Pupil scores are held as exact rationals, an int64 numerator over one fixed denominator, so
that rounding to 2 dp is round half up on the true decimal value (0.505 → 0.51), as schools
expect, and not on a binary float that sits a hair below the half. Points are carried in
millionths (`SCALE`), so any input given to 6 decimal places is exact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from nextsteps.progress.kernels.ks4_models import current_model

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

SCALE = 1_000_000
Z_95 = 1.96
SMALL_GROUP = 6  # DfE suppresses figures for fewer than 6 pupils; we flag them instead

P8_MEASURES = ("progress8", "english", "maths", "ebacc", "open")
A8_COLUMNS = ("attainment8", "english", "maths", "ebacc", "open")
# The attainment column each Progress 8 measure is compared with its estimate on.
P8_ATTAINMENT = {
    "progress8": "attainment8",
    "english": "english",
    "maths": "maths",
    "ebacc": "ebacc",
    "open": "open",
}
# Progress 8 divides by the slots each measure fills, from the model in force
# (`data/ks4_models.yaml`): 10 in all; English and maths 2 (double-weighted); EBacc, open 3.
P8_DIVISORS = current_model().divisors
KS2_SUBJECTS = ("reading", "writing", "maths")

# Why a pupil is left out: index 0 means counted.
P8_EXCLUSIONS = (
    "",
    "no usable KS2 reading or maths result",
    "KS2 average outside the prior attainment groups",
    "no estimate for the prior attainment group",
)
KS2_EXCLUSIONS = (
    "",
    "no usable KS1 result in reading, writing and maths",
    "KS1 average outside the prior attainment groups",
)


@dataclass(frozen=True)
class Bands:
    """Contiguous bands of a prior attainment score: band i holds lower[i] < v ≤ upper[i]."""

    lower: FloatArray  # -inf where a band has no lower bound
    upper: FloatArray  # +inf where a band has no upper bound


@dataclass(frozen=True)
class GroupTable:
    """Prior attainment groups with a national figure per measure (NaN: none published)."""

    pags: IntArray
    bands: Bands
    values: Mapping[str, FloatArray]


@dataclass(frozen=True)
class Grouping:
    """One way of splitting pupils (disadvantaged, SEN…): a label index per pupil."""

    name: str
    codes: IntArray
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Scores:
    """Pupil scores as numerator / denominator; numerators of excluded pupils are 0."""

    numerator: IntArray
    denominator: int

    def values(self) -> FloatArray:
        """The unrounded scores as floats."""
        return self.numerator / self.denominator

    def rounded(self, places: int = 2) -> FloatArray:
        """The scores rounded half up (away from zero) to `places` decimal places."""
        return round_half_up(self.numerator, self.denominator, places)


@dataclass(frozen=True)
class Summary:
    """A school's or a group's score: mean of unrounded pupil scores with a 95% interval."""

    n: int
    score: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    band: str | None = None
    rounded_score: float | None = None

    def as_dict(self, score_key: str = "score") -> dict[str, Any]:
        """The summary as published: score and interval to 2 dp, with the band."""
        return {
            "n": self.n,
            score_key: self.rounded_score,
            "ci_low": round_float_half_up(self.ci_low),
            "ci_high": round_float_half_up(self.ci_high),
            "band": self.band,
        }


@dataclass(frozen=True)
class P8Result:
    """Progress 8 for each pupil; `exclusion` indexes `P8_EXCLUSIONS` (0: included)."""

    ks2_average: FloatArray
    pag_index: IntArray
    exclusion: IntArray
    included: BoolArray
    scores: dict[str, Scores]
    capped: dict[str, BoolArray] = field(default_factory=dict)


@dataclass(frozen=True)
class Ks2Result:
    """KS1–KS2 progress per subject; `exclusion` indexes `KS2_EXCLUSIONS` (0: included)."""

    ks1_average: FloatArray
    pag_index: IntArray
    exclusion: IntArray
    counted: dict[str, BoolArray]
    scores: dict[str, Scores]


# --- rounding ---------------------------------------------------------------------------


def round_half_up(numerator: IntArray, denominator: int | IntArray, places: int = 2) -> FloatArray:
    """Round numerator / denominator half away from zero, exactly, in integer arithmetic."""
    magnitude = np.abs(numerator) * (2 * 10**places) + denominator
    steps = magnitude // (2 * denominator)
    rounded: FloatArray = np.sign(numerator) * steps / 10**places
    return rounded


def round_fraction_half_up(numerator: int, denominator: int, places: int = 2) -> float:
    """Round one exact fraction half away from zero (Python integers: no overflow)."""
    steps = (abs(numerator) * 2 * 10**places + denominator) // (2 * denominator)
    return float((-1 if numerator < 0 else 1) * steps) / float(10**places)


def round_float_half_up(value: float | None, places: int = 2) -> float | None:
    """Round a float half up on its exact binary value (for irrational values: intervals)."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP))


def to_scaled(values: FloatArray) -> IntArray:
    """Points as integer millionths; NaN becomes 0 (callers mask excluded pupils).

    Points are finite (the readers refuse anything else), so NaN is the one value to clear:
    one multiplication, one rounding in place and one conversion, not `nan_to_num`'s passes.
    """
    scaled = np.multiply(values, SCALE, dtype=np.float64)
    np.rint(scaled, out=scaled)
    scaled[np.isnan(scaled)] = 0.0
    return scaled.astype(np.int64)


# --- prior attainment -------------------------------------------------------------------


def band_index(values: FloatArray, bands: Bands) -> IntArray:
    """Index of the band holding each value (lower exclusive, upper inclusive), else -1."""
    values = np.asarray(values, dtype=np.float64)
    index = np.searchsorted(bands.upper, values, side="left").astype(np.int64)
    inside = index < len(bands.upper)
    safe = np.minimum(index, len(bands.upper) - 1)
    inside &= values > bands.lower[safe]  # NaN compares False: no band
    return np.where(inside, index, -1)


def ks2_average(reading: FloatArray, maths: FloatArray) -> FloatArray:
    """DfE KS2 prior attainment: mean of reading and maths, or the one subject a pupil has."""
    both = np.add(reading, maths, dtype=np.float64)
    both /= 2
    # NaN where either is missing: then the other, itself NaN when both are.
    return np.where(np.isnan(reading), maths, np.where(np.isnan(maths), reading, both))


def ks1_average(reading: FloatArray, writing: FloatArray, maths: FloatArray) -> FloatArray:
    """DfE KS1 average point score: ((reading + writing) / 2 + maths) / 2; NaN if any missing."""
    return ((reading + writing) / 2 + maths) / 2


def prior_attainment_band(values: FloatArray, cuts: Sequence[float]) -> Grouping:
    """Low (below cuts[0]), middle (from cuts[0] to below cuts[1]), high (cuts[1] and above)."""
    low_cut, high_cut = cuts
    # 0 below the low cut, else 1, or 2 from the high cut; NaN (no comparison holds) is 3.
    at_high = (values >= high_cut).astype(np.int64)
    at_high += 1
    codes = np.multiply(values >= low_cut, at_high, dtype=np.int64)
    codes[np.isnan(values)] = 3
    return Grouping("prior_attainment", codes, ("low", "middle", "high", "not known"))


# --- pupil scores -----------------------------------------------------------------------


def progress_numerators(points: FloatArray, estimate: FloatArray, mask: BoolArray) -> IntArray:
    """Points minus estimate in millionths, 0 where the pupil is not counted."""
    return scaled_numerators(points, to_scaled(estimate), mask)


def scaled_numerators(points: FloatArray, estimate: IntArray, mask: BoolArray) -> IntArray:
    """Points minus an estimate already in millionths, 0 where the pupil is not counted."""
    numerator = to_scaled(points)
    numerator -= estimate
    numerator[~mask] = 0
    return numerator


def apply_floor(scores: Scores, floors: FloatArray, mask: BoolArray) -> tuple[Scores, BoolArray]:
    """DfE cap on extremely negative scores: a score below its group's floor becomes the floor."""
    floor_numerator = np.rint(np.nan_to_num(floors, nan=-np.inf) * scores.denominator)
    capped = mask & (scores.numerator < floor_numerator)
    numerator = np.where(capped, floor_numerator, scores.numerator).astype(np.int64)
    return Scores(numerator, scores.denominator), capped


def p8_exclusions(average: FloatArray, index: IntArray, table: GroupTable) -> IntArray:
    """Why each pupil is left out of Progress 8, as an index into `P8_EXCLUSIONS`."""
    has_estimate = ~np.isnan(table.values["attainment8"])[np.maximum(index, 0)]
    reason = np.where(has_estimate, 0, 3)
    reason = np.where(index < 0, 2, reason)
    return np.where(np.isnan(average), 1, reason).astype(np.int64)


def progress8(
    average: FloatArray,
    attainment: Mapping[str, FloatArray],
    table: GroupTable,
    floors: Mapping[str, FloatArray] | None = None,
) -> P8Result:
    """DfE Progress 8: (A8 − estimate) / 10; English, maths / 2; EBacc, open / 3."""
    index = band_index(average, table.bands)
    exclusion = p8_exclusions(average, index, table)
    included = exclusion == 0
    safe = np.maximum(index, 0)
    scores: dict[str, Scores] = {}
    capped: dict[str, BoolArray] = {}
    for measure in P8_MEASURES:
        column = P8_ATTAINMENT[measure]
        # Scale the table's few estimates once, then look each pupil's up.
        estimate = to_scaled(table.values[column])[safe]
        numerator = scaled_numerators(attainment[column], estimate, included)
        scores[measure] = Scores(numerator, P8_DIVISORS[measure] * SCALE)
        if floors is not None:
            scores[measure], capped[measure] = apply_floor(
                scores[measure], floors[measure][safe], included
            )
    return P8Result(average, index, exclusion, included, scores, capped)


def ks2_exclusions(average: FloatArray, index: IntArray) -> IntArray:
    """Why each pupil is left out of every subject, as an index into `KS2_EXCLUSIONS`."""
    reason = np.where(index < 0, 2, 0)
    return np.where(np.isnan(average), 1, reason).astype(np.int64)


def ks1_ks2_progress(
    average: FloatArray, ks2: Mapping[str, FloatArray], table: GroupTable
) -> Ks2Result:
    """DfE KS1–KS2 progress: KS2 score − the national average KS2 score of the pupil's PAG."""
    index = band_index(average, table.bands)
    exclusion = ks2_exclusions(average, index)
    safe = np.maximum(index, 0)
    counted: dict[str, BoolArray] = {}
    scores: dict[str, Scores] = {}
    for subject in KS2_SUBJECTS:
        national = table.values[subject][safe]
        counted[subject] = (index >= 0) & ~np.isnan(ks2[subject]) & ~np.isnan(national)
        numerator = progress_numerators(ks2[subject], national, counted[subject])
        scores[subject] = Scores(numerator, SCALE)
    return Ks2Result(average, index, exclusion, counted, scores)


# --- Basics ------------------------------------------------------------------------------


def basics(
    english: FloatArray, maths: FloatArray, thresholds: Mapping[str, float]
) -> dict[str, Any]:
    """Pupils at or above each threshold in both English (best grade) and maths.

    A pupil with no grade recorded for either is counted as "not known", never as below:
    percentages are of the pupils whose grades are known.
    """
    known = ~np.isnan(english) & ~np.isnan(maths)
    n = int(np.count_nonzero(known))
    out: dict[str, Any] = {"n": n, "not_known": int(len(english) - n)}
    lowest = np.fmin(english, maths)
    for name, threshold in thresholds.items():
        count = int(np.count_nonzero(known & (lowest >= threshold)))
        percent = round_fraction_half_up(count * 100, n, 1) if n else None
        out[name] = {"grade": threshold, "count": count, "percent": percent}
    return out


# --- school and group scores ------------------------------------------------------------


def progress_band(score: float, ci_low: float, ci_high: float) -> str:
    """DfE bands: well above (> 0.5, interval above 0), above, average, below, well below."""
    if ci_low > 0:
        return "well above average" if score > 0.5 else "above average"
    if ci_high < 0:
        return "well below average" if score < -0.5 else "below average"
    return "average"


def summarise(scores: Scores, mask: BoolArray, national_sd: float) -> Summary:
    """School score: mean of unrounded pupil scores; 95% CI ± 1.96 × national SD / √n."""
    n = int(np.count_nonzero(mask))
    if n == 0:
        return Summary(n=0)
    total = int(scores.numerator.sum(where=mask))
    score = total / (n * scores.denominator)
    half_width = Z_95 * national_sd / np.sqrt(n)
    ci_low, ci_high = score - half_width, score + half_width
    return Summary(
        n=n,
        score=score,
        ci_low=float(ci_low),
        ci_high=float(ci_high),
        band=progress_band(score, ci_low, ci_high),
        rounded_score=round_fraction_half_up(total, n * scores.denominator),
    )


def summarise_groups(
    scores: Scores, mask: BoolArray, national_sd: float, grouping: Grouping
) -> dict[str, Summary]:
    """One summary per label of a grouping, including empty and small groups."""
    present = np.bincount(grouping.codes, minlength=len(grouping.labels)) > 0
    return {
        label: summarise(scores, mask & (grouping.codes == code), national_sd)
        for code, label in enumerate(grouping.labels)
        if present[code]
    }


def mean_points(points: FloatArray) -> float | None:
    """Mean of points to 2 dp, rounded half up exactly (school Attainment 8)."""
    if len(points) == 0:
        return None
    return round_fraction_half_up(int(to_scaled(points).sum()), len(points) * SCALE)
