"""Reads for the progress pages: cohorts, reference tables, and the kernel's reports.

Each function loads what a page needs in a fixed number of queries (not one per pupil) and
hands plain data to `compute`, which calls the kernel.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from nextsteps.curriculum.models import ScaleLevel
from nextsteps.markbook.models import AssessmentPoint, StandingSnapshot
from nextsteps.people.models import Pupil
from nextsteps.progress.kernels import compute, ks4_analysis, options, residuals, working_at
from nextsteps.progress.kernels.baselines import BaselineRule, UnknownCohort, shipped_rules
from nextsteps.progress.kernels.ks4_models import Ks4Model, shipped_models
from nextsteps.progress.kernels.measures import (
    A8_COLUMNS,
    KS2_SUBJECTS,
    P8_MEASURES,
    Bands,
    GroupTable,
    ks2_average,
)
from nextsteps.progress.kernels.tables import DATA_DIR, read_points
from nextsteps.progress.models import (
    Ks1Result,
    Ks2Result,
    Ks4ModelAdoption,
    Ks4Qualification,
    Ks4Result,
    NominalScore,
    ProxyBaseline,
    ProxyScore,
    ReferenceGroup,
    ReferenceTable,
)
from nextsteps.schools.models import School, Subject, Trust
from nextsteps.teaching.models import Class, Enrolment

Kind = ReferenceTable.Kind
TableSource = ReferenceTable.TableSource


@cache
def ks1_points() -> dict[str, float]:
    """The shipped KS1 outcome points (levels and frameworks)."""
    return read_points(DATA_DIR / "ks1_points.csv")


@cache
def writing_points() -> dict[str, float]:
    """The shipped KS2 writing teacher assessment points."""
    return read_points(DATA_DIR / "ks2_writing_points.csv")


# --- reference tables ------------------------------------------------------------------


def table_scope(school: School) -> Q:
    """Tables this school may use: national, its own, and its trust's provisional ones."""
    scope = Q(source=TableSource.DFE) | Q(source=TableSource.UPLOAD, school=school)
    if school.trust_id is not None:
        scope |= Q(source=TableSource.TRUST, trust_id=school.trust_id)
    return scope


def visible_tables(school: School, kind: str) -> QuerySet[ReferenceTable]:
    """Tables of a kind this school may use, newest first."""
    return (
        ReferenceTable.objects.filter(table_scope(school), kind=kind)
        .select_related("school", "trust")  # their names are in the table's title
        .order_by("-year", "source")
    )


def tables_with_groups(school: School, kind: str) -> list[ReferenceTable]:
    """The tables of a kind this school may use, with their prior attainment groups."""
    return list(visible_tables(school, kind).prefetch_related("groups"))


def national_tables(school: School) -> QuerySet[ReferenceTable]:
    """The Progress 8 estimates the school may use other than a trust's provisional ones."""
    return visible_tables(school, Kind.PROGRESS8).exclude(source=TableSource.TRUST)


def national_table(school: School, table_id: int) -> ReferenceTable | None:
    return national_tables(school).filter(pk=table_id).first()


def table_detail(school: School, table_id: int) -> ReferenceTable | None:
    """A table this school may use, with its groups and nominal scores, else None."""
    return (
        ReferenceTable.objects.filter(table_scope(school), pk=table_id)
        .prefetch_related("groups", "nominal_scores")
        .first()
    )


def model_adoption(school: School, model_id: str) -> Ks4ModelAdoption | None:
    """The school's own setting for a KS4 model, if it made one."""
    return Ks4ModelAdoption.objects.filter(school=school, model_id=model_id).first()


def nominal_scores(school: School) -> dict[int, dict[str, float]]:
    """KS2 nominal scores by year: the shipped DfE table, with the school's own years on top."""
    rows = NominalScore.objects.filter(table__in=visible_tables(school, Kind.NOMINAL)).values_list(
        "table__source", "ks2_year", "outcome", "score"
    )
    by_source: dict[str, dict[int, dict[str, float]]] = {}
    for source, year, outcome, score in rows:
        by_source.setdefault(source, {}).setdefault(year, {})[outcome] = score
    merged = dict(by_source.get(TableSource.DFE, {}))
    merged.update(by_source.get(TableSource.UPLOAD, {}))  # a loaded year replaces the shipped one
    return merged


def group_table(
    groups: Sequence[ReferenceGroup], columns: Sequence[str]
) -> tuple[GroupTable, dict[str, np.ndarray] | None]:
    """A stored table as the kernel reads it, with its floors when it has any."""
    lower = np.array([g.above if g.above is not None else -np.inf for g in groups])
    upper = np.array([g.upto if g.upto is not None else np.inf for g in groups])
    values = {
        column: np.array(
            [np.nan if g.values.get(column) is None else g.values[column] for g in groups],
            dtype=np.float64,
        )
        for column in columns
    }
    table = GroupTable(
        np.array([g.pag for g in groups], dtype=np.int64), Bands(lower, upper), values
    )
    if not any(floor is not None for g in groups for floor in g.floors.values()):
        return table, None
    floors = {
        measure: np.array(
            [np.nan if g.floors.get(measure) is None else g.floors[measure] for g in groups],
            dtype=np.float64,
        )
        for measure in P8_MEASURES
    }
    return table, floors


def choose_table(
    tables: Sequence[ReferenceTable], year: int, wanted: int | None
) -> ReferenceTable | None:
    """The table asked for, else the cohort's own year (the school's copy first), else the
    latest national table before it, else the trust's provisional one for the year."""
    by_id = {table.pk: table for table in tables}
    if wanted in by_id:
        return by_id[wanted]
    national = [t for t in tables if t.source != TableSource.TRUST]
    for source in (TableSource.UPLOAD, TableSource.DFE):
        for table in national:
            if table.year == year and table.source == source:
                return table
    earlier = [t for t in national if t.year is not None and t.year < year]
    if earlier:
        return max(earlier, key=lambda t: (t.year or 0, t.source == TableSource.UPLOAD))
    provisional = [t for t in tables if t.source == TableSource.TRUST and t.year == year]
    return provisional[0] if provisional else (tables[0] if tables else None)


# --- cohorts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cohort:
    year: int
    pupils: int
    with_prior: int  # pupils with the prior attainment the measure needs
    baseline: BaselineRule | None = None  # None: the rule table has no rule for the year

    @property
    def available(self) -> bool | None:
        """Whether the national measure exists for the cohort; None when no rule says."""
        return None if self.baseline is None else self.baseline.available


@dataclass(frozen=True)
class CohortBaseline:
    """What a cohort's page may show: the rule in effect, or why there is none."""

    rule: BaselineRule | None
    unknown: str  # the message naming a year with no rule ("" when there is a rule)

    @property
    def available(self) -> bool:
        return self.rule is not None and self.rule.available


def cohort_baseline(measure: str, year: int) -> CohortBaseline:
    """The baseline rule for a measure's cohort, from the shipped rule table."""
    try:
        return CohortBaseline(shipped_rules().rule(measure, year), "")
    except UnknownCohort as unknown:
        return CohortBaseline(None, str(unknown))


def progress8_cohorts(school: School) -> list[Cohort]:
    """KS4 exam years with results, newest first, with how many pupils have KS2 results."""
    rows = (
        Ks4Result.objects.filter(school=school)
        .values("year")
        .annotate(pupils=Count("pk"), with_prior=Count("pupil__ks2_result"))
        .order_by("-year")
    )
    rules = shipped_rules()
    return [
        Cohort(
            row["year"],
            row["pupils"],
            row["with_prior"],
            rules.known("progress8", row["year"]),
        )
        for row in rows
    ]


def ks1_ks2_cohorts(school: School) -> list[Cohort]:
    """KS2 test years with results, newest first, with how many pupils have KS1 results."""
    if school.phase == School.Phase.SECONDARY:
        return []  # a secondary school's KS2 results are its pupils' prior attainment
    rows = (
        Ks2Result.objects.filter(school=school)
        .values("year")
        .annotate(pupils=Count("pk"), with_prior=Count("pupil__ks1_result"))
        .order_by("-year")
    )
    rules = shipped_rules()
    return [
        Cohort(row["year"], row["pupils"], row["with_prior"], rules.known("ks1_ks2", row["year"]))
        for row in rows
    ]


def record_of(pupil: Pupil) -> compute.PupilRecord:
    """A pupil and their results (joined in the same query) as plain data for the kernel."""
    ks2: Ks2Result | None = getattr(pupil, "ks2_result", None)
    ks1: Ks1Result | None = getattr(pupil, "ks1_result", None)
    ks4: Ks4Result | None = getattr(pupil, "ks4_result", None)
    return compute.PupilRecord(
        pupil_id=str(pupil.pk),
        disadvantaged=pupil.disadvantaged,
        sen=pupil.sen_status,
        eal=pupil.eal,
        gender=pupil.gender,
        ks2_year=ks2.year if ks2 else None,
        ks2={"reading": ks2.reading, "maths": ks2.maths, "writing": ks2.writing} if ks2 else {},
        ks1={"reading": ks1.reading, "writing": ks1.writing, "maths": ks1.maths} if ks1 else None,
        ks4={column: float(getattr(ks4, column)) for column in A8_COLUMNS} if ks4 else None,
        basics=(_grade(ks4.english_grade), _grade(ks4.maths_grade)) if ks4 else None,
    )


def _grade(value: Any) -> float:
    return math.nan if value is None else float(value)


RESULTS = ("ks1_result", "ks2_result", "ks4_result")  # joined, so `record_of` never queries


def ks4_pupils(pupils: QuerySet[Pupil], year: int) -> list[Pupil]:
    """Pupils with KS4 results in a year, with their other results, in one query."""
    return list(
        pupils.filter(ks4_result__year=year)
        .select_related(*RESULTS)
        .order_by("legal_surname", "legal_forename", "pk")
    )


# --- reports ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """A cohort's measure as the kernel computed it, with what it was computed against."""

    year: int
    table: ReferenceTable
    computed: compute.Computed
    pupils: dict[str, Pupil]  # pupil_id in the report → the pupil
    capped: bool  # the table carries floors on extreme scores
    proxy: ProxyBaseline | None = None  # set: an internal estimate, not the DfE measure


def progress8_report(
    school: School, year: int, table: ReferenceTable, proxy: ProxyBaseline | None = None
) -> Report:
    """The kernel's Progress 8 report for the school's KS4 cohort of a year.

    With a school's own baseline (`proxy`) its scores stand for KS2: an internal estimate.
    """
    pupils = ks4_pupils(Pupil.objects.filter(school=school), year)
    groups = list(table.groups.all())
    group_values, floors = group_table(groups, A8_COLUMNS)
    computed = compute.progress8_report(
        [record_of(p) for p in pupils],
        group_values,
        table.national_sd,
        {} if proxy is not None else nominal_scores(school),
        floors,
        proxy_scores(proxy) if proxy is not None else None,
    )
    pupil_map = {str(p.pk): p for p in pupils}
    return Report(year, table, computed, pupil_map, floors is not None, proxy)


def proxy_baseline(school: School, year: int) -> ProxyBaseline | None:
    """The school's own Progress 8 baseline for a cohort, if it chose one."""
    return ProxyBaseline.objects.filter(
        school=school, measure=ProxyBaseline.Measure.PROGRESS8, year=year
    ).first()


def proxy_scores(proxy: ProxyBaseline) -> dict[str, float]:
    """pupil_id → score on the KS2 scale, in one query."""
    rows = ProxyScore.objects.filter(baseline=proxy).values_list("pupil_id", "score")
    return {str(pupil_id): float(score) for pupil_id, score in rows}


def ks4_attainment(school: School, year: int) -> dict[str, Any]:
    """Attainment 8 of a KS4 cohort (every pupil, with or without a baseline)."""
    pupils = ks4_pupils(Pupil.objects.filter(school=school), year)
    return compute.ks4_attainment([record_of(p) for p in pupils])


def ks4_summary(school: School, year: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Attainment 8 and Basics of a KS4 cohort (every pupil), in one query."""
    records = [record_of(p) for p in ks4_pupils(Pupil.objects.filter(school=school), year)]
    return compute.ks4_attainment(records), compute.ks4_basics(records)


def ks1_ks2_report(
    school: School, year: int, table: ReferenceTable, pupils: list[Pupil] | None = None
) -> Report:
    """The kernel's KS1–KS2 report for the school's Year 6 cohort of a KS2 year."""
    pupils = ks2_pupils(school, year) if pupils is None else pupils
    group_values, _ = group_table(list(table.groups.all()), KS2_SUBJECTS)
    computed = compute.ks1_ks2_report(
        [record_of(p) for p in pupils],
        group_values,
        table.national_sd,
        nominal_scores(school),
        ks1_points(),
        writing_points(),
    )
    return Report(year, table, computed, {str(p.pk): p for p in pupils}, False)


def ks2_pupils(school: School, year: int) -> list[Pupil]:
    """A KS2 cohort's pupils with their KS1 and KS2 results (attainment, no table needed)."""
    return list(
        Pupil.objects.filter(school=school, ks2_result__year=year)
        .select_related(*RESULTS)
        .order_by("legal_surname", "legal_forename", "pk")
    )


def trust_records(trust: Trust, year: int) -> list[compute.PupilRecord]:
    """Every pupil in the trust's schools with KS4 results in a year, as plain data."""
    pupils = ks4_pupils(Pupil.objects.filter(school__trust=trust), year)
    return [record_of(pupil) for pupil in pupils]


# --- one pupil -------------------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    """A pupil's entry in a measure's report, with the table it was measured against."""

    table: ReferenceTable | None  # None when the cohort has no national measure
    entry: dict[str, Any]
    note: str | None  # why a stored result could not be read
    unavailable: str = ""  # why there is no score: the sentence of the cohort's baseline rule


@dataclass(frozen=True)
class PupilMeasures:
    pupil: Pupil  # with ks1_result, ks2_result and ks4_result joined (each may be missing)
    progress8: Measured | None
    ks1_ks2: Measured | None


def pupil_measures(school: School, pupil_id: int) -> PupilMeasures:
    """A pupil's results and progress, against the tables the school's pages would choose.

    A pupil's score depends only on their own results and the table, so it is the figure the
    cohort's report gives them.
    """
    pupil = Pupil.objects.select_related(*RESULTS).get(school=school, pk=pupil_id)
    record = record_of(pupil)
    ks4: Ks4Result | None = getattr(pupil, "ks4_result", None)
    ks2: Ks2Result | None = getattr(pupil, "ks2_result", None)
    has_ks1 = getattr(pupil, "ks1_result", None) is not None
    return PupilMeasures(
        pupil,
        _pupil_progress8(school, record, ks4.year) if ks4 is not None else None,
        _pupil_ks1_ks2(school, record, ks2.year) if ks2 is not None and has_ks1 else None,
    )


def _unmeasured(measure: str, year: int) -> Measured | None:
    """A cohort without the national measure (or with no rule), said in a sentence."""
    baseline = cohort_baseline(measure, year)
    if baseline.available:
        return None
    sentence = baseline.rule.sentence if baseline.rule is not None else baseline.unknown
    return Measured(None, {}, None, sentence)


def _pupil_progress8(school: School, record: compute.PupilRecord, year: int) -> Measured | None:
    unmeasured = _unmeasured("progress8", year)
    if unmeasured is not None:
        return unmeasured
    tables = list(visible_tables(school, Kind.PROGRESS8).prefetch_related("groups"))
    table = choose_table(tables, year, None)
    if table is None:
        return None
    values, floors = group_table(list(table.groups.all()), A8_COLUMNS)
    computed = compute.progress8_report(
        [record], values, table.national_sd, nominal_scores(school), floors
    )
    return Measured(table, computed.report["pupils"][0], computed.notes.get(record.pupil_id))


def _pupil_ks1_ks2(school: School, record: compute.PupilRecord, year: int) -> Measured | None:
    """Against the KS2 year's own table, as the school's page chooses (none: no score)."""
    unmeasured = _unmeasured("ks1_ks2", year)
    if unmeasured is not None:
        return unmeasured
    table = (
        visible_tables(school, Kind.KS1_KS2).filter(year=year).prefetch_related("groups").first()
    )
    if table is None:
        return None
    values, _ = group_table(list(table.groups.all()), KS2_SUBJECTS)
    computed = compute.ks1_ks2_report(
        [record], values, table.national_sd, nominal_scores(school), ks1_points(), writing_points()
    )
    return Measured(table, computed.report["pupils"][0], computed.notes.get(record.pupil_id))


# --- KS4 models and planned options ----------------------------------------------------


def ks4_adoptions(school: School) -> dict[str, int]:
    """The school's own setting: model id → the first cohort it is in force for."""
    return dict(
        Ks4ModelAdoption.objects.filter(school=school).values_list("model_id", "in_force_from")
    )


def ks4_model_for(school: School, year: int) -> tuple[Ks4Model | None, str]:
    """The KS4 model in force for a cohort at this school, or None and why."""
    return options.cohort_model(shipped_models(), year, ks4_adoptions(school))


@dataclass(frozen=True)
class PupilPlan:
    pupil: Pupil
    subjects: list[options.PlannedSubject]


def on_roll() -> Q:
    """Pupils who have not left (no leaving date, or one still to come)."""
    return Q(leaving_date__isnull=True) | Q(leaving_date__gt=timezone.localdate())


def option_plans(school: School, year_group: int) -> list[PupilPlan]:
    """The year group's pupils on roll with their planned subjects, in two queries."""
    pupils = (
        Pupil.objects.filter(on_roll(), school=school, year_group=year_group)
        .prefetch_related("planned_options")
        .order_by("legal_surname", "legal_forename", "pk")
    )
    return [
        PupilPlan(
            pupil,
            [
                options.PlannedSubject(o.subject, o.category, o.entries)
                for o in pupil.planned_options.all()
            ],
        )
        for pupil in pupils
    ]


# --- KS4 results analysis --------------------------------------------------------------


@dataclass(frozen=True)
class Ks4Cohort:
    """A KS4 cohort's pupils with their grades and Year 11 classes, and the school's subjects
    each qualification belongs to."""

    pupils: list[ks4_analysis.CohortPupil]
    classes: list[ks4_analysis.ClassInfo]
    subject_of: dict[str, Subject | None]  # qualification subject → the school's subject
    by_id: dict[str, Pupil]


def ks4_cohort(school: School, year: int) -> Ks4Cohort:
    """The cohort of a KS4 year in a fixed number of queries (six), whatever its size."""
    pupils = ks4_pupils(Pupil.objects.filter(school=school), year)
    records = [record_of(p) for p in pupils]
    entries: dict[int, list[tuple[str, float]]] = {}
    for pupil_id, subject, points in Ks4Qualification.objects.filter(
        school=school, result__year=year
    ).values_list("result__pupil_id", "subject", "points"):
        entries.setdefault(pupil_id, []).append((subject, float(points)))
    ks2, _notes = compute.ks2_test_points(records, nominal_scores(school), ("reading", "maths"))
    average = ks2_average(ks2["reading"], ks2["maths"])
    subjects = list(Subject.objects.filter(school=school).select_related("department"))
    names = {s.name: s for s in subjects}
    qualifications = {subject for found in entries.values() for subject, _ in found}
    subject_of = {
        q: names.get(ks4_analysis.subject_of(q, names) or "") for q in sorted(qualifications)
    }
    memberships, classes = _year11_classes(school, year, [p.pk for p in pupils], subject_of)
    cohort = [
        ks4_analysis.CohortPupil(
            record=record,
            grades=residuals.subject_grades(entries.get(pupil.pk, [])),
            classes=tuple(memberships.get(pupil.pk, ())),
            ks2_average=float(average[i]),
        )
        for i, (pupil, record) in enumerate(zip(pupils, records, strict=True))
    ]
    return Ks4Cohort(cohort, classes, subject_of, {str(p.pk): p for p in pupils})


def _year11_classes(
    school: School, year: int, pupil_ids: list[int], subject_of: dict[str, Subject | None]
) -> tuple[dict[int, list[int]], list[ks4_analysis.ClassInfo]]:
    """The Year 11 classes of the school year the exams were sat in (from September before),
    each with the qualification subjects it taught (its subjects' names in them)."""
    memberships: dict[int, list[int]] = {}
    for class_id, pupil_id in Enrolment.objects.filter(
        school=school,
        pupil_id__in=pupil_ids,
        teaching_class__year_group=11,
        teaching_class__academic_year__starts_on__year=year - 1,
    ).values_list("teaching_class_id", "pupil_id"):
        memberships.setdefault(pupil_id, []).append(class_id)
    class_ids = {c for ids in memberships.values() for c in ids}
    infos = []
    for teaching_class in Class.objects.filter(pk__in=class_ids).prefetch_related("subjects"):
        taught = {s.pk for s in teaching_class.subjects.all()}
        own = tuple(q for q, s in subject_of.items() if s is not None and s.pk in taught)
        infos.append(ks4_analysis.ClassInfo(teaching_class.pk, teaching_class.name, own))
    return memberships, infos


def ks4_subject_scope(cohort: Ks4Cohort, department_ids: set[int] | None) -> set[str] | None:
    """The qualification subjects of some departments (None: every subject)."""
    if department_ids is None:
        return None
    return {
        q
        for q, subject in cohort.subject_of.items()
        if subject is not None and subject.department_id in department_ids
    }


def ks4_analysis_for(
    school: School, year: int, department_ids: set[int] | None = None
) -> tuple[Ks4Cohort, ks4_analysis.Ks4Analysis]:
    """The cohort's analysis; for a head of department, their departments' subjects only."""
    cohort = ks4_cohort(school, year)
    scope = ks4_subject_scope(cohort, department_ids)
    return cohort, ks4_analysis.analyse(year, cohort.pupils, cohort.classes, scope)


# --- the current Year 11: working-at grades ---------------------------------------------

YEAR11_GROUPINGS: dict[str, Any] = {  # grouping → how a pupil row (see below) is labelled
    "disadvantaged": lambda p: "yes" if p["disadvantaged"] else "no",
    "sen": lambda p: "no" if p["sen_status"] == "N" else "yes",
    "eal": lambda p: "yes" if p["eal"] else "no",
    "gender": lambda p: {"F": "female", "M": "male"}.get(p["gender"], "not recorded"),
}


@dataclass(frozen=True)
class Year11Point:
    point: AssessmentPoint
    subjects: list[working_at.WorkingAt]


@dataclass(frozen=True)
class Year11Group:
    grouping: str
    label: str
    pupils: int
    subjects: dict[str, working_at.WorkingAt]


@dataclass(frozen=True)
class Year11WorkingAt:
    pupils: int  # Year 11 on roll
    points: list[Year11Point]  # oldest first
    subjects: list[str]
    groups: list[Year11Group]  # at the latest point


def year11_working_at(school: School, department_ids: set[int] | None = None) -> Year11WorkingAt:
    """The current Year 11's working-at grades at each assessment point, by subject, and by
    group at the latest point (four queries); a head of department's subjects only."""
    pupils: list[dict[str, Any]] = [
        dict(row)
        for row in Pupil.objects.filter(on_roll(), school=school, year_group=11).values(
            "pk", "disadvantaged", "sen_status", "eal", "gender"
        )
    ]
    levels: dict[int, list[tuple[str, float]]] = {}
    for scale_id, label, value in ScaleLevel.objects.filter(school=school).values_list(
        "scale_id", "label", "value"
    ):
        levels.setdefault(scale_id, []).append((label, float(value)))
    scales = [scale for scale, found in levels.items() if working_at.is_grade_scale(found)]
    rows = StandingSnapshot.objects.filter(
        school=school,
        pupil_id__in=[p["pk"] for p in pupils],
        objective__framework__scale_id__in=scales,
        value__isnull=False,
    )
    if department_ids is not None:
        rows = rows.filter(objective__framework__subject__department_id__in=department_ids)
    by_point: dict[int, list[tuple[int, str, float]]] = {}
    for point_id, pupil_id, subject, grade in rows.values_list(
        "point_id", "pupil_id", "objective__framework__subject__name", "value"
    ):
        if grade is not None:  # filtered out above; the type cannot tell
            by_point.setdefault(point_id, []).append((pupil_id, subject, float(grade)))
    points = list(AssessmentPoint.objects.filter(pk__in=list(by_point)).order_by("date", "name"))
    shown = [
        Year11Point(point, working_at.by_subject(working_at.pupil_grades(by_point[point.pk])))
        for point in points
    ]
    subjects = sorted({w.subject for p in shown for w in p.subjects}, key=str.casefold)
    groups = _year11_groups(pupils, by_point[points[-1].pk]) if points else []
    return Year11WorkingAt(len(pupils), shown, subjects, groups)


def _year11_groups(
    pupils: list[dict[str, Any]], rows: list[tuple[int, str, float]]
) -> list[Year11Group]:
    grades = working_at.pupil_grades(rows)
    out = []
    for grouping, label_of in YEAR11_GROUPINGS.items():
        members: dict[str, list[int]] = {}
        for pupil in pupils:
            members.setdefault(label_of(pupil), []).append(pupil["pk"])
        for label in sorted(members):
            found = working_at.by_subject(grades, members[label])
            out.append(
                Year11Group(grouping, label, len(members[label]), {w.subject: w for w in found})
            )
    return out


def tables_listed(school: School, kinds: Sequence[str]) -> list[ReferenceTable]:
    """The tables of these kinds this school may use, by kind, newest first."""
    return list(
        ReferenceTable.objects.filter(table_scope(school), kind__in=kinds)
        .select_related("school", "trust")  # their names are in the table's title
        .order_by("kind", "-year", "source", "pk")
    )


def table_with_groups(school: School, table_id: int) -> ReferenceTable | None:
    """A measuring table this school may use (not a nominal one), with its groups."""
    return (
        ReferenceTable.objects.filter(table_scope(school), pk=table_id)
        .exclude(kind=ReferenceTable.Kind.NOMINAL)
        .select_related("school", "trust")
        .prefetch_related("groups")
        .first()
    )
