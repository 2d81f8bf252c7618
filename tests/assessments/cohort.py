"""A synthetic year group sitting one test, for query budgets and the benchmark.

`build_year_group` makes classes of pupils (with a spread of characteristics and an ability
group in each class), a test with questions linked to objectives, and a mark in every cell,
all with bulk inserts. benchmarks/assessments_bench.py uses it too.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from nextsteps.assessments.models import (
    Assessment,
    AssessmentClass,
    Mark,
    Question,
    QuestionObjective,
)
from nextsteps.curriculum.models import Objective
from nextsteps.people.models import Gender, Pupil, SenStatus
from nextsteps.people.upn import upn_make
from nextsteps.schools.models import AcademicYear, School
from nextsteps.teaching.models import Class, Enrolment, GroupMembership, PupilGroup

TAKEN_ON = dt.date(2026, 11, 2)


@dataclass
class YearGroup:
    assessment: Assessment
    classes: list[Class]
    pupils: list[Pupil]
    questions: list[Question]


def build_year_group(
    school: School,
    *,
    label: str,
    classes: int = 8,
    per_class: int = 30,
    questions: int = 40,
    seed: int = 5,
    estab: int = 9000,
) -> YearGroup:
    """`classes` × `per_class` pupils sitting a `questions`-question test, every cell marked."""
    rng = random.Random(seed)
    year = AcademicYear.objects.filter(school=school).order_by("-starts_on").first()
    if year is None:
        year = AcademicYear.objects.create(
            school=school,
            name="2026/27",
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2027, 8, 31),
        )
    pupils = Pupil.objects.bulk_create(
        Pupil(
            school=school,
            upn=upn_make(la=850, estab=estab, year=20, serial=n + 1),
            legal_forename=f"{label}{n:04d}",
            legal_surname=f"Cohort{n % 97:02d}",
            date_of_birth=dt.date(2014, 9, 1) + dt.timedelta(days=n % 365),
            gender=Gender.FEMALE if n % 2 else Gender.MALE,
            year_group=7,
            disadvantaged=rng.random() < 0.25,
            sen_status=SenStatus.SUPPORT if rng.random() < 0.13 else SenStatus.NONE,
            eal=rng.random() < 0.2,
            admission_date=dt.date(2025, 9, 3),
        )
        for n in range(classes * per_class)
    )
    made = [
        Class.objects.create(
            school=school, academic_year=year, name=f"{label} {c + 1}", year_group=7
        )
        for c in range(classes)
    ]
    Enrolment.objects.bulk_create(
        Enrolment(
            school=school, pupil=p, teaching_class=made[i // per_class], starts_on=year.starts_on
        )
        for i, p in enumerate(pupils)
    )
    for c, teaching_class in enumerate(made):
        group = PupilGroup.objects.create(
            school=school, teaching_class=teaching_class, name="Focus"
        )
        GroupMembership.objects.bulk_create(
            GroupMembership(school=school, group=group, pupil=p, starts_on=year.starts_on)
            for p in pupils[c * per_class : (c + 1) * per_class : 3]
        )
    assessment = Assessment.objects.create(
        school=school, name=f"{label} test", taken_on=TAKEN_ON, year_group=7
    )
    AssessmentClass.objects.bulk_create(
        AssessmentClass(school=school, assessment=assessment, teaching_class=c) for c in made
    )
    made_questions = Question.objects.bulk_create(
        Question(
            school=school,
            assessment=assessment,
            position=q + 1,
            label=str(q + 1),
            max_marks=1 + q % 4,
        )
        for q in range(questions)
    )
    objectives = list(
        Objective.objects.filter(school=school).order_by("pk").values_list("pk", flat=True)[:10]
    )
    QuestionObjective.objects.bulk_create(
        QuestionObjective(school=school, question=q, objective_id=objectives[i % len(objectives)])
        for i, q in enumerate(made_questions)
    )
    Mark.objects.bulk_create(
        (
            Mark(
                school=school,
                assessment=assessment,
                question=q,
                pupil=p,
                marks=rng.randint(0, q.max_marks),
            )
            for p in pupils
            for q in made_questions
        ),
        batch_size=2000,
    )
    return YearGroup(assessment=assessment, classes=made, pupils=pupils, questions=made_questions)
