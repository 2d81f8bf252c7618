"""Reads for the teacher's class dashboard, built on what the markbook, feedback and
assessments apps expose (their selectors), in a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from nextsteps.assessments.challenge_selectors import ClassChallenge, class_challenge
from nextsteps.assessments.models import Challenge
from nextsteps.curriculum.models import Objective
from nextsteps.feedback import selectors as feedback_selectors
from nextsteps.feedback.models import Feedback
from nextsteps.markbook.selectors import GapRow, frameworks_for_class, gap_analysis
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import Class
from nextsteps.teaching.selectors import class_pupils

GAPS_SHOWN = 6
AWAITING_DAYS = 21


@dataclass
class FrameworkGaps:
    framework_name: str
    framework_id: int
    rows: list[GapRow]


@dataclass
class ClassDashboard:
    teaching_class: Class
    pupils: list[Pupil]
    gaps: list[FrameworkGaps]
    targets: feedback_selectors.ClassTargets
    to_acknowledge: list[Feedback]
    awaiting_response: Sequence[Feedback]
    mismatches: list[feedback_selectors.CalibrationCell]
    personal_bests: list[ClassChallenge]


def class_dashboard(*, teaching_class: Class, today: dt.date | None = None) -> ClassDashboard:
    """Gaps to act on, targets due or claimed, feedback waiting, self-assessment mismatches and
    this week's personal bests (about 20 queries for a class with two subjects and two
    challenges)."""
    today = today or timezone.localdate()
    pupils = class_pupils(teaching_class)
    gaps = []
    for framework in frameworks_for_class(teaching_class):
        rows = gap_analysis(
            teaching_class=teaching_class,
            framework=framework,
            year=teaching_class.year_group,
            core_only=True,
        )
        to_act = [row for row in rows if row.with_evidence and row.secure < row.total][:GAPS_SHOWN]
        if to_act:
            gaps.append(FrameworkGaps(framework.name, framework.pk, to_act))
    targets = feedback_selectors.class_targets(teaching_class)
    feedback = Feedback.objects.filter(teaching_class=teaching_class).select_related(
        "pupil", "objective"
    )
    to_acknowledge = list(
        feedback.filter(acknowledged_at__isnull=True, responses__isnull=False)
        .distinct()
        .order_by("-given_at")[:20]
    )
    since = timezone.now() - dt.timedelta(days=AWAITING_DAYS)
    awaiting_response = list(
        feedback.exclude(next_step="")
        .filter(given_at__gte=since)
        .annotate(n=Count("responses"))
        .filter(n=0)
        .order_by("given_at")[:20]
    )
    objectives = list(
        Objective.objects.filter(
            framework__in=frameworks_for_class(teaching_class),
            core=True,
            year_group=teaching_class.year_group,
        ).select_related("framework")
    )
    mismatches = [
        cell
        for summary in feedback_selectors.calibration(pupils, objectives)
        for cell in summary.cells
        if cell.verdict in {"over", "under"}
    ]
    challenges = [
        class_challenge(challenge, pupils, today)
        for challenge in Challenge.objects.filter(school_id=teaching_class.school_id).order_by(
            "name"
        )
    ]
    return ClassDashboard(
        teaching_class=teaching_class,
        pupils=pupils,
        gaps=gaps,
        targets=targets,
        to_acknowledge=to_acknowledge,
        awaiting_response=awaiting_response,
        mismatches=mismatches,
        personal_bests=[c for c in challenges if c.this_week.took_part],
    )
