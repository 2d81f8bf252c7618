"""Demo tests and timed challenges, built through the services, deterministic and idempotent.

- 4 Oak's end-of-unit multiplication test, marked for all 29 pupils (the scaling problems
  are the ones to reteach);
- a Year 6 grammar, punctuation and spelling practice paper, converted with the 2024 KS2
  scaled score table;
- weekly times-tables goes in 4 Oak over six weeks, in which Amara beats her best of 35 with
  38 this week;
- judgement thresholds for the primary school and for Kingsmead's mathematics department.

Each pupil's marks and scores are drawn from a generator seeded by their UPN, so a second run
draws exactly what the first did and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence

from django.utils import timezone

from nextsteps.accounts.models import User
from nextsteps.assessments import services
from nextsteps.assessments.models import Assessment, Attempt, Challenge, JudgementThreshold, Mark
from nextsteps.audit.actions import AuditAction
from nextsteps.curriculum.models import Objective, Scale
from nextsteps.people.models import Pupil
from nextsteps.schools.models import Department, School, Subject
from nextsteps.teaching.models import Class
from nextsteps.teaching.selectors import class_pupils

MULTIPLICATION_TEST = "Multiplication and division: end-of-unit test"
GPS_PAPER = "Grammar, punctuation and spelling: practice paper"
TIMES_TABLES = "Times tables: 50 in 3 minutes"
ARITHMETIC = "Arithmetic: 20 calculations in 10 minutes"
AMARA_GOES = (27, 31, 30, 35, 33, 38)  # her last go beats her best of 35

# (label, marks, objective codes, difficulty): a harder question has a higher difficulty.
MULTIPLICATION_QUESTIONS = (
    ("1", 1, ("Y4-MD-01",), -1.6),
    ("2", 1, ("Y4-MD-01",), -1.2),
    ("3", 1, ("Y4-MD-01",), -0.7),
    ("4", 1, ("Y4-MD-02",), -0.9),
    ("5", 2, ("Y4-MD-02",), -0.3),
    ("6", 2, ("Y4-MD-03",), 0.0),
    ("7", 2, ("Y4-MD-04",), 0.2),
    ("8", 2, ("Y4-MD-05",), 0.7),
    ("9", 2, ("Y4-MD-05",), 0.9),
    ("10", 3, ("Y4-MD-06",), 1.7),
    ("11", 3, ("Y4-MD-05", "Y4-MD-06"), 1.5),
    ("12", 2, ("Y4-MD-04",), 0.3),
)


def build_demo_data(*, primary: School, secondary: School, today: dt.date) -> None:
    teacher = User.objects.filter(username="teacher").first()
    _thresholds(
        primary, None, "Primary standards", {"Not yet": 0, "Working towards": 40, "Secure": 70}
    )
    maths = Department.objects.filter(school=secondary, name="Mathematics").first()
    _thresholds(
        secondary,
        maths,
        "Key Stage 3 standards",
        {"Emerging": 0, "Developing": 35, "Secure": 65, "Extending": 85},
    )
    four_oak = Class.objects.get(school=primary, name="4 Oak")
    _multiplication_test(primary, four_oak, today, teacher)
    _gps_paper(primary, today)
    _challenges(primary, four_oak, today, teacher)


def _first_day(today: dt.date) -> dt.date:
    return dt.date(today.year if today.month >= 9 else today.year - 1, 9, 3)


def _thresholds(
    school: School, department: Department | None, scale_name: str, percents: dict[str, int]
) -> None:
    scale = Scale.objects.filter(school=school, name=scale_name, kind=Scale.Kind.TEACHER).first()
    if scale is None:
        return
    if JudgementThreshold.objects.filter(
        school=school, department=department, level__scale=scale
    ).exists():
        return
    levels = {level.label: level.pk for level in scale.levels.all()}
    services.thresholds_save(
        school=school,
        department=department,
        scale=scale,
        percents={levels[label]: percent for label, percent in percents.items() if label in levels},
        by=None,
    )


def _ability(pupil: Pupil, salt: str) -> float:
    return random.Random(f"{salt}:{pupil.upn}").gauss(0.8, 1.0)  # noqa: S311


def _marks_for(pupil: Pupil, salt: str, questions: Sequence[tuple[int, float]]) -> list[int]:
    """Marks on each (maximum, difficulty) question, each mark won with a logistic chance."""
    rng = random.Random(f"{salt}:marks:{pupil.upn}")  # noqa: S311
    ability = _ability(pupil, salt)
    chance = [1 / (1 + math.exp(-(1.3 * ability - difficulty))) for _max, difficulty in questions]
    return [
        sum(rng.random() < p for _ in range(maximum))
        for (maximum, _d), p in zip(questions, chance, strict=True)
    ]


def _mark_pupils(
    assessment: Assessment,
    pupils: Sequence[Pupil],
    salt: str,
    shape: Sequence[tuple[int, float]],
    by: User | None,
) -> None:
    """Marks for every pupil on every question, once (a second run finds them and stops)."""
    if Mark.objects.filter(assessment=assessment).exists():
        return
    questions = list(assessment.questions.order_by("position"))
    changes = [
        services.MarkChange(pupil_id=pupil.pk, question=question, marks=marks)
        for pupil in pupils
        for question, marks in zip(questions, _marks_for(pupil, salt, shape), strict=True)
    ]
    services.marks_save(
        assessment=assessment, changes=changes, by=by, action=AuditAction.MARKS_DEMO
    )


def _objectives(school: School, codes: set[str]) -> dict[str, int]:
    return dict(Objective.objects.filter(school=school, code__in=codes).values_list("code", "pk"))


def _multiplication_test(school: School, four_oak: Class, today: dt.date, by: User | None) -> None:
    assessment = Assessment.objects.filter(school=school, name=MULTIPLICATION_TEST).first()
    if assessment is None:
        codes = {code for _l, _m, objectives, _d in MULTIPLICATION_QUESTIONS for code in objectives}
        ids = _objectives(school, codes)
        assessment = services.assessment_create(
            school=school,
            name=MULTIPLICATION_TEST,
            kind=Assessment.Kind.END_OF_UNIT,
            taken_on=max(today - dt.timedelta(days=4), _first_day(today)),
            classes=[four_oak],
            subject=Subject.objects.filter(school=school, name="Mathematics").first(),
            year_group=4,
            by=by,
            questions=[
                services.QuestionRow(label, marks, tuple(ids[c] for c in objectives if c in ids))
                for label, marks, objectives, _d in MULTIPLICATION_QUESTIONS
            ],
        )
    shape = [(marks, difficulty) for _l, marks, _o, difficulty in MULTIPLICATION_QUESTIONS]
    _mark_pupils(
        assessment, class_pupils(four_oak, on=assessment.taken_on), "multiplication", shape, by
    )


def _gps_paper(school: School, today: dt.date) -> None:
    """Paper 1 (50 one-mark questions) and paper 2 (20 spellings): 70 marks, as in the KS2 test."""
    assessment = Assessment.objects.filter(school=school, name=GPS_PAPER).first()
    classes = list(
        Class.objects.filter(school=school, year_group=6, name__in=["6 Oak", "6 Willow"])
    )
    if assessment is None:
        table = services.score_table_install(school=school, key="ks2-2024-gps", by=None)
        ids = _objectives(school, {"Y6-GP-01", "Y6-GP-02", "Y5-GP-01", "Y6-SP-01", "Y5-SP-01"})
        grammar = [ids.get("Y5-GP-01"), ids.get("Y6-GP-01"), ids.get("Y6-GP-02")]
        spelling = tuple(i for i in (ids.get("Y6-SP-01"), ids.get("Y5-SP-01")) if i)
        rows = [
            services.QuestionRow(str(n), 1, tuple(i for i in (grammar[n % 3],) if i))
            for n in range(1, 51)
        ]
        rows += [services.QuestionRow(f"S{n}", 1, spelling) for n in range(1, 21)]
        assessment = services.assessment_create(
            school=school,
            name=GPS_PAPER,
            kind=Assessment.Kind.PAPER,
            taken_on=max(today - dt.timedelta(days=11), _first_day(today)),
            classes=classes,
            subject=Subject.objects.filter(school=school, name="Writing").first(),
            year_group=6,
            score_table=table,
            by=None,
            questions=rows,
        )
    # Spellings of the Year 5 and 6 list and the semi-colon questions are the hardest.
    shape = [(1, 0.1 + 1.4 * ((i * 7) % 10) / 10 + (0.5 if i % 3 == 1 else 0)) for i in range(50)]
    shape += [(1, 0.5 + 1.2 * ((i * 3) % 7) / 7) for i in range(20)]
    pupils = [p for c in classes for p in class_pupils(c, on=assessment.taken_on)]
    _mark_pupils(assessment, pupils, "gps", shape, None)


def _go_time(day: dt.date, today: dt.date) -> dt.datetime:
    """Nine in the morning on the day; for a go today, never in the future nor before today."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    if day == today:
        midnight = timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))
        return max(midnight, min(moment, timezone.now() - dt.timedelta(minutes=1)))
    return moment


def _challenges(school: School, four_oak: Class, today: dt.date, by: User | None) -> None:
    times_tables = Challenge.objects.filter(
        school=school, name=TIMES_TABLES
    ).first() or services.challenge_create(
        school=school,
        name=TIMES_TABLES,
        kind=Challenge.Kind.TIMES_TABLES,
        max_score=50,
        time_limit_seconds=180,
        description="Mixed tables up to 12 × 12, on paper, against the clock.",
        by=by,
    )
    arithmetic = Challenge.objects.filter(
        school=school, name=ARITHMETIC
    ).first() or services.challenge_create(
        school=school,
        name=ARITHMETIC,
        kind=Challenge.Kind.ARITHMETIC,
        max_score=20,
        time_limit_seconds=600,
        description="Written and mental calculations, like the arithmetic paper.",
        by=by,
    )
    pupils = class_pupils(four_oak)
    days = [today - dt.timedelta(weeks=n) for n in range(5, -1, -1)]
    _rounds(times_tables, four_oak, pupils, days, today, by, first_score=18, spread=7)
    _rounds(arithmetic, four_oak, pupils, days[-3:], today, by, first_score=9, spread=3)


def _rounds(
    challenge: Challenge,
    teaching_class: Class,
    pupils: list[Pupil],
    days: list[dt.date],
    today: dt.date,
    by: User | None,
    *,
    first_score: int,
    spread: int,
) -> None:
    # The goes are made once, dated back from the day the demo was first built: building the
    # demo again (on that day or any later one) leaves them as they are.
    if Attempt.objects.filter(challenge=challenge, teaching_class=teaching_class).exists():
        return
    for week, day in enumerate(days):
        entries = []
        for pupil in pupils:
            score = _score(pupil, challenge, week, first_score, spread)
            if score is None:
                continue
            seconds = challenge.time_limit_seconds
            if score >= challenge.max_score:
                score, seconds = challenge.max_score, challenge.time_limit_seconds - 20 - 5 * week
            entries.append(services.AttemptEntry(pupil=pupil, score=score, seconds=seconds))
        services.attempts_record(
            challenge=challenge,
            entries=entries,
            taken_at=_go_time(day, today),
            by=by,
            teaching_class=teaching_class,
        )


def _score(
    pupil: Pupil, challenge: Challenge, week: int, first_score: int, spread: int
) -> int | None:
    """A pupil's score in a week: their own level, creeping up, with good days and bad days."""
    if (
        challenge.name == TIMES_TABLES
        and pupil.legal_forename == "Amara"
        and pupil.legal_surname == "Hughes"
    ):
        return AMARA_GOES[week]
    rng = random.Random(f"{challenge.name}:{week}:{pupil.upn}")  # noqa: S311
    if rng.random() < 0.07:
        return None  # away that day
    level = first_score + spread * _ability(pupil, "challenge")
    score = round(level + 1.8 * week + rng.gauss(0, 2.5))
    return max(0, min(challenge.max_score, score))
