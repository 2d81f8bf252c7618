"""A trust's schools' results, compared only where they are comparable.

Secondary schools are compared on one KS4 cohort (the latest year with Progress 8 for any of
them) and primary schools on one KS2 year, each school measured against the same kind of
table: the national estimates for the year when loaded, else the trust's own provisional
estimates for it (`estimates.py`, computed from the trust's cohort), else the latest national
table before it (said on the page). Every measure carries its 95% confidence interval. A
filter to a group of pupils is applied to the pupils before anything is computed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from nextsteps.people.models import Pupil
from nextsteps.progress.kernels import compute
from nextsteps.progress.kernels.measures import A8_COLUMNS, KS2_SUBJECTS
from nextsteps.progress.kernels.prior_bands import PriorResults, prior_attainment_bands
from nextsteps.progress.models import ReferenceTable
from nextsteps.progress.selectors import (
    Cohort,
    group_table,
    ks1_ks2_cohorts,
    ks1_points,
    ks2_pupils,
    ks4_pupils,
    nominal_scores,
    progress8_cohorts,
    record_of,
    visible_tables,
    writing_points,
)
from nextsteps.schools.models import School

Kind = ReferenceTable.Kind
TableSource = ReferenceTable.TableSource
# The dashboards' characteristics that apply to leavers. This year's attendance says nothing
# about pupils who have left, so persistent absence is not among them.
RESULT_GROUPS = ("disadvantaged", "sen", "eal", "female", "prior")

_TESTS: dict[str, Callable[[compute.PupilRecord], bool | None]] = {
    "disadvantaged": lambda r: r.disadvantaged,
    "sen": lambda r: r.sen in {"K", "E"},
    "eal": lambda r: r.eal,
    "female": lambda r: {"F": True, "M": False}.get(r.gender),
}


@dataclass(frozen=True)
class ResultsFilter:
    """A dashboard's combination of groups as tests on leavers' records: a record is admitted
    when it has every value asked for (none: every record).

    A leaver's prior attainment is their attainment at the key stage before the results,
    banded as the dashboards band it (`prior_bands.py`): KS2 (else KS1) for KS4 leavers, KS1
    for KS2 leavers, whose KS2 result is the outcome measured, not their starting point."""

    wanted: tuple[tuple[str, bool | str], ...] = ()

    def __post_init__(self) -> None:
        for key, _value in self.wanted:
            if key not in RESULT_GROUPS:
                raise KeyError(key)

    @property
    def needs_prior(self) -> bool:
        return any(key == "prior" for key, _value in self.wanted)

    def admitted(
        self, records: Sequence[compute.PupilRecord], bands: Sequence[str] | None = None
    ) -> list[compute.PupilRecord]:
        """The records in every group asked for; `bands` (each record's prior attainment
        band) is needed when the filter asks for a band."""
        if self.needs_prior and (bands is None or len(bands) != len(records)):
            raise ValueError("a prior attainment filter needs each record's band")
        admitted = []
        for index, record in enumerate(records):
            if all(
                (bands[index] if key == "prior" and bands else _TESTS[key](record)) == value
                for key, value in self.wanted
            ):
                admitted.append(record)
        return admitted


def results_filter(wanted: Sequence[tuple[str, bool | str]]) -> ResultsFilter | None:
    """The filter for a dashboard's groups (None: every pupil). A KeyError names a group that
    cannot apply to leavers."""
    return ResultsFilter(tuple(wanted)) if wanted else None


def _banded(school: School, records: Sequence[compute.PupilRecord], leavers: str) -> list[str]:
    """Each record's prior attainment band: for KS4 leavers their KS2 result (else KS1), for
    KS2 leavers their KS1 result."""
    results = [
        PriorResults(
            ks2_year=r.ks2_year if leavers == "ks4" else None,
            ks2_reading=r.ks2.get("reading", "") if leavers == "ks4" else "",
            ks2_maths=r.ks2.get("maths", "") if leavers == "ks4" else "",
            ks1_reading=(r.ks1 or {}).get("reading", ""),
            ks1_writing=(r.ks1 or {}).get("writing", ""),
            ks1_maths=(r.ks1 or {}).get("maths", ""),
        )
        for r in records
    ]
    return prior_attainment_bands(results, nominal_scores(school), ks1_points())


def _admitted(
    school: School,
    records: Sequence[compute.PupilRecord],
    admits: ResultsFilter | None,
    leavers: str,
) -> list[compute.PupilRecord]:
    if admits is None:
        return list(records)
    bands = _banded(school, records, leavers) if admits.needs_prior and records else None
    return admits.admitted(records, bands)


def trust_table(tables: Sequence[ReferenceTable], year: int) -> ReferenceTable | None:
    """The table to compare a trust's schools on: the year's national estimates (a school's
    own copy first), else the trust's provisional estimates for the year, else the latest
    national table before it."""
    for source in (TableSource.UPLOAD, TableSource.DFE, TableSource.TRUST):
        for table in tables:
            if table.year == year and table.source == source:
                return table
    earlier = [t for t in tables if t.source != TableSource.TRUST and (t.year or 0) < year]
    return max(earlier, key=lambda t: (t.year or 0, t.source == TableSource.UPLOAD), default=None)


@dataclass(frozen=True)
class SchoolKs4:
    school: School
    pupils: int  # with KS4 results in the year, after the filter
    attainment8: dict[str, Any] | None
    basics: dict[str, Any] | None
    progress8: dict[str, Any] | None = None  # n, progress8, ci_low, ci_high, band
    table: ReferenceTable | None = None
    excluded: int = 0


@dataclass(frozen=True)
class SchoolKs2:
    school: School
    pupils: int
    progress: dict[str, dict[str, Any]] = field(default_factory=dict)  # subject → summary
    attainment: list[compute.SubjectAttainment] = field(default_factory=list)
    table: ReferenceTable | None = None


@dataclass(frozen=True)
class PhaseResults:
    """One phase's schools on one cohort (None: no school of the phase has results)."""

    year: int | None
    measured: bool  # the national measure exists for the year (a baseline)
    secondary: list[SchoolKs4] = field(default_factory=list)
    primary: list[SchoolKs2] = field(default_factory=list)

    @property
    def tables(self) -> list[ReferenceTable]:
        rows: list[SchoolKs4 | SchoolKs2] = [*self.secondary, *self.primary]
        return list({row.table.pk: row.table for row in rows if row.table is not None}.values())


def _common_year(cohorts: dict[int, list[Cohort]]) -> tuple[int | None, bool]:
    """The latest year with the national measure for any school, else the latest year."""
    every = [c for found in cohorts.values() for c in found]
    measured = [c.year for c in every if c.available]
    if measured:
        return max(measured), True
    return (max((c.year for c in every), default=None), False)


def secondary_results(schools: Sequence[School], admits: ResultsFilter | None) -> PhaseResults:
    """Each secondary school's KS4 cohort of the same year: Attainment 8, Basics and Progress 8
    with its interval (queries: three per school, with a table)."""
    cohorts = {school.pk: progress8_cohorts(school) for school in schools}
    year, measured = _common_year(cohorts)
    if year is None:
        return PhaseResults(None, False)
    rows = []
    for school in schools:
        pupils = ks4_pupils(Pupil.objects.filter(school=school), year)
        records = _admitted(school, [record_of(p) for p in pupils], admits, "ks4")
        if not records:
            rows.append(SchoolKs4(school, 0, None, None))
            continue
        attainment, basics = compute.ks4_attainment(records), compute.ks4_basics(records)
        if not measured:
            rows.append(SchoolKs4(school, len(records), attainment, basics))
            continue
        tables = list(visible_tables(school, Kind.PROGRESS8).prefetch_related("groups"))
        table = trust_table(tables, year)
        if table is None:
            rows.append(SchoolKs4(school, len(records), attainment, basics))
            continue
        values, floors = group_table(list(table.groups.all()), A8_COLUMNS)
        computed = compute.progress8_report(
            records, values, table.national_sd, nominal_scores(school), floors
        )
        summary = computed.report["school"]
        headline = {key: summary[key] for key in ("n", "progress8", "ci_low", "ci_high", "band")}
        rows.append(
            SchoolKs4(
                school, len(records), attainment, basics, headline, table, summary["excluded"]
            )
        )
    return PhaseResults(year, measured, secondary=rows)


def primary_results(schools: Sequence[School], admits: ResultsFilter | None) -> PhaseResults:
    """Each primary school's KS2 year of the same year: KS1–KS2 progress with intervals, and
    attainment in reading, writing and maths."""
    cohorts = {school.pk: ks1_ks2_cohorts(school) for school in schools}
    year, measured = _common_year(cohorts)
    if year is None:
        return PhaseResults(None, False)
    rows = []
    for school in schools:
        records = _admitted(school, [record_of(p) for p in ks2_pupils(school, year)], admits, "ks2")
        attainment = compute.ks2_attainment(records)
        table = None
        progress: dict[str, dict[str, Any]] = {}
        if measured and records:
            table = (
                visible_tables(school, Kind.KS1_KS2)
                .filter(year=year)
                .prefetch_related("groups")
                .first()
            )
        if table is not None:
            values, _floors = group_table(list(table.groups.all()), KS2_SUBJECTS)
            computed = compute.ks1_ks2_report(
                records,
                values,
                table.national_sd,
                nominal_scores(school),
                ks1_points(),
                writing_points(),
            )
            progress = {s: computed.report["school"][s] for s in KS2_SUBJECTS}
        rows.append(SchoolKs2(school, len(records), progress, attainment, table))
    return PhaseResults(year, measured, primary=rows)
