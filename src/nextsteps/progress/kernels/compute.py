"""From a school's stored results to the kernel's reports: the glue, with no maths of its own.

The selectors turn database rows into `PupilRecord`s; this module turns the stored outcome
texts into points with the kernel's own parsers (`tables.Ks2Codes`, the KS1 points table),
builds the groupings the DfE reports (disadvantaged, SEN, EAL, gender, prior attainment),
and calls the kernel (`measures`, `estimates`, `report`). The page therefore shows exactly
what `nextsteps progress p8` prints for the same pupils and tables. No Django import.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nextsteps.progress.kernels import report
from nextsteps.progress.kernels.estimates import PopulationEstimates, population_estimates
from nextsteps.progress.kernels.ks4_models import shipped_models
from nextsteps.progress.kernels.measures import (
    A8_COLUMNS,
    KS2_SUBJECTS,
    FloatArray,
    Grouping,
    GroupTable,
    basics,
    ks1_average,
    ks1_ks2_progress,
    ks2_average,
    mean_points,
    prior_attainment_band,
    progress8,
)
from nextsteps.progress.kernels.tables import CellError, Ks2Codes, PupilFile, outcome_parser

P8_PRIOR_BANDS = (100.0, 110.0)  # KS2 average: below the expected standard, 100–109, 110+
KS1_LEVEL_BANDS = (12.0, 18.0)  # KS1 levels: below level 2, level 2, above level 2
KS1_FRAMEWORK_BANDS = (8.0, 10.0)  # KS1 frameworks: below EXS on average, EXS, GDS throughout
KS1_FRAMEWORK_CODES = frozenset({"PKF", "WTS", "EXS", "GDS"})
SEN_LABELS = {"N": "no", "K": "SEN support", "E": "EHC plan"}
GENDER_LABELS = {"F": "female", "M": "male"}


@dataclass(frozen=True)
class PupilRecord:
    """One pupil's characteristics and stored results, as plain data."""

    pupil_id: str
    disadvantaged: bool
    sen: str  # N, K or E
    eal: bool
    gender: str  # F, M or X
    ks2_year: int | None = None
    ks2: Mapping[str, str] = field(default_factory=dict)  # reading, maths, writing texts
    ks1: Mapping[str, str] | None = None  # reading, writing, maths outcome codes
    ks4: Mapping[str, float] | None = None  # attainment8 and the four elements
    basics: tuple[float, float] | None = None  # best English grade and maths grade (NaN: none)


@dataclass(frozen=True)
class Computed:
    """A kernel report and, per pupil, any reason the stored results could not be read."""

    report: dict[str, Any]
    notes: dict[str, str]  # pupil_id → why their KS2 result was not used
    prior_bands: tuple[float, float]
    basics: dict[str, Any] | None = None  # Progress 8: grade 4+ and 5+ in English and maths


def characteristic_groupings(records: Sequence[PupilRecord]) -> list[Grouping]:
    """Disadvantaged, SEN, EAL and gender, labelled as the command line labels them."""

    def grouping(name: str, labels: list[str]) -> Grouping:
        order = tuple(dict.fromkeys(labels))
        codes = np.array([order.index(label) for label in labels], dtype=np.int64)
        return Grouping(name, codes, order)

    return [
        grouping("disadvantaged", ["yes" if r.disadvantaged else "no" for r in records]),
        grouping("sen", [SEN_LABELS.get(r.sen, "not recorded") for r in records]),
        grouping("eal", ["yes" if r.eal else "no" for r in records]),
        grouping("gender", [GENDER_LABELS.get(r.gender, "not recorded") for r in records]),
    ]


def ks2_test_points(
    records: Sequence[PupilRecord],
    nominal: Mapping[int, Mapping[str, float]],
    subjects: Sequence[str],
    writing_points: Mapping[str, float] | None = None,
) -> tuple[dict[str, FloatArray], dict[str, str]]:
    """KS2 results as points (nominal scores for the pupil's KS2 year); NaN when none.

    A code that cannot be read now (its year's nominal scores are not loaded) leaves the
    pupil without a prior attainment score, with the reason noted rather than guessed.
    """
    every_code = frozenset(code for scores in nominal.values() for code in scores)
    points = {subject: np.full(len(records), np.nan) for subject in subjects}
    notes: dict[str, str] = {}
    for i, record in enumerate(records):
        if record.ks2_year is None:
            continue
        codes = Ks2Codes(nominal.get(record.ks2_year), every_code, writing_points or {})
        try:
            for subject in subjects:
                text = record.ks2.get(subject, "")
                read = codes.writing if subject == "writing" else codes.score
                points[subject][i] = read(text)
        except CellError:
            notes[record.pupil_id] = f"no KS2 {record.ks2_year} nominal score for {text}"
            for subject in subjects:
                points[subject][i] = np.nan
    return points, notes


def pupil_file(records: Sequence[PupilRecord], columns: dict[str, FloatArray]) -> PupilFile:
    """The kernel's in-memory pupil file (lines are positions: there is no file)."""
    ids = [record.pupil_id for record in records]
    return PupilFile(ids, list(range(1, len(ids) + 1)), columns, [])


def attainment_columns(records: Sequence[PupilRecord]) -> dict[str, FloatArray]:
    """Attainment 8 and elements as arrays (every record here has KS4 results)."""
    return {
        column: np.array([(r.ks4 or {}).get(column, math.nan) for r in records], dtype=np.float64)
        for column in A8_COLUMNS
    }


def progress8_report(
    records: Sequence[PupilRecord],
    table: GroupTable,
    national_sd: Mapping[str, float],
    nominal: Mapping[int, Mapping[str, float]],
    floors: Mapping[str, FloatArray] | None = None,
    proxy: Mapping[str, float] | None = None,
) -> Computed:
    """The kernel's Progress 8 report (pupils, school, groups) for a school's KS4 cohort.

    With `proxy` (pupil_id → score on the KS2 scale, from a school's own baseline) that score
    stands where the KS2 average would: the result is an internal estimate, not the DfE measure.
    """
    columns = attainment_columns(records)
    if proxy is None:
        ks2, notes = ks2_test_points(records, nominal, ("reading", "maths"))
        average = ks2_average(ks2["reading"], ks2["maths"])
    else:
        notes = {}
        average = np.array([proxy.get(r.pupil_id, math.nan) for r in records], dtype=np.float64)
    result = progress8(average, columns, table, floors)
    groupings = [
        *characteristic_groupings(records),
        prior_attainment_band(average, P8_PRIOR_BANDS),
    ]
    built = report.p8_report(pupil_file(records, columns), result, table, national_sd, groupings)
    return Computed(built, notes, P8_PRIOR_BANDS, ks4_basics(records))


def ks4_attainment(records: Sequence[PupilRecord]) -> dict[str, Any]:
    """Attainment 8 of every pupil in a KS4 cohort, as the Progress 8 report gives it."""
    return {"n": len(records), "average": mean_points(attainment_columns(records)["attainment8"])}


def ks4_basics(records: Sequence[PupilRecord]) -> dict[str, Any]:
    """Basics of a KS4 cohort: grade 4+ and 5+ in English and maths (the models file's rule)."""
    grades = np.array(
        [r.basics if r.basics is not None else (math.nan, math.nan) for r in records],
        dtype=np.float64,
    ).reshape(-1, 2)
    return basics(grades[:, 0], grades[:, 1], shipped_models().basics.thresholds)


def ks1_points_of(
    records: Sequence[PupilRecord], ks1_points: Mapping[str, float]
) -> dict[str, FloatArray]:
    """KS1 outcomes as points; a code without points (A, D, M) or a blank is NaN."""
    parse = outcome_parser(ks1_points, "KS1")
    out = {subject: np.full(len(records), np.nan) for subject in ("reading", "writing", "maths")}
    for i, record in enumerate(records):
        for subject in out:
            try:
                out[subject][i] = parse((record.ks1 or {}).get(subject, ""))
            except CellError:
                out[subject][i] = np.nan  # checked on upload; a code since removed counts as none
    return out


def ks1_bands_for(records: Sequence[PupilRecord]) -> tuple[float, float]:
    """Prior attainment band cut-offs on the scale the cohort's KS1 outcomes use."""
    codes = {code for r in records for code in (r.ks1 or {}).values() if code}
    if codes and codes <= KS1_FRAMEWORK_CODES | {"A", "D", "M"}:
        return KS1_FRAMEWORK_BANDS
    return KS1_LEVEL_BANDS


def ks1_ks2_report(
    records: Sequence[PupilRecord],
    table: GroupTable,
    national_sd: Mapping[str, float],
    nominal: Mapping[int, Mapping[str, float]],
    ks1_points: Mapping[str, float],
    writing_points: Mapping[str, float],
) -> Computed:
    """The kernel's KS1–KS2 report for a primary school's Year 6 cohort."""
    ks1 = ks1_points_of(records, ks1_points)
    average = ks1_average(ks1["reading"], ks1["writing"], ks1["maths"])
    ks2, notes = ks2_test_points(records, nominal, KS2_SUBJECTS, writing_points)
    result = ks1_ks2_progress(average, ks2, table)
    bands = ks1_bands_for(records)
    groupings = [*characteristic_groupings(records), prior_attainment_band(average, bands)]
    built = report.ks2_report(pupil_file(records, {}), result, table, national_sd, groupings)
    return Computed(built, notes, bands)


def trust_estimates(
    records: Sequence[PupilRecord], bands: GroupTable, nominal: Mapping[int, Mapping[str, float]]
) -> PopulationEstimates:
    """Provisional estimates from a trust's cohort, by the DfE's method (kernel)."""
    ks2, _ = ks2_test_points(records, nominal, ("reading", "maths"))
    average = ks2_average(ks2["reading"], ks2["maths"])
    return population_estimates(average, attainment_columns(records), bands.bands, bands.pags)


@dataclass(frozen=True)
class SubjectAttainment:
    """A KS2 subject's results across a cohort: how many reached each standard."""

    subject: str
    pupils: int
    scored: int  # pupils with a scaled score (tests) or a teacher assessment (writing)
    average: float | None  # mean scaled score of those with one (tests only)
    expected: int  # at the expected standard or above (100+, or EXS/GDS)
    higher: int  # at the higher standard (110+, or GDS)


def ks2_attainment(records: Sequence[PupilRecord]) -> list[SubjectAttainment]:
    """KS2 attainment in reading, writing and maths (DfE thresholds: 100 and 110; EXS, GDS)."""
    out = []
    for subject in ("reading", "writing", "maths"):
        texts = [r.ks2.get(subject, "") for r in records if r.ks2_year is not None]
        if subject == "writing":
            assessed = [t for t in texts if t in {"WTS", "EXS", "GDS"}]
            out.append(
                SubjectAttainment(
                    subject,
                    pupils=len(texts),
                    scored=len(assessed),
                    average=None,
                    expected=sum(t in {"EXS", "GDS"} for t in assessed),
                    higher=sum(t == "GDS" for t in assessed),
                )
            )
            continue
        scores = [float(t) for t in texts if t.replace(".", "", 1).isdigit()]
        out.append(
            SubjectAttainment(
                subject,
                pupils=len(texts),
                scored=len(scores),
                average=round(sum(scores) / len(scores), 1) if scores else None,
                expected=sum(s >= 100 for s in scores),
                higher=sum(s >= 110 for s in scores),
            )
        )
    return out
