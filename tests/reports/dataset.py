"""A small, hand-checked dataset in Northfield Primary (outside the demo trust).

Core objectives: Mathematics Y4 M1, M2, M3 (M4 is not core), Mathematics Y5 M5;
English Y4 E1, E2.
Pupils: Isaac (Y4, boy), Bea (Y4, girl, disadvantaged, SEN support), Cal (Y4, boy,
disadvantaged, EAL), Dee (Y4, girl, no evidence) and Eve (Y5, girl).
4 Elm (Mathematics) has the four Year 4 pupils; 5 Ash (no subject) has Eve.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from nextsteps.curriculum.models import Framework, Objective, Scale, Strand
from nextsteps.markbook.models import AssessmentPoint, Standing, StandingSnapshot
from nextsteps.people.models import Pupil
from nextsteps.people.upn import upn_make
from nextsteps.schools.models import School, Subject
from nextsteps.teaching.models import Class, Enrolment

OTHER_URN = 990201


@dataclass
class Dataset:
    school: School
    elm: Class
    ash: Class
    pupils: dict[str, Pupil]
    objectives: dict[str, Objective]
    point: AssessmentPoint


def build() -> Dataset:
    school = School.objects.get(urn=OTHER_URN)
    elm = Class.objects.get(school=school, name="4 Elm")
    ash = Class.objects.create(
        school=school, academic_year=elm.academic_year, name="5 Ash", year_group=5
    )
    scale = Scale.objects.create(school=school, name="Secure", mastery_threshold=Decimal("3"))
    objectives: dict[str, Objective] = {}
    for subject_name, codes in (
        (
            "Mathematics",
            [("M1", 4, True), ("M2", 4, True), ("M3", 4, True), ("M4", 4, False), ("M5", 5, True)],
        ),
        ("English", [("E1", 4, True), ("E2", 4, True)]),
    ):
        subject = Subject.objects.create(school=school, name=subject_name)
        framework = Framework.objects.create(
            school=school, name=f"{subject_name} framework", subject=subject, scale=scale
        )
        strand = Strand.objects.create(
            school=school, framework=framework, code="S", name="Strand", position=1
        )
        for position, (code, year, core) in enumerate(codes):
            objectives[code] = Objective.objects.create(
                school=school,
                framework=framework,
                strand=strand,
                code=code,
                wording=f"Learning intention {code}",
                pupil_wording=f"I can do {code}",
                year_group=year,
                core=core,
                position=position,
            )
        if subject_name == "Mathematics":
            elm.subjects.add(subject)
    isaac = Pupil.objects.get(school=school, legal_forename="Isaac")
    pupils = {"Isaac": isaac}
    for n, (name, gender, year, dis, sen, eal) in enumerate(
        [
            ("Bea", "F", 4, True, "K", False),
            ("Cal", "M", 4, True, "N", True),
            ("Dee", "F", 4, False, "N", False),
            ("Eve", "F", 5, False, "N", False),
        ],
        start=2,
    ):
        pupils[name] = Pupil.objects.create(
            school=school,
            upn=upn_make(la=851, estab=2001, year=22, serial=n),
            legal_forename=name,
            legal_surname="Test",
            date_of_birth=dt.date(2017, 1, n),
            gender=gender,
            year_group=year,
            disadvantaged=dis,
            sen_status=sen,
            eal=eal,
            admission_date=dt.date(2022, 9, 5),
        )
    start = dt.date(2026, 9, 3)
    for name in ("Bea", "Cal", "Dee"):
        Enrolment.objects.create(
            school=school, pupil=pupils[name], teaching_class=elm, starts_on=start
        )
    Enrolment.objects.create(
        school=school, pupil=pupils["Eve"], teaching_class=ash, starts_on=start
    )

    now = timezone.now()
    recent, old = now - dt.timedelta(days=3), now - dt.timedelta(days=100)
    cells = [
        # pupil, objective, mastered, last evidence
        ("Isaac", "M1", True, recent),
        ("Isaac", "M2", True, old),
        ("Isaac", "M3", False, recent),
        ("Isaac", "E1", True, recent),
        ("Isaac", "M5", True, recent),  # a Year 5 objective: not expected of a Year 4 pupil
        ("Bea", "M1", False, recent),
        ("Bea", "E1", False, old),
        ("Cal", "M1", True, recent),
        ("Cal", "M2", True, recent),
        ("Cal", "M3", True, recent),
        ("Cal", "M4", True, recent),  # not core
        ("Cal", "E1", True, recent),
        ("Cal", "E2", True, recent),
        ("Eve", "M5", True, recent),
    ]
    for name, code, mastered, when in cells:
        Standing.objects.create(
            school=school,
            pupil=pupils[name],
            objective=objectives[code],
            value=Decimal("3") if mastered else Decimal("1"),
            mastered=mastered,
            evidence_count=2,
            last_evidence_at=when,
        )
    point = AssessmentPoint.objects.create(
        school=school, name="Baseline", date=dt.date(2026, 10, 1), locked_at=now
    )
    for name, code, mastered in (
        ("Isaac", "M1", True),
        ("Cal", "M1", True),
        ("Cal", "M2", False),
        ("Bea", "E1", False),
    ):
        StandingSnapshot.objects.create(
            school=school,
            point=point,
            pupil=pupils[name],
            objective=objectives[code],
            mastered=mastered,
            evidence_count=1,
        )
    return Dataset(
        school=school, elm=elm, ash=ash, pupils=pupils, objectives=objectives, point=point
    )
