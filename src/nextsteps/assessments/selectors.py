"""Reads for tests: the cohort, the mark grid, question-level analysis, scores and judgements.

Every function loads what its page needs in a fixed number of queries, however many pupils
and questions there are (the counts are asserted in tests/assessments/test_query_budgets.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from nextsteps.assessments.kernels import charts, conversion, qla
from nextsteps.assessments.models import (
    Assessment,
    AssessmentClass,
    JudgementThreshold,
    Mark,
    Question,
    QuestionObjective,
    ScoreBand,
    ScoreTable,
    ScoreTableEntry,
)
from nextsteps.assessments.services import judgement_entry_from_test
from nextsteps.curriculum.models import Objective, Scale, ScaleLevel
from nextsteps.markbook.services import JudgementEntry
from nextsteps.people.models import Gender, Pupil, SenStatus
from nextsteps.schools.models import Department, School
from nextsteps.teaching.models import Class, Enrolment, GroupMembership, PupilGroup
from nextsteps.teaching.selectors import current

DEFAULT_RETEACH_BELOW = 60


# ---------------------------------------------------------------------------- cohort


def assessment_classes(assessment: Assessment) -> list[Class]:
    """The classes sitting the test, by name (one query)."""
    return list(
        Class.objects.filter(pk__in=assessment.class_links.values("teaching_class_id")).order_by(
            "year_group", "name"
        )
    )


def cohort(assessment: Assessment, classes: Iterable[Class]) -> list[Pupil]:
    """Pupils in these classes on the day of the test, in register order, each with
    `teaching_class` set (one query)."""
    by_id = {c.pk: c for c in classes}
    enrolled = Enrolment.objects.filter(current(assessment.taken_on), teaching_class_id__in=by_id)
    rows = (
        Pupil.objects.filter(enrolments__in=enrolled)
        .annotate(class_id=F("enrolments__teaching_class_id"))
        .order_by("legal_surname", "legal_forename", "pk")
    )
    pupils: dict[int, Pupil] = {}
    for pupil in rows:
        if pupil.pk not in pupils:
            pupil.teaching_class = by_id[pupil.class_id]  # type: ignore[attr-defined]
            pupils[pupil.pk] = pupil
    return list(pupils.values())


def questions_of(assessment: Assessment) -> list[Question]:
    """The questions in order with their objectives (two queries)."""
    links = QuestionObjective.objects.select_related("objective").order_by("objective__position")
    return list(
        assessment.questions.prefetch_related(Prefetch("objective_links", queryset=links)).order_by(
            "position"
        )
    )


def question_list(assessment: Assessment) -> list[Question]:
    """The questions in order, without their objectives (one query)."""
    return list(assessment.questions.order_by("position"))


def question_of(assessment: Assessment, question_id: int) -> Question | None:
    """One question of this test, or None."""
    return Question.objects.filter(assessment=assessment, pk=question_id).first()


def sat_by(tests: QuerySet[Assessment], teaching_class: Class) -> QuerySet[Assessment]:
    """Of these tests, the ones a class sits."""
    return tests.filter(class_links__teaching_class=teaching_class)


def objectives_for(assessment: Assessment, every_year: bool) -> list[Objective]:
    """Objectives a question may assess: the subject's, for the test's year unless asked
    (one query)."""
    objectives = Objective.objects.filter(school=assessment.school).select_related("framework")
    if assessment.subject_id:
        objectives = objectives.filter(framework__subject_id=assessment.subject_id)
    if assessment.year_group is not None and not every_year:
        objectives = objectives.filter(
            Q(year_group=assessment.year_group) | Q(year_group__isnull=True)
        )
    return list(objectives.order_by("framework__name", "position"))


def linked_objectives(question: Question) -> list[Objective]:
    return [link.objective for link in question.objective_links.all()]


def marks_of(assessment: Assessment, pupil_ids: Iterable[int]) -> dict[tuple[int, int], int]:
    """(pupil id, question id) → marks for these pupils (one query)."""
    return {
        (pupil_id, question_id): marks
        for pupil_id, question_id, marks in Mark.objects.filter(
            assessment=assessment, pupil_id__in=list(pupil_ids)
        ).values_list("pupil_id", "question_id", "marks")
    }


# ---------------------------------------------------------------------------- mark grid


@dataclass
class GridRow:
    pupil: Pupil
    marks: list[int | None]
    editable: bool

    @property
    def total(self) -> int:
        return sum(m for m in self.marks if m is not None)

    @property
    def marked(self) -> int:
        return sum(1 for m in self.marks if m is not None)


@dataclass
class Grid:
    questions: list[Question]
    rows: list[GridRow]

    @property
    def max_total(self) -> int:
        return sum(q.max_marks for q in self.questions)

    def cells(self) -> Iterable[tuple[GridRow, Question, int | None]]:
        for row in self.rows:
            yield from ((row, q, m) for q, m in zip(self.questions, row.marks, strict=True))


def mark_grid(assessment: Assessment, teaching_class: Class, editable: set[int] | None) -> Grid:
    """A class's pupils × the test's questions; `editable` limits whose marks may be entered
    (None: everyone). Four queries."""
    questions = questions_of(assessment)
    pupils = cohort(assessment, [teaching_class])
    marks = marks_of(assessment, [p.pk for p in pupils])
    rows = [
        GridRow(
            pupil=pupil,
            marks=[marks.get((pupil.pk, q.pk)) for q in questions],
            editable=editable is None or pupil.pk in editable,
        )
        for pupil in pupils
    ]
    return Grid(questions=questions, rows=rows)


# ---------------------------------------------------------------------------- analysis


@dataclass(frozen=True)
class Scope:
    key: str
    label: str
    kind: str


@dataclass
class QuestionLine:
    question: Question
    facility: qla.Facility
    objectives: list[Objective]
    below: bool


@dataclass
class ObjectiveLine:
    objective: Objective
    facility: qla.Facility
    questions: list[str]
    below: bool


@dataclass
class BreakdownColumn:
    label: str
    pupils: int
    overall: qla.Facility
    questions: list[qla.Facility]
    objectives: list[qla.Facility]


@dataclass
class ReteachLine:
    label: str
    wording: str
    facility: qla.Facility
    pupils: list[Pupil]
    whole_class: bool


@dataclass
class Analysis:
    scope: Scope
    scopes: list[Scope]
    threshold: int
    pupils: int
    sat: int
    overall: qla.Facility
    questions: list[QuestionLine]
    objectives: list[ObjectiveLine]
    breakdown: list[BreakdownColumn]
    reteach_questions: list[ReteachLine]
    reteach_objectives: list[ReteachLine]
    chart: charts.BarChart | None = None

    @property
    def questions_below(self) -> int:
        return sum(1 for line in self.questions if line.below)

    @property
    def objectives_below(self) -> int:
        return sum(1 for line in self.objectives if line.below)


def characteristic_groups(pupils: Sequence[Pupil]) -> dict[str, list[int]]:
    """The characteristics schools analyse, each with its complement so a gap can be read."""
    groups: dict[str, list[int]] = {_("Everyone"): [p.pk for p in pupils]}
    tests: list[tuple[str, str, Callable[[Pupil], bool]]] = [
        (_("Disadvantaged"), _("Not disadvantaged"), lambda p: p.disadvantaged),
        (_("SEN support or EHCP"), _("No SEN"), lambda p: p.sen_status != SenStatus.NONE),
        (_("EAL"), _("Not EAL"), lambda p: p.eal),
    ]
    for yes, no, test in tests:
        groups[yes] = [p.pk for p in pupils if test(p)]
        groups[no] = [p.pk for p in pupils if not test(p)]
    groups[_("Girls")] = [p.pk for p in pupils if p.gender == Gender.FEMALE]
    groups[_("Boys")] = [p.pk for p in pupils if p.gender == Gender.MALE]
    other = [p.pk for p in pupils if p.gender == Gender.OTHER]
    if other:
        groups[_("Gender not recorded or other")] = other
    return groups


def _scopes(classes: Sequence[Class], groups: Sequence[PupilGroup]) -> list[Scope]:
    scopes = [Scope("all", _("Everyone who sat it"), "all")] if len(classes) > 1 else []
    scopes += [Scope(f"class-{c.pk}", c.name, "class") for c in classes]
    scopes += [
        Scope(f"group-{g.pk}", f"{g.name} ({g.teaching_class.name})", "group") for g in groups
    ]
    return scopes


def analysis(
    assessment: Assessment,
    classes: Sequence[Class],
    *,
    scope_key: str = "",
    threshold: int = DEFAULT_RETEACH_BELOW,
    on: dt.date | None = None,
) -> Analysis:
    """Question-level analysis of the test for one scope (everyone, a class or a group).

    Seven queries: questions and their objectives, the cohort, marks, groups and memberships.
    """
    questions = questions_of(assessment)
    pupils = cohort(assessment, classes)
    groups = list(
        PupilGroup.objects.filter(teaching_class__in=list(classes))
        .select_related("teaching_class")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=GroupMembership.objects.filter(current(on or assessment.taken_on)),
            )
        )
        .order_by("teaching_class__name", "name")
    )
    scopes = _scopes(classes, groups)
    scope = next((s for s in scopes if s.key == scope_key), scopes[0])
    members = _scope_members(scope, pupils, groups)
    pupils = [p for p in pupils if p.pk in members]
    marks = marks_of(assessment, [p.pk for p in pupils])
    specs = [
        qla.QuestionSpec(q.pk, q.label, q.max_marks, tuple(o.pk for o in linked_objectives(q)))
        for q in questions
    ]
    matrix = qla.MarkMatrix.from_cells(
        [p.pk for p in pupils], specs, ((p, q, m) for (p, q), m in marks.items())
    )
    return _analysis_view(matrix, questions, pupils, scope, scopes, threshold / 100)


def _scope_members(scope: Scope, pupils: Sequence[Pupil], groups: Sequence[PupilGroup]) -> set[int]:
    if scope.kind == "class":
        class_id = int(scope.key.split("-")[1])
        return {p.pk for p in pupils if p.teaching_class.pk == class_id}  # type: ignore[attr-defined]
    if scope.kind == "group":
        group = next(g for g in groups if f"group-{g.pk}" == scope.key)
        return {m.pupil_id for m in group.memberships.all()}
    return {p.pk for p in pupils}


def _analysis_view(
    matrix: qla.MarkMatrix,
    questions: list[Question],
    pupils: list[Pupil],
    scope: Scope,
    scopes: list[Scope],
    threshold: float,
) -> Analysis:
    everyone = qla.group_facility(matrix)
    objectives = {o.pk: o for q in questions for o in linked_objectives(q)}
    labels_for: dict[int, list[str]] = defaultdict(list)
    for q in questions:
        for o in linked_objectives(q):
            labels_for[o.pk].append(q.label)
    by_pupil = {p.pk: p for p in pupils}
    reteach_q, reteach_o = qla.needs(matrix, everyone, threshold)
    question_of = {q.pk: q for q in questions}
    breakdown = qla.breakdown(matrix, characteristic_groups(pupils))
    return Analysis(
        scope=scope,
        scopes=scopes,
        threshold=round(threshold * 100),
        pupils=len(pupils),
        sat=everyone.pupils,
        overall=everyone.overall,
        questions=[
            QuestionLine(q, f, linked_objectives(q), _below(f, threshold))
            for q, f in zip(questions, everyone.questions, strict=True)
        ],
        objectives=[
            ObjectiveLine(objectives[key], f, labels_for[key], _below(f, threshold))
            for key, f in everyone.objectives.items()
        ],
        breakdown=[
            BreakdownColumn(
                label,
                g.pupils,
                g.overall,
                g.questions,
                [g.objectives[k] for k in matrix.objectives],
            )
            for label, g in breakdown.items()
        ],
        reteach_questions=[
            ReteachLine(
                _("Question %(label)s") % {"label": question_of[r.key].label},
                ", ".join(o.code for o in linked_objectives(question_of[r.key])),
                r.facility,
                [by_pupil[p] for p in r.pupils],
                r.whole_class,
            )
            for r in reteach_q
        ],
        reteach_objectives=[
            ReteachLine(
                objectives[r.key].code,
                objectives[r.key].wording,
                r.facility,
                [by_pupil[p] for p in r.pupils],
                r.whole_class,
            )
            for r in reteach_o
        ],
        chart=charts.bar_chart(
            [q.label for q in questions],
            [f.percent if f.percent is not None else None for f in everyone.questions],
            threshold=threshold * 100,
        )
        if questions
        else None,
    )


def _below(facility: qla.Facility, threshold: float) -> bool:
    share = facility.share
    return share is not None and share < threshold


# ---------------------------------------------------------------------------- scores


@dataclass
class ScoreRow:
    pupil: Pupil
    raw: int
    marked: int
    complete: bool
    age_months: int | None = None
    score: int | None = None
    band: str = ""
    note: str = ""

    @property
    def age(self) -> str:
        return conversion.format_age(self.age_months) if self.age_months is not None else ""


@dataclass
class BandCount:
    label: str
    lowest: int
    pupils: int


@dataclass
class Scores:
    table: ScoreTable | None
    max_total: int
    questions: int
    rows: list[ScoreRow]
    bands: list[BandCount] = field(default_factory=list)
    no_score: int = 0


def load_table(
    table: ScoreTable,
) -> tuple[conversion.ScaledTable | conversion.StandardisedTable, list[conversion.Band]]:
    """A stored table as the conversion kernel's table, with its bands (two queries)."""
    entries = ScoreTableEntry.objects.filter(table=table).values_list(
        "raw_mark", "age_months", "score"
    )
    kernel: conversion.ScaledTable | conversion.StandardisedTable
    if table.kind == ScoreTable.Kind.SCALED:
        kernel = conversion.ScaledTable({raw: score for raw, _age, score in entries})
    else:
        kernel = conversion.StandardisedTable(
            {(raw, age): score for raw, age, score in entries if age is not None}
        )
    bands = [conversion.Band(b.label, b.lowest) for b in ScoreBand.objects.filter(table=table)]
    return kernel, bands


def scores(assessment: Assessment, pupils: Sequence[Pupil]) -> Scores:
    """Each pupil's raw total and, with a score table, their converted score and band.

    A score is given only when every question is marked. Five queries at most.
    """
    questions = list(assessment.questions.values_list("pk", "max_marks"))
    max_total = sum(m for _pk, m in questions)
    totals: dict[int, tuple[int, int]] = {
        pupil_id: (raw or 0, marked)
        for pupil_id, raw, marked in Mark.objects.filter(
            assessment=assessment, pupil_id__in=[p.pk for p in pupils]
        )
        .values("pupil_id")
        .annotate(raw=Sum("marks"), marked=Count("pk"))
        .values_list("pupil_id", "raw", "marked")
    }
    rows = []
    for pupil in pupils:
        raw, marked = totals.get(pupil.pk, (0, 0))
        complete = bool(questions) and marked == len(questions)
        rows.append(ScoreRow(pupil=pupil, raw=raw, marked=marked, complete=complete))
    result = Scores(
        table=assessment.score_table, max_total=max_total, questions=len(questions), rows=rows
    )
    if assessment.score_table is not None:
        _convert(result, assessment, assessment.score_table)
    return result


def _convert(result: Scores, assessment: Assessment, table: ScoreTable) -> None:
    kernel, bands = load_table(table)
    counts = {b.lowest: 0 for b in bands}
    for row in result.rows:
        row.note = _score_for(row, kernel, assessment.taken_on)
        band = conversion.band_for(row.score, bands)
        if band is not None:
            row.band = band.label
            counts[band.lowest] += 1
        elif row.marked:
            result.no_score += 1
    result.bands = [
        BandCount(b.label, b.lowest, counts[b.lowest])
        for b in sorted(bands, key=lambda b: b.lowest)
    ]


def _score_for(
    row: ScoreRow,
    kernel: conversion.ScaledTable | conversion.StandardisedTable,
    taken_on: dt.date,
) -> str:
    """Set the row's score; return why there is none, when there is none."""
    if not row.marked:
        return _("Not marked yet")
    if not row.complete:
        return _("Not every question is marked yet")
    if row.raw > kernel.max_raw:
        return _("The table stops at %(max)s marks") % {"max": kernel.max_raw}
    if isinstance(kernel, conversion.ScaledTable):
        row.score = kernel.convert(row.raw)
        return "" if row.score is not None else _("Below the lowest raw mark given a scaled score")
    row.age_months = conversion.age_in_months(row.pupil.date_of_birth, taken_on)
    if not kernel.youngest <= row.age_months <= kernel.oldest:
        return _("Age %(age)s is outside the table (%(young)s to %(old)s)") % {
            "age": row.age,
            "young": conversion.format_age(kernel.youngest),
            "old": conversion.format_age(kernel.oldest),
        }
    row.score = kernel.convert(row.raw, row.age_months)
    return "" if row.score is not None else _("The table gives no score for this mark")


# ---------------------------------------------------------------------------- judgements


@dataclass
class LevelCount:
    level: ScaleLevel
    pupils: int


@dataclass
class ObjectivePlan:
    objective: Objective
    counts: list[LevelCount]
    skipped: int


@dataclass
class JudgementPlan:
    entries: list[JudgementEntry]
    objectives: list[ObjectivePlan]
    thresholds: dict[int, list[tuple[ScaleLevel, int]]]
    missing_scales: list[str]
    incomplete_pupils: int


def thresholds_for(
    school_id: int, department_id: int | None, scale_ids: Iterable[int]
) -> dict[int, list[tuple[ScaleLevel, int]]]:
    """Per scale, the (level, from %) thresholds: the department's own where it has set them,
    otherwise the whole school's (one query)."""
    rows = JudgementThreshold.objects.filter(
        school_id=school_id, level__scale_id__in=list(scale_ids)
    ).select_related("level")
    own: dict[int, list[tuple[ScaleLevel, int]]] = defaultdict(list)
    school: dict[int, list[tuple[ScaleLevel, int]]] = defaultdict(list)
    for row in rows:
        if row.department_id is None:
            school[row.level.scale_id].append((row.level, row.min_percent))
        elif row.department_id == department_id:
            own[row.level.scale_id].append((row.level, row.min_percent))
    chosen = {scale: own.get(scale) or school.get(scale) or [] for scale in set(own) | set(school)}
    return {
        scale: sorted(levels, key=lambda pair: pair[1])
        for scale, levels in chosen.items()
        if levels
    }


def level_for(percent: float, thresholds: Sequence[tuple[ScaleLevel, int]]) -> ScaleLevel | None:
    chosen = None
    for level, lowest in thresholds:
        if percent >= lowest:
            chosen = level
    return chosen


def judgement_plan(
    assessment: Assessment, teaching_class: Class, editable: set[int] | None
) -> JudgementPlan:
    """What recording the test as judgements would record for a class: a level per pupil and
    objective, from the pupil's share of the objective's marks and the department's
    thresholds. Only complete evidence counts: a pupil with some of the objective's questions
    unmarked is skipped (and one with none marked did not sit the test). Seven queries."""
    questions = questions_of(assessment)
    pupils = [
        p for p in cohort(assessment, [teaching_class]) if editable is None or p.pk in editable
    ]
    marks = marks_of(assessment, [p.pk for p in pupils])
    specs = [
        qla.QuestionSpec(q.pk, q.label, q.max_marks, tuple(o.pk for o in linked_objectives(q)))
        for q in questions
    ]
    matrix = qla.MarkMatrix.from_cells(
        [p.pk for p in pupils], specs, ((p, q, m) for (p, q), m in marks.items())
    )
    objectives = {o.pk: o for q in questions for o in linked_objectives(q)}
    scales = {
        pk: (scale_id, scale_name)
        for pk, scale_id, scale_name in Objective.objects.filter(
            pk__in=list(objectives)
        ).values_list("pk", "framework__scale_id", "framework__scale__name")
    }
    department_id = assessment.subject.department_id if assessment.subject else None
    thresholds = thresholds_for(
        assessment.school_id, department_id, {s for s, _n in scales.values()}
    )
    shares = qla.pupil_objective_shares(matrix, complete_only=True)
    marked = (~np.isnan(matrix.values)).astype(np.int64) @ matrix.incidence().astype(np.int64)
    needed = matrix.incidence().sum(axis=0)
    entries: list[JudgementEntry] = []
    plans = []
    for column, objective_id in enumerate(matrix.objectives):
        levels = thresholds.get(scales[objective_id][0], [])
        counts: dict[int, int] = defaultdict(int)
        for row, pupil in enumerate(pupils):
            share = float(shares[row, column])
            level = None if np.isnan(share) else level_for(share * 100, levels)
            if level is None:
                continue
            counts[level.pk] += 1
            entries.append(
                judgement_entry_from_test(
                    pupil=pupil,
                    objective=objectives[objective_id],
                    level=level,
                    percent=round(share * 100),
                    assessment=assessment,
                )
            )
        partial = int(((marked[:, column] > 0) & (marked[:, column] < needed[column])).sum())
        plans.append(
            ObjectivePlan(
                objectives[objective_id],
                [LevelCount(level, counts[level.pk]) for level, _p in levels],
                partial,
            )
        )
    missing = sorted({name for scale_id, name in scales.values() if scale_id not in thresholds})
    per_pupil = (~np.isnan(matrix.values)).sum(axis=1)
    incomplete = int(((per_pupil > 0) & (per_pupil < len(specs))).sum())
    return JudgementPlan(entries, plans, thresholds, missing, incomplete)


# ---------------------------------------------------------------------------- lists


@dataclass
class ClassProgress:
    teaching_class: Class
    pupils: int
    complete: int
    started: int


def assessment_cards(assessments: Iterable[Assessment]) -> list[Assessment]:
    """Tests with their classes, question count and marks available (three queries)."""
    totals = (
        Question.objects.filter(assessment=OuterRef("pk"))
        .values("assessment")
        .annotate(n=Count("pk"), total=Sum("max_marks"))
    )
    return list(
        Assessment.objects.filter(pk__in=[a.pk for a in assessments])
        .select_related("subject", "score_table")
        .prefetch_related(
            Prefetch(
                "class_links",
                queryset=AssessmentClass.objects.select_related("teaching_class").order_by(
                    "teaching_class__name"
                ),
            )
        )
        .annotate(
            question_count=Subquery(totals.values("n")),
            max_total=Subquery(totals.values("total")),
        )
        .order_by("-taken_on", "name")
    )


def marking_progress(assessment: Assessment, classes: Sequence[Class]) -> list[ClassProgress]:
    """For each class: pupils, how many are fully marked and how many started (three queries)."""
    questions = assessment.questions.count()
    pupils = cohort(assessment, classes)
    counts = dict(
        Mark.objects.filter(assessment=assessment, pupil_id__in=[p.pk for p in pupils])
        .values("pupil_id")
        .annotate(n=Count("pk"))
        .values_list("pupil_id", "n")
    )
    progress = []
    for teaching_class in classes:
        members = [p for p in pupils if p.teaching_class.pk == teaching_class.pk]  # type: ignore[attr-defined]
        progress.append(
            ClassProgress(
                teaching_class=teaching_class,
                pupils=len(members),
                complete=sum(1 for p in members if questions and counts.get(p.pk) == questions),
                started=sum(1 for p in members if counts.get(p.pk)),
            )
        )
    return progress


def pupil_total(assessment: Assessment, pupil_id: int) -> int:
    return (
        Mark.objects.filter(assessment=assessment, pupil_id=pupil_id).aggregate(t=Sum("marks"))["t"]
        or 0
    )


# ------------------------------------------------------------ score tables and thresholds


def score_tables(school: School) -> list[ScoreTable]:
    """The school's score tables, each with `band_count` and `test_count` (one query)."""
    return list(
        ScoreTable.objects.filter(school=school).annotate(
            band_count=Count("bands", distinct=True), test_count=Count("assessments", distinct=True)
        )
    )


def installed_tables(school: School) -> set[tuple[str, int]]:
    """(name, year) of each table the school has (one query)."""
    return set(ScoreTable.objects.filter(school=school).values_list("name", "year"))


def score_table(school: School, table_id: int) -> ScoreTable | None:
    return ScoreTable.objects.filter(school=school, pk=table_id).first()


def table_entries(table: ScoreTable) -> list[ScoreTableEntry]:
    """A table's rows, by age then raw mark (one query)."""
    return list(ScoreTableEntry.objects.filter(table=table).order_by("age_months", "raw_mark"))


def table_bands(table: ScoreTable) -> list[ScoreBand]:
    return list(table.bands.all())


def departments_of(school: School) -> list[Department]:
    """The school's departments by name (one query)."""
    return list(Department.objects.filter(school=school).order_by("name"))


def teacher_scales(school: School) -> list[Scale]:
    """The school's scales for teachers' judgements, by name (one query)."""
    return list(Scale.objects.filter(school=school, kind=Scale.Kind.TEACHER).order_by("name"))


def scale_levels(scale: Scale) -> list[ScaleLevel]:
    """A scale's levels, lowest value first (one query)."""
    return list(scale.levels.order_by("value"))


def threshold_percents(
    school: School, department: Department | None, scale: Scale
) -> dict[int, int | None]:
    """Level id → the least share of marks that shows it, as set for this scope (one query)."""
    return dict(
        JudgementThreshold.objects.filter(
            school=school, department=department, level__scale=scale
        ).values_list("level_id", "min_percent")
    )


def assessments_listed(visible: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """The visible tests with their subject, table, classes (by year and name), question count
    and total marks, newest first."""
    links = AssessmentClass.objects.select_related("teaching_class").order_by(
        "teaching_class__year_group", "teaching_class__name"
    )
    return (
        Assessment.objects.filter(pk__in=visible.values("pk"))
        .select_related("subject", "score_table")
        .prefetch_related(Prefetch("class_links", queryset=links))
        .annotate(question_count=Count("questions"), max_marks=Sum("questions__max_marks"))
        .order_by("-taken_on", "name", "pk")
    )


def assessments_filtered(
    rows: QuerySet[Assessment],
    *,
    class_id: int | None,
    subject: str | None,
    year_group: int | None,
    taken_from: dt.date | None,
    taken_to: dt.date | None,
) -> QuerySet[Assessment]:
    """Tests narrowed by a list's filters: sat by the class, of the subject, year and dates."""
    if class_id is not None:
        sitting = AssessmentClass.objects.filter(teaching_class_id=class_id)
        rows = rows.filter(pk__in=sitting.values("assessment_id"))
    if subject:
        rows = rows.filter(subject__name__iexact=subject)
    if year_group is not None:
        rows = rows.filter(year_group=year_group)
    if taken_from is not None:
        rows = rows.filter(taken_on__gte=taken_from)
    if taken_to is not None:
        rows = rows.filter(taken_on__lte=taken_to)
    return rows


def assessment_with_questions(rows: QuerySet[Assessment], pk: int) -> Assessment:
    """One test of the rows with its questions in order, each with its objective links."""
    links = QuestionObjective.objects.order_by("pk")
    questions = Question.objects.prefetch_related(Prefetch("objective_links", queryset=links))
    return rows.prefetch_related(
        Prefetch("questions", queryset=questions.order_by("position"))
    ).get(pk=pk)
