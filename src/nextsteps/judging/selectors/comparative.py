"""Reads for comparative judgement: lists, the organiser's page, the judging page and reports."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext

from nextsteps.curriculum.models import ScaleLevel
from nextsteps.judging.kernels import bradley_terry
from nextsteps.judging.kernels.charts import Chart, ChartPoint, scale_chart
from nextsteps.judging.kernels.fit_warnings import FitWarning, fit_warnings
from nextsteps.judging.models import CJSession, Comparison, Judge, Script
from nextsteps.schools.models import School

Z95 = 1.959964  # two-sided 95% normal quantile, for the interval around each script
CHART_LIMIT = 300  # scripts drawn on the chart; the table always lists them all


def target_total(session: CJSession) -> int:
    """Judgements needed for every script to be judged `target_per_script` times."""
    return math.ceil(session.script_count * session.target_per_script / 2)


def scaled_score(session: CJSession, theta: float) -> int:
    """The scaled score for a place on the scale: centre + points per logit × theta."""
    value = float(session.scaled_centre) + float(session.scaled_per_logit) * theta
    return round(value)


# --------------------------------------------------------------------------- grades


@dataclass
class GradeScale:
    """Boundaries set by where the standard's exemplars sit, as levels of the objective's scale."""

    levels: list[ScaleLevel]
    boundaries: list[tuple[ScaleLevel, float]]
    problem: str = ""

    def level_for(self, theta: float) -> ScaleLevel | None:
        """The highest level whose boundary theta reaches; below them all, the level below
        the lowest boundary (or that lowest level itself, when the scale has none below)."""
        if not self.boundaries:
            return None
        kernel = [bradley_terry.Boundary(str(level.pk), value) for level, value in self.boundaries]
        grade = bradley_terry.grade_for(theta, kernel)
        if grade is not None:
            return next(level for level in self.levels if str(level.pk) == grade)
        lowest = self.boundaries[0][0]
        below = [level for level in self.levels if level.position < lowest.position]
        return below[-1] if below else lowest


def grade_scale(session: CJSession) -> GradeScale:
    """Grade boundaries from the fitted exemplar scripts (mean theta per level), in 2 queries."""
    if session.objective_id is None:
        return GradeScale([], [], "the session has no objective, so it has no standards to map to")
    levels = list(
        ScaleLevel.objects.filter(scale__frameworks__objectives=session.objective_id).order_by(
            "position"
        )
    )
    placed = [
        (str(s.exemplar.level_id), s.theta)
        for s in Script.objects.filter(
            session=session, exemplar__level__isnull=False, theta__isnull=False
        ).select_related("exemplar")
        if s.theta is not None and s.exemplar is not None
    ]
    if not placed:
        return GradeScale(
            levels, [], "no exemplar at an agreed standard has been placed on the scale yet"
        )
    try:
        kernel = bradley_terry.grade_boundaries(placed, [str(level.pk) for level in levels])
    except ValueError as error:
        names = {str(level.pk): level.label for level in levels}
        message = str(error)
        for pk, label in names.items():
            message = message.replace(f"'{pk}'", f"'{label}'")
        return GradeScale(levels, [], f"the exemplars contradict each other: {message}")
    by_pk = {str(level.pk): level for level in levels}
    return GradeScale(levels, [(by_pk[b.grade], b.theta) for b in kernel])


# --------------------------------------------------------------------------- lists and pages


def cj_sessions_list(sessions: QuerySet[CJSession]) -> list[CJSession]:
    """Sessions with their judges counted, for the judging home page (one query)."""
    return list(
        CJSession.objects.filter(pk__in=sessions.values("pk"))
        .select_related("objective", "department")
        .annotate(judge_count=Count("judges", distinct=True))
        .order_by("-created_at", "-pk")
    )


@dataclass
class JudgeProgress:
    judge: Judge
    comparisons: int
    seconds: float


@dataclass
class SessionOverview:
    session: CJSession
    scripts: list[Script]
    judges: list[JudgeProgress]
    target: int
    warnings: list[str] = field(default_factory=list)
    reliability_warnings: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int:
        if not self.target:
            return 0
        return min(100, round(100 * self.session.comparison_count / self.target))


def cj_session_overview(session: CJSession) -> SessionOverview:
    """The organiser's page: scripts (with pupils), judges, progress and warnings, in 3 queries."""
    scripts = list(
        Script.objects.filter(session=session).select_related("pupil", "exemplar__level")
    )
    judges = list(
        Judge.objects.filter(session=session)
        .select_related("staff")
        .annotate(made=Count("comparisons"))
    )
    rows = _judgement_rows(session)
    seconds = _seconds_by_judge(rows)
    warnings = session_fit_warnings(rows, scripts, judges)
    return SessionOverview(
        session=session,
        scripts=scripts,
        judges=[JudgeProgress(j, j.made, sum(seconds.get(j.pk, []))) for j in judges],
        target=target_total(session),
        warnings=[w.sentence(gettext) for w in warnings],
        reliability_warnings=[w.sentence(gettext) for w in warnings if w.qualifies_reliability],
    )


JudgementRow = tuple[int, int, int, int, float]  # judge, winner, left, right, seconds


def _judgement_rows(session: CJSession) -> list[JudgementRow]:
    return list(
        Comparison.objects.filter(session=session)
        .order_by("pk")
        .values_list("judge_id", "winner_id", "left_id", "right_id", "seconds")
    )


def _seconds_by_judge(rows: list[JudgementRow]) -> dict[int, list[float]]:
    seconds: dict[int, list[float]] = defaultdict(list)
    for judge_id, *_, value in rows:
        seconds[judge_id].append(value)
    return seconds


def session_fit_warnings(
    rows: Sequence[JudgementRow], scripts: Sequence[Script], judges: Sequence[Judge]
) -> list[FitWarning]:
    """What the session's judgements cannot support (`fit_warnings`), scripts named by code."""
    codes = {script.pk: script.code for script in scripts}
    judgements = [
        (str(judge_id), codes[winner], codes[right if winner == left else left])
        for judge_id, winner, left, right, _ in rows
    ]
    return fit_warnings(
        judgements,
        anchors=[script.code for script in scripts if script.anchor_theta is not None],
        judge_names={str(judge.pk): judge.staff.name for judge in judges},
    )


@dataclass
class PairView:
    left: Script
    right: Script
    made: int
    target: int
    session_made: int

    @property
    def left_right(self) -> list[tuple[str, Script]]:
        return [("left", self.left), ("right", self.right)]


def pair_view(session: CJSession, judge: Judge, left_id: int, right_id: int) -> PairView:
    """The two scripts for the judging page and the judge's progress, in 2 queries."""
    scripts = {s.pk: s for s in Script.objects.filter(session=session, pk__in=[left_id, right_id])}
    return PairView(
        left=scripts[left_id],
        right=scripts[right_id],
        made=Comparison.objects.filter(judge=judge).count(),
        target=target_total(session),
        session_made=session.comparison_count,
    )


# --------------------------------------------------------------------------- reports


@dataclass
class ScriptRow:
    script: Script
    rank: int
    theta: float
    low: float
    high: float
    scaled: int
    scaled_low: int
    scaled_high: int
    grade: ScaleLevel | None
    look_again: bool


@dataclass
class JudgeRow:
    judge: Judge
    comparisons: int
    total_seconds: float
    median_seconds: float | None


@dataclass
class Report:
    session: CJSession
    rows: list[ScriptRow]
    unplaced: list[Script]
    judges: list[JudgeRow]
    grades: GradeScale
    chart: Chart
    comparisons: int
    total_seconds: float
    look_again: list[ScriptRow] = field(default_factory=list)
    boundaries: list[tuple[ScaleLevel, float, int]] = field(default_factory=list)
    warnings: list[FitWarning] = field(default_factory=list)

    @property
    def warning_sentences(self) -> list[str]:
        return [warning.sentence(gettext) for warning in self.warnings]

    @property
    def reliability_qualified(self) -> bool:
        return any(warning.qualifies_reliability for warning in self.warnings)

    @property
    def median_seconds(self) -> float | None:
        values = [j.median_seconds for j in self.judges if j.median_seconds is not None]
        return statistics.median(values) if values else None

    @property
    def charted_all(self) -> bool:
        return len(self.chart.points) == len(self.rows)

    @property
    def misfitting_judges(self) -> list[JudgeRow]:
        return [j for j in self.judges if j.judge.misfit]


def cj_report(session: CJSession) -> Report:
    """The scale, reliability, judge fit, time and scripts to look at again, in 5 queries."""
    scripts = list(
        Script.objects.filter(session=session).select_related("pupil", "exemplar__level")
    )
    placed = sorted(
        (s for s in scripts if s.theta is not None), key=lambda s: (-(s.theta or 0.0), s.code)
    )
    grades = grade_scale(session)
    rows = _rows(session, placed, grades)
    judges = list(Judge.objects.filter(session=session).select_related("staff"))
    judgement_rows = _judgement_rows(session)
    seconds = _seconds_by_judge(judgement_rows)
    judge_rows = [
        JudgeRow(
            judge=j,
            comparisons=len(seconds.get(j.pk, [])),
            total_seconds=sum(seconds.get(j.pk, [])),
            median_seconds=statistics.median(seconds[j.pk]) if seconds.get(j.pk) else None,
        )
        for j in judges
    ]
    boundaries = [(level.label, value) for level, value in grades.boundaries]
    return Report(
        session=session,
        rows=rows,
        unplaced=[s for s in scripts if s.theta is None],
        judges=judge_rows,
        grades=grades,
        chart=scale_chart(
            [_point(row) for row in _charted(rows)],
            boundaries,
            tick_label=lambda value: str(scaled_score(session, value)),
        ),
        comparisons=sum(j.comparisons for j in judge_rows),
        total_seconds=sum(j.total_seconds for j in judge_rows),
        look_again=[row for row in rows if row.look_again],
        boundaries=[
            (level, value, scaled_score(session, value)) for level, value in grades.boundaries
        ],
        warnings=session_fit_warnings(judgement_rows, scripts, judges),
    )


def _rows(session: CJSession, placed: list[Script], grades: GradeScale) -> list[ScriptRow]:
    infit = np.array([s.infit if s.infit is not None else np.nan for s in placed])
    flagged = bradley_terry.misfitting(infit) if len(placed) else np.zeros(0, dtype=bool)
    rows = []
    for rank, (script, misfit) in enumerate(zip(placed, flagged.tolist(), strict=True), start=1):
        theta = script.theta or 0.0
        half = Z95 * script.se if script.se is not None else 0.0
        rows.append(
            ScriptRow(
                script=script,
                rank=rank,
                theta=theta,
                low=theta - half,
                high=theta + half,
                scaled=scaled_score(session, theta),
                scaled_low=scaled_score(session, theta - half),
                scaled_high=scaled_score(session, theta + half),
                grade=grades.level_for(theta),
                look_again=bool(misfit),
            )
        )
    return rows


def _charted(rows: list[ScriptRow]) -> list[ScriptRow]:
    """Every script up to CHART_LIMIT; beyond that an even spread plus every flagged script."""
    if len(rows) <= CHART_LIMIT:
        return rows
    step = math.ceil(len(rows) / CHART_LIMIT)
    return [row for i, row in enumerate(rows) if i % step == 0 or row.look_again]


def _point(row: ScriptRow) -> ChartPoint:
    script = row.script
    if script.anchor_theta is not None:
        marker = "anchor"
    elif script.exemplar_id:
        marker = "exemplar"
    elif row.look_again:
        marker = "look_again"
    else:
        marker = "script"
    return ChartPoint(
        label=script.code,
        theta=row.theta,
        low=row.low,
        high=row.high,
        marker=marker,
        description=f"{script.code}: {row.scaled} ({row.scaled_low} to {row.scaled_high})",
    )


def comparisons_csv_rows(session: CJSession) -> Iterable[tuple[str, str, str, float]]:
    """judge, winner, loser, seconds: the `nextsteps cj fit` input format, by script code."""
    codes = dict(Script.objects.filter(session=session).values_list("pk", "code"))
    for judge_id, winner, left, right, seconds in (
        Comparison.objects.filter(session=session)
        .values_list("judge_id", "winner_id", "left_id", "right_id", "seconds")
        .order_by("pk")
    ):
        loser = right if winner == left else left
        yield (f"J{judge_id}", codes[winner], codes[loser], seconds)


def earlier_fitted_sessions(school: School, session: CJSession, limit: int = 20) -> list[CJSession]:
    """The school's other fitted sessions, newest first (where anchors may come from)."""
    earlier = CJSession.objects.filter(school=school, fitted_at__isnull=False).exclude(
        pk=session.pk
    )
    return list(earlier.order_by("-created_at")[:limit])


def pair_scripts(session: CJSession, ids: Sequence[int]) -> dict[int, Script]:
    """The session's scripts with these ids, by id (a pair shown to a judge)."""
    return {s.pk: s for s in Script.objects.filter(session=session, pk__in=ids)}


SURPRISING = 0.2  # a result the scale gave less than a one-in-five chance


def script_review(session: CJSession, script_id: int) -> tuple[Script, list[dict[str, Any]]] | None:
    """One script of the session with every comparison it was in, each with the chance the
    scale gave of its result (to look at it again); None if the session has no such script."""
    script = (
        Script.objects.filter(session=session, pk=script_id)
        .select_related("pupil", "exemplar__level")
        .first()
    )
    if script is None:
        return None
    comparisons = list(
        Comparison.objects.filter(session=session)
        .filter(Q(left_id=script.pk) | Q(right_id=script.pk))
        .select_related("left", "right", "judge__staff")
        .order_by("pk")
    )
    rows = []
    for c in comparisons:
        other = c.right if c.left_id == script.pk else c.left
        won = c.winner_id == script.pk
        expected = bradley_terry.win_probability(script.theta, other.theta)
        likely = None if expected is None else (expected if won else 1.0 - expected)
        rows.append(
            {
                "c": c,
                "other": other,
                "won": won,
                "expected": expected,
                "expected_loss": None if expected is None else 1.0 - expected,
                "surprising": likely is not None and likely < SURPRISING,
            }
        )
    return script, rows
