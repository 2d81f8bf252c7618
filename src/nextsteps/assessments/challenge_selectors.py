"""Reads for timed challenges and a pupil's own results: each pupil against their own best.

Nothing here orders pupils by score or picks out the highest: the class view counts how many
pupils beat their *own* best, and a pupil's page compares them only with themselves.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format

from nextsteps.assessments.kernels import charts, conversion, qla
from nextsteps.assessments.kernels.personal_best import Outcome, Step, Try, history, week_bounds
from nextsteps.assessments.models import (
    Assessment,
    Attempt,
    Challenge,
    Mark,
    Question,
    QuestionObjective,
)
from nextsteps.assessments.selectors import load_table
from nextsteps.curriculum.models import Objective
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School

WEEKS_SHOWN = 6
PRACTISE_BELOW = 0.6


def as_try(attempt: Attempt) -> Try:
    return Try(
        key=attempt.pk, score=attempt.score, seconds=attempt.seconds, taken_at=attempt.taken_at
    )


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


@dataclass
class PupilChallenge:
    challenge: Challenge
    steps: list[Step]
    chart: charts.LineChart

    @property
    def latest(self) -> Step:
        return self.steps[-1]

    @property
    def best(self) -> Try:
        return self.steps[-1].best

    @property
    def new_bests(self) -> int:
        return sum(1 for s in self.steps if s.outcome is Outcome.NEW_BEST)


def pupil_challenges(pupil: Pupil) -> list[PupilChallenge]:
    """Each challenge the pupil has tried, with every attempt against their own best (one query)."""
    by_challenge: dict[int, list[Attempt]] = defaultdict(list)
    challenges: dict[int, Challenge] = {}
    for attempt in Attempt.objects.filter(pupil=pupil).select_related("challenge"):
        by_challenge[attempt.challenge_id].append(attempt)
        challenges[attempt.challenge_id] = attempt.challenge
    result = []
    for challenge_id, attempts in by_challenge.items():
        steps = history(as_try(a) for a in attempts)
        result.append(
            PupilChallenge(
                challenge=challenges[challenge_id],
                steps=steps,
                chart=charts.score_chart(
                    [date_format(_local_day(s.attempt.taken_at), "j M") for s in steps],
                    [s.attempt.score for s in steps],
                    [s.best.score for s in steps],
                    [s.outcome is Outcome.NEW_BEST for s in steps],
                    top=challenges[challenge_id].max_score,
                    # Narrower than the page charts, so it stays legible on a pupil's phone.
                    width=480,
                    height=240,
                ),
            )
        )
    return sorted(result, key=lambda c: c.latest.attempt.taken_at, reverse=True)


@dataclass
class WeekCount:
    starts: dt.date
    beat: int
    took_part: int
    first_tries: int


@dataclass
class ClassChallenge:
    challenge: Challenge
    pupils: int
    this_week: WeekCount
    weeks: list[WeekCount]
    chart: charts.BarChart


def class_challenge(
    challenge: Challenge, pupils: Sequence[Pupil], today: dt.date
) -> ClassChallenge:
    """How many of these pupils beat their own best each week (one query). Who they are, and
    what anyone scored, is not part of the answer."""
    attempts: dict[int, list[Try]] = defaultdict(list)
    for attempt in Attempt.objects.filter(
        challenge=challenge, pupil__in=[p.pk for p in pupils]
    ).only("pk", "pupil_id", "score", "seconds", "taken_at"):
        attempts[attempt.pupil_id].append(as_try(attempt))
    monday, _next = week_bounds(today)
    starts = [monday - dt.timedelta(weeks=n) for n in range(WEEKS_SHOWN - 1, -1, -1)]
    counts = {start: WeekCount(start, 0, 0, 0) for start in starts}
    for tries in attempts.values():
        seen: dict[dt.date, set[Outcome]] = defaultdict(set)
        for step in history(tries):
            seen[week_bounds(_local_day(step.attempt.taken_at))[0]].add(step.outcome)
        for start, outcomes in seen.items():
            if start in counts:
                counts[start].took_part += 1
                counts[start].beat += Outcome.NEW_BEST in outcomes
                counts[start].first_tries += Outcome.FIRST in outcomes
    weeks = [counts[start] for start in starts]
    top, steps = charts.nice_scale(max(len(pupils), 1))
    return ClassChallenge(
        challenge=challenge,
        pupils=len(pupils),
        this_week=counts[monday],
        weeks=weeks,
        chart=charts.bar_chart(
            [date_format(w.starts, "j M") for w in weeks],
            [w.beat for w in weeks],
            top=top,
            steps=steps,
            suffix="",
        ),
    )


@dataclass
class PupilResult:
    assessment: Assessment
    raw: int
    max_total: int
    complete: bool
    score: int | None = None
    band: str = ""
    practise: list[Objective] = field(default_factory=list)
    strengths: list[Objective] = field(default_factory=list)


def pupil_results(pupil: Pupil) -> list[PupilResult]:
    """The pupil's own tests: their total, converted score and band, and the objectives to
    practise and the ones they did well on (four queries plus two per converted test's table)."""
    marks = list(
        Mark.objects.filter(pupil=pupil).values_list("assessment_id", "question_id", "marks")
    )
    assessment_ids = {a for a, _q, _m in marks}
    assessments = {
        a.pk: a
        for a in Assessment.objects.filter(pk__in=assessment_ids).select_related("score_table")
    }
    questions: dict[int, list[Question]] = defaultdict(list)
    for question in Question.objects.filter(assessment_id__in=assessment_ids).order_by("position"):
        questions[question.assessment_id].append(question)
    links: dict[int, list[Objective]] = defaultdict(list)
    for link in QuestionObjective.objects.filter(
        question__assessment_id__in=assessment_ids
    ).select_related("objective"):
        links[link.question_id].append(link.objective)
    own = {(a, q): m for a, q, m in marks}
    results = [
        _result(assessments[a], questions[a], links, own, pupil)
        for a in sorted(assessments, key=lambda k: assessments[k].taken_on, reverse=True)
    ]
    return results


def _result(
    assessment: Assessment,
    questions: list[Question],
    links: dict[int, list[Objective]],
    own: dict[tuple[int, int], int],
    pupil: Pupil,
) -> PupilResult:
    specs = [
        qla.QuestionSpec(q.pk, q.label, q.max_marks, tuple(o.pk for o in links[q.pk]))
        for q in questions
    ]
    cells = [
        (pupil.pk, q.pk, own[(assessment.pk, q.pk)])
        for q in questions
        if (assessment.pk, q.pk) in own
    ]
    matrix = qla.MarkMatrix.from_cells([pupil.pk], specs, cells)
    shares = qla.pupil_objective_shares(matrix)[0]
    objectives = {o.pk: o for q in questions for o in links[q.pk]}
    result = PupilResult(
        assessment=assessment,
        raw=sum(m for _p, _q, m in cells),
        max_total=sum(q.max_marks for q in questions),
        complete=len(cells) == len(questions),
    )
    for share, key in zip(shares, matrix.objectives, strict=True):
        if not np.isnan(share):
            (result.practise if share < PRACTISE_BELOW else result.strengths).append(
                objectives[key]
            )
    if assessment.score_table is not None and result.complete:
        kernel, bands = load_table(assessment.score_table)
        try:
            if isinstance(kernel, conversion.ScaledTable):
                result.score = kernel.convert(result.raw)
            else:
                age = conversion.age_in_months(pupil.date_of_birth, assessment.taken_on)
                result.score = kernel.convert(result.raw, age)
        except ValueError:
            result.score = None
        band = conversion.band_for(result.score, bands)
        result.band = band.label if band else ""
    return result


def challenges_of(school: School) -> list[Challenge]:
    """The school's challenges, each with `attempt_count` and `pupil_count` (one query)."""
    return list(
        Challenge.objects.filter(school=school).annotate(
            attempt_count=Count("attempts"), pupil_count=Count("attempts__pupil", distinct=True)
        )
    )


def challenge_of(school: School, challenge_id: int) -> Challenge | None:
    return Challenge.objects.filter(school=school, pk=challenge_id).first()
