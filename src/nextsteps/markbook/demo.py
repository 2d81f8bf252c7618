"""Demo evidence: a term of judgements in every class, so markbooks, gaps and profiles show.

In 4 Oak, Ms Okafor's Year 4 maths class, the objective she is teaching today (short
multiplication) is almost empty — the journey starts there.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from nextsteps.accounts.models import User
from nextsteps.curriculum.models import Framework, Objective, ScaleLevel
from nextsteps.markbook.models import AssessmentPoint, Judgement, JudgementSource, Method
from nextsteps.markbook.services import standings_rebuild
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class, ClassStaff
from nextsteps.teaching.selectors import class_pupils

TODAY_OBJECTIVE = "Y4-MD-05"
METHODS = [
    Method.OBSERVATION,
    Method.CONVERSATION,
    Method.QUESTIONING,
    Method.TASK,
    Method.BOOK_WORK,
]


def build_demo_data(*, primary: School, secondary: School, today: dt.date) -> None:
    for school in (primary, secondary):
        if Judgement.objects.filter(school=school).exists():
            continue
        window = _window(school, today)
        for teaching_class in (
            Class.objects.filter(school=school).prefetch_related("subjects").order_by("pk")
        ):
            _class_evidence(teaching_class, window)
        standings_rebuild(school_id=school.pk)
        # Kingsmead's departments set their own points through the assessment policy.
        if school == primary:
            _assessment_points(school, today)


def _window(school: School, today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 8)
    if (today - start).days < 21:
        start = today - dt.timedelta(days=60)
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time(9), tzinfo=tz),
        dt.datetime.combine(today - dt.timedelta(days=1), dt.time(15), tzinfo=tz),
    )


def _class_evidence(teaching_class: Class, window: tuple[dt.datetime, dt.datetime]) -> None:
    frameworks = Framework.objects.filter(
        school_id=teaching_class.school_id, subject__in=teaching_class.subjects.all()
    ).select_related("scale")
    pupils = class_pupils(teaching_class)
    if not pupils or teaching_class.year_group is None:
        return
    teacher = (
        ClassStaff.objects.filter(teaching_class=teaching_class, role=ClassStaff.Role.TEACHER)
        .select_related("staff__user")
        .first()
    )
    by = teacher.staff.user if teacher else None
    rows: list[Judgement] = []
    for framework in frameworks:
        objectives = list(
            Objective.objects.filter(
                framework=framework, year_group=teaching_class.year_group
            ).order_by("position")
        )
        levels = list(ScaleLevel.objects.filter(scale_id=framework.scale_id).order_by("position"))
        # Most of the year's objectives taught so far; maths most thoroughly.
        share = 0.7 if framework.subject.name == "Mathematics" else 0.4
        taught = objectives[: max(1, round(len(objectives) * share))]
        for index, objective in enumerate(taught):
            rng = random.Random(f"{teaching_class.pk}:{objective.code}")
            sparse = objective.code == TODAY_OBJECTIVE
            when = _when(window, index, len(taught))
            for pupil in pupils:
                if sparse and rng.random() > 0.12:
                    continue
                rows += _pupil_events(
                    rng, pupil, objective, levels, teaching_class, by, when, window[1]
                )
    Judgement.objects.bulk_create(rows, batch_size=2000)


def _when(window: tuple[dt.datetime, dt.datetime], index: int, count: int) -> dt.datetime:
    start, end = window
    span = (end - start) * (index + 1) / (count + 1)
    return start + span


def _pupil_events(
    rng: random.Random,
    pupil: Pupil,
    objective: Objective,
    levels: list[ScaleLevel],
    teaching_class: Class,
    by: User | None,
    when: dt.datetime,
    latest: dt.datetime,
) -> list[Judgement]:
    ability = random.Random(f"ability:{pupil.upn}").gauss(0, 1)
    start = min(len(levels) - 1, max(0, round(1.6 + ability * 0.8 + rng.gauss(0, 0.5))))
    events = []
    for step in range(rng.choice([1, 2, 2, 3])):
        position = min(len(levels) - 1, start + (1 if step and rng.random() < 0.45 else 0))
        start = position
        level = levels[position]
        shown = min(when + dt.timedelta(days=step * 6, minutes=rng.randrange(0, 300)), latest)
        events.append(
            Judgement(
                school_id=objective.school_id,
                pupil=pupil,
                objective=objective,
                level=level,
                value=Decimal(level.value),
                source=JudgementSource.TEACHER,
                method=rng.choice(METHODS),
                recorded_by=by,
                teaching_class=teaching_class,
                shown_at=shown,
                recorded_at=shown,
            )
        )
    return events


def _assessment_points(school: School, today: dt.date) -> None:
    year = today.year if today.month >= 9 else today.year - 1
    for name, date in (
        ("Autumn assessment point", dt.date(year, 12, 11)),
        ("Spring assessment point", dt.date(year + 1, 3, 19)),
        ("Summer assessment point", dt.date(year + 1, 7, 2)),
    ):
        AssessmentPoint.objects.get_or_create(
            school=school, name=name, department=None, defaults={"date": date}
        )
