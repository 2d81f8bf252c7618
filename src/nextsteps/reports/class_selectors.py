"""Reads for the teacher's class dashboard, built on what the markbook, feedback and
assessments apps expose (their selectors), in a bounded number of queries.

A group filter (`reports.groups.GroupFilter`) is applied once, to the class's pupils, before
anything is counted or listed: every figure and list on the page is about the pupils it admits.
"""

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
from nextsteps.reports.kernels.groups import GroupFilter
from nextsteps.reports.selectors import pupil_lines
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
    # The pupils the group filter admits (all of the class's pupils when there is none).
    pupils: list[Pupil]
    class_size: int
    groups: GroupFilter
    gaps: list[FrameworkGaps]
    targets: feedback_selectors.ClassTargets
    to_acknowledge: list[Feedback]
    awaiting_response: Sequence[Feedback]
    mismatches: list[feedback_selectors.CalibrationCell]
    personal_bests: list[ClassChallenge]


def class_dashboard(
    *, teaching_class: Class, groups: GroupFilter | None = None, today: dt.date | None = None
) -> ClassDashboard:
    """Gaps to act on, targets due or claimed, feedback waiting, self-assessment mismatches and
    this week's personal bests, each for the pupils the group filter admits (about 20 queries
    for a class with two subjects and two challenges, the same with a filter or without)."""
    today = today or timezone.localdate()
    groups = groups or GroupFilter()
    everyone = class_pupils(teaching_class, today)
    lines = pupil_lines(
        Pupil.objects.filter(pk__in=[p.pk for p in everyone]), teaching_class.school, today
    )
    pupils = [p for p in everyone if groups.admits(lines[p.pk])]
    admitted = {p.pk for p in pupils}
    gaps = []
    for framework in frameworks_for_class(teaching_class):
        rows = gap_analysis(
            teaching_class=teaching_class,
            framework=framework,
            year=teaching_class.year_group,
            core_only=True,
            pupils=pupils,
        )
        to_act = [row for row in rows if row.with_evidence and row.secure < row.total][:GAPS_SHOWN]
        if to_act:
            gaps.append(FrameworkGaps(framework.name, framework.pk, to_act))
    targets = feedback_selectors.class_targets(teaching_class)
    if groups:
        targets = feedback_selectors.ClassTargets(
            *(
                [t for t in listed if t.pupil_id in admitted]
                for listed in (targets.claimed, targets.due, targets.open, targets.achieved)
            )
        )
    feedback = Feedback.objects.filter(teaching_class=teaching_class).select_related(
        "pupil", "objective"
    )
    if groups:
        feedback = feedback.filter(pupil_id__in=admitted)
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
        class_size=len(everyone),
        groups=groups,
        gaps=gaps,
        targets=targets,
        to_acknowledge=to_acknowledge,
        awaiting_response=awaiting_response,
        mismatches=mismatches,
        personal_bests=[c for c in challenges if c.this_week.took_part],
    )
