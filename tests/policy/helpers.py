"""Shared set-up for the policy tests: Kingsmead's departments and a hand-built class."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.test import Client
from django.utils import timezone

from nextsteps.accounts.models import Membership, Role, User
from nextsteps.curriculum.kernels.spec import FrameworkSpec, ObjectiveSpec, StrandSpec
from nextsteps.curriculum.models import Objective, ScaleLevel
from nextsteps.curriculum.services import framework_import
from nextsteps.markbook.services import JudgementEntry, judgements_record_bulk
from nextsteps.people.models import Pupil
from nextsteps.people.services import pupil_create
from nextsteps.people.upn import upn_make
from nextsteps.policy.models import KeyQuestion
from nextsteps.schools.models import Department
from nextsteps.teaching.models import Class, Enrolment
from tests.conftest import Cast

KINGSMEAD = 990102


def demo_year_start() -> int:
    """The academic year the demo is dated in (it is built for today)."""
    today = timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


def department(cast: Cast, name: str) -> Department:
    return Department.objects.get(school=cast.secondary, name=name)


def question(cast: Cast, key: str, school: str = "secondary") -> KeyQuestion:
    return KeyQuestion.objects.get(school=getattr(cast, school), key=key)


def head_of(cast: Cast, name: str) -> User:
    """The head of a Kingsmead department, able to sign in (the demo's has no password)."""
    user = Membership.objects.get(department=department(cast, name), role=Role.HOD).user
    user.set_password(settings.NEXTSTEPS_DEMO_PASSWORD)
    user.save()
    return user


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def answer_url(cast: Cast, name: str, key: str) -> str:
    return (
        f"/school/{KINGSMEAD}/policy/departments/{department(cast, name).pk}"
        f"/questions/{question(cast, key).pk}/"
    )


@dataclass
class HandBuiltClass:
    teaching_class: Class
    pupils: dict[str, Pupil]
    objectives: dict[str, Objective]


# Who is secure on which of three objectives (A recall, B split, C short multiplication).
SECURE = {
    "Ada": "ABC",
    "Ben": "AB",
    "Cal": "AB",
    "Dev": "A",
    "Eve": "A",
    "Fin": "A",
    "Gus": "",
    "Hal": "",
}


def hand_built_class(cast: Cast) -> HandBuiltClass:
    """Mr Vance's 4 Elm at Northfield with eight pupils and judgements made by hand."""
    school = cast.other
    spec = FrameworkSpec(
        name="Hand-built multiplication",
        subject="Mathematics",
        calculation_method="latest",
        calculation_parameter=None,
        strands=(
            StrandSpec(
                code="MD",
                name="Multiplication",
                objectives=tuple(
                    ObjectiveSpec(
                        code=code,
                        wording=wording,
                        year_group=4,
                        core=True,
                        success_criteria=(f"I can start {code}.", f"I can finish {code}."),
                    )
                    for code, wording in (
                        ("A", "Recall multiplication facts to 12 × 12"),
                        ("B", "Split a number to multiply it"),
                        ("C", "Use short multiplication"),
                    )
                ),
            ),
        ),
    )
    framework = framework_import(school=school, spec=spec, by=None)
    teaching_class = Class.objects.get(school=school, name="4 Elm")
    teaching_class.subjects.add(framework.subject)
    Enrolment.objects.filter(teaching_class=teaching_class).delete()
    pupils = {}
    for serial, name in enumerate(SECURE, start=10):
        pupil = pupil_create(
            school=school,
            upn=upn_make(la=851, estab=2001, year=22, serial=serial),
            by=None,
            legal_forename=name,
            legal_surname="Elm",
            date_of_birth=dt.date(2017, 1, serial),
            gender="F",
            year_group=4,
            admission_date=dt.date(2022, 9, 5),
        )
        Enrolment.objects.create(
            school=school, pupil=pupil, teaching_class=teaching_class, starts_on=dt.date(2025, 9, 1)
        )
        pupils[name] = pupil
    objectives = {o.code: o for o in Objective.objects.filter(framework=framework)}
    secure = ScaleLevel.objects.get(scale=framework.scale, label="Secure")
    towards = ScaleLevel.objects.get(scale=framework.scale, label="Working towards")
    entries = [
        JudgementEntry(pupil=pupils[name], objective=objectives[code], level=level)
        for name, codes in SECURE.items()
        for code in "ABC"
        for level in [secure if code in codes else towards]
        if name != "Hal" or code == "A"  # Hal has evidence only on A; B and C are unseen
    ]
    judgements_record_bulk(entries=entries, by=None, teaching_class=teaching_class)
    return HandBuiltClass(teaching_class, pupils, objectives)
