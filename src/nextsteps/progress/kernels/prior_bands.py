"""Each pupil's prior attainment band for the in-year dashboards. No Django import.

The bands are the ones the DfE's performance tables use, on the pupil's latest key stage
result: KS2 (the mean of reading and maths scaled scores, as for Progress 8: low below the
expected standard of 100, middle 100 to 109, high 110 and above) and, for a pupil with no KS2
result yet, KS1 (the KS1 average point score, banded on the scale the pupil's outcomes use).
A pupil with neither is "unknown", shown as a group of its own, never guessed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from nextsteps.progress.kernels import compute
from nextsteps.progress.kernels.measures import ks1_average, ks2_average


def prior_band(score: float | None, cuts: tuple[float, float]) -> str:
    """Low (below cuts[0]), middle (from cuts[0] to below cuts[1]), high (cuts[1] and above),
    or unknown when the pupil has no prior attainment score (NaN or None)."""
    if score is None or score != score:  # NaN
        return "unknown"
    low, high = cuts
    return "low" if score < low else ("middle" if score < high else "high")


@dataclass(frozen=True)
class PriorResults:
    """A pupil's key stage results as stored (texts), for banding."""

    ks2_year: int | None = None
    ks2_reading: str = ""
    ks2_maths: str = ""
    ks1_reading: str = ""
    ks1_writing: str = ""
    ks1_maths: str = ""


def _record(results: PriorResults) -> compute.PupilRecord:
    has_ks1 = any((results.ks1_reading, results.ks1_writing, results.ks1_maths))
    return compute.PupilRecord(
        pupil_id="",
        disadvantaged=False,
        sen="N",
        eal=False,
        gender="X",
        ks2_year=results.ks2_year,
        ks2={"reading": results.ks2_reading, "maths": results.ks2_maths},
        ks1={
            "reading": results.ks1_reading,
            "writing": results.ks1_writing,
            "maths": results.ks1_maths,
        }
        if has_ks1
        else None,
    )


def prior_attainment_bands(
    results: Sequence[PriorResults],
    nominal: Mapping[int, Mapping[str, float]],
    ks1_points: Mapping[str, float],
) -> list[str]:
    """Each pupil's band: low, middle, high or unknown (see the module's note for the rule)."""
    records = [_record(r) for r in results]
    ks2, _notes = compute.ks2_test_points(records, nominal, ("reading", "maths"))
    ks2_scores = ks2_average(ks2["reading"], ks2["maths"])
    ks1 = compute.ks1_points_of(records, ks1_points)
    ks1_scores = ks1_average(ks1["reading"], ks1["writing"], ks1["maths"])
    bands = []
    for index, record in enumerate(records):
        score = float(ks2_scores[index])
        if not math.isnan(score):
            bands.append(prior_band(score, compute.P8_PRIOR_BANDS))
            continue
        score = float(ks1_scores[index])
        cuts = compute.ks1_bands_for([record])
        bands.append(prior_band(None if math.isnan(score) else score, cuts))
    return bands
