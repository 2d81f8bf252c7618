"""The demo trust: a primary and a secondary school, built deterministically and idempotently.

Every row is keyed by a natural key (URN, UPN, username, class name), so running the
builder again changes nothing; the demo accounts' passwords are reset to the documented one.

The build is a run of steps, not one transaction: the builder's own steps each commit as a
whole, and the apps' steps commit through their services, whose transactions are durable as an
entry service's are. A step that fails raises `DemoBuildFailed`, naming the step; what the
steps before it built stays.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from nextsteps.accounts.models import Membership, Role, User
from nextsteps.curriculum import formats
from nextsteps.curriculum.models import Framework
from nextsteps.curriculum.services import framework_import
from nextsteps.demo import names
from nextsteps.people.models import Gender, Guardian, GuardianLink, Pupil, SenStatus, Staff
from nextsteps.people.upn import upn_make
from nextsteps.schools.models import AcademicYear, Department, School, Subject, Term, Trust
from nextsteps.teaching.models import Class, ClassStaff, Enrolment, GroupMembership, PupilGroup

FRAMEWORKS_DIR = Path(__file__).parent / "frameworks"
PRIMARY_URN, SECONDARY_URN = 990101, 990102
PRIMARY_SUBJECTS = ("Mathematics", "Reading", "Writing", "Science", "Computing")
SECONDARY_DEPARTMENTS = {
    "English": "English",
    "Mathematics": "Mathematics",
    "Science": "Science",
    "History": "History",
    "Geography": "Geography",
    "Modern foreign languages": "French",
}
PRIMARY_GROUPS = ("Circles", "Triangles", "Squares")
FORMS = ("K", "I", "N", "G")
# Each capability adds its own realistic demo data: a module with
# `build_demo_data(*, primary, secondary, today)`, idempotent and deterministic.
DEMO_EXTENSIONS: list[str] = [
    "nextsteps.people.demo",
    "nextsteps.markbook.demo",
    "nextsteps.assessments.demo",
    "nextsteps.feedback.demo",
    "nextsteps.progress.demo",
    "nextsteps.judging.demo",
    "nextsteps.writing.demo",
    "nextsteps.policy.demo",
    "nextsteps.reports.demo",
    "nextsteps.statutory.demo",
    "nextsteps.interop.demo",
    "nextsteps.mtc.demo",
]
# What each step is called while the demo builds; a module not named here is called by its app.
_EXTENSION_LABELS = {
    "nextsteps.markbook.demo": "judgements in the markbooks",
    "nextsteps.assessments.demo": "tests, marks and grade boundaries",
    "nextsteps.feedback.demo": "work, feedback and next steps",
    "nextsteps.progress.demo": "key stage results and progress measures",
    "nextsteps.judging.demo": "comparative judgement and moderation",
    "nextsteps.policy.demo": "assessment policies and the workload survey",
    "nextsteps.reports.demo": "reports to parents",
    "nextsteps.people.demo": "attendance",
    "nextsteps.statutory.demo": "phonics, times tables check results and the Reception baseline",
    "nextsteps.interop.demo": "a common transfer file from the pupils' primary schools",
    "nextsteps.mtc.demo": "times tables practice",
    "nextsteps.writing.demo": "Year 6 writing evidence",
}


@dataclass
class Account:
    username: str
    first_name: str
    last_name: str
    staff: bool = False


@dataclass
class DemoSummary:
    schools: list[School] = field(default_factory=list)
    pupils: int = 0
    created_pupils: int = 0


def academic_year_start(today: dt.date) -> int:
    return today.year if today.month >= 9 else today.year - 1


class DemoBuildFailed(Exception):
    """A step of the demo build failed: the steps before it are saved, the rest are not built."""

    def __init__(self, step: str, error: BaseException) -> None:
        super().__init__(
            f"The demo build stopped at {step}: {type(error).__name__}: {error}. The steps"
            " before it are saved. Run `nextsteps demo` again to finish the build; if it stops"
            " again, empty the database (`nextsteps flush`) and run `nextsteps demo` once more."
        )
        self.step = step


def build_demo(
    *, today: dt.date | None = None, progress: Callable[[str], None] | None = None
) -> DemoSummary:
    """Build (or bring up to date) the demo trust and its two schools.

    `progress`, when given, hears a line as each step finishes ("[3/12] Kingsmead Academy:
    pupils, classes and judgements (9.8 s)"), so that a first run is never silent. A step
    that fails raises `DemoBuildFailed`."""
    today = today or timezone.localdate()
    start = academic_year_start(today)
    steps = _Steps(total=6 + len(DEMO_EXTENSIONS), progress=progress)
    with steps.step("the trust, its two schools and their calendars", own_transaction=True):
        trust, _ = Trust.objects.get_or_create(
            slug="riverbend", defaults={"name": "Riverbend Learning Trust"}
        )
        primary = _school(
            trust, PRIMARY_URN, "Hollins Park Primary School", School.Phase.PRIMARY, "2101"
        )
        secondary = _school(
            trust, SECONDARY_URN, "Kingsmead Academy", School.Phase.SECONDARY, "4102"
        )
        summary = DemoSummary(schools=[primary, secondary])
        for school in (primary, secondary):
            _calendar(school, start)
    # Each school draws from its own seeded generator, so one school's data never shifts
    # another's, and a second run draws exactly what the first did.
    with steps.step(f"{primary.name}: pupils, classes and staff", own_transaction=True):
        PrimaryBuilder(primary, start, random.Random(PRIMARY_URN)).build(summary)  # noqa: S311
    with steps.step(f"{secondary.name}: pupils, classes and staff", own_transaction=True):
        SecondaryBuilder(secondary, start, random.Random(SECONDARY_URN)).build(  # noqa: S311
            summary
        )
    with steps.step("the demo sign-ins", own_transaction=True):
        _staff_accounts(primary)
        _staff_accounts(secondary)
    with steps.step("curriculum frameworks"):
        _frameworks(primary, "primary-*.yaml")
        _frameworks(secondary, "ks3-*.yaml")
    with steps.step("the data manager", own_transaction=True):
        _data_manager([primary, secondary])
    for dotted in DEMO_EXTENSIONS:
        module = importlib.import_module(dotted)
        with steps.step(_EXTENSION_LABELS.get(dotted, dotted.split(".")[1])):
            module.build_demo_data(primary=primary, secondary=secondary, today=today)
    return summary


@dataclass
class _Steps:
    """Numbers the demo's steps and times each one for whoever listens."""

    total: int
    progress: Callable[[str], None] | None
    done: int = 0

    @contextlib.contextmanager
    def step(self, label: str, *, own_transaction: bool = False) -> Iterator[None]:
        """One step; `own_transaction` for a step that writes rows itself rather than through
        services (which open their own, durable transactions), so that it commits as a whole."""
        started = time.perf_counter()
        try:
            with transaction.atomic(durable=True) if own_transaction else contextlib.nullcontext():
                yield
        except Exception as error:
            raise DemoBuildFailed(f"[{self.done + 1}/{self.total}] {label}", error) from error
        self.done += 1
        if self.progress is not None:
            seconds = time.perf_counter() - started
            self.progress(f"[{self.done}/{self.total}] {label} ({seconds:.1f} s)")


def _school(trust: Trust, urn: int, name: str, phase: str, estab: str) -> School:
    school, _ = School.objects.update_or_create(
        urn=urn,
        defaults={"trust": trust, "name": name, "phase": phase, "la_code": "850", "estab": estab},
    )
    return school


def _calendar(school: School, start: int) -> AcademicYear:
    year, _ = AcademicYear.objects.get_or_create(
        school=school,
        name=f"{start}/{(start + 1) % 100:02d}",
        defaults={"starts_on": dt.date(start, 9, 1), "ends_on": dt.date(start + 1, 8, 31)},
    )
    terms = (
        ("Autumn", dt.date(start, 9, 3), dt.date(start, 12, 18)),
        ("Spring", dt.date(start + 1, 1, 5), dt.date(start + 1, 3, 27)),
        ("Summer", dt.date(start + 1, 4, 13), dt.date(start + 1, 7, 22)),
    )
    for name, starts, ends in terms:
        Term.objects.get_or_create(
            school=school,
            academic_year=year,
            name=name,
            defaults={"starts_on": starts, "ends_on": ends},
        )
    return year


def demo_user(
    account: Account, *, school: School, role: str, department: Department | None = None
) -> User:
    """A demo account with the documented password and one role."""
    user, _ = User.objects.get_or_create(username=account.username)
    user.first_name, user.last_name = account.first_name, account.last_name
    user.set_password(settings.NEXTSTEPS_DEMO_PASSWORD)
    user.save()
    Membership.objects.get_or_create(user=user, school=school, role=role, department=department)
    return user


class SchoolBuilder:
    """Shared steps: staff, pupils, guardians and enrolments keyed by natural keys."""

    def __init__(self, school: School, start: int, rng: random.Random) -> None:
        self.school = school
        self.start = start
        self.rng = rng
        self.year = AcademicYear.objects.get(school=school, starts_on=dt.date(start, 9, 1))
        self.first_day = dt.date(start, 9, 3)
        self.serials: dict[int, int] = {}

    def staff(self, title: str, forename: str, surname: str) -> Staff:
        email = f"{forename}.{surname}@{self.school.urn}.demo.invalid".lower()
        staff, _ = Staff.objects.get_or_create(
            school=self.school,
            email=email,
            defaults={"title": title, "forename": forename, "surname": surname},
        )
        return staff

    def staff_account(
        self, staff: Staff, account: Account, role: str, department: Department | None = None
    ) -> User:
        user = demo_user(account, school=self.school, role=role, department=department)
        if user.display_name != staff.name:
            user.display_name = staff.name
            user.save(update_fields=["display_name"])
        if staff.user_id != user.pk:
            staff.user = user
            staff.save(update_fields=["user"])
        return user

    def klass(
        self, name: str, year_group: int | None, kind: str, subjects: Iterable[Subject]
    ) -> Class:
        teaching_class, _ = Class.objects.get_or_create(
            school=self.school,
            academic_year=self.year,
            name=name,
            defaults={"year_group": year_group, "kind": kind},
        )
        teaching_class.subjects.add(*subjects)
        return teaching_class

    def teach(
        self, teaching_class: Class, staff: Staff, role: str = ClassStaff.Role.TEACHER
    ) -> None:
        ClassStaff.objects.get_or_create(
            school=self.school, teaching_class=teaching_class, staff=staff, defaults={"role": role}
        )

    def pupil_plan(self, year_group: int, count: int) -> list[dict[str, object]]:
        """Deterministic pupils for a year group: names, dates and characteristics."""
        plans = []
        for _ in range(count):
            female = self.rng.random() < 0.5
            forename = self.rng.choice(names.FORENAMES_F if female else names.FORENAMES_M)
            surname = self.rng.choice(names.SURNAMES)
            birth_year = self.start - 5 - year_group
            born = dt.date(birth_year, 9, 1) + dt.timedelta(days=self.rng.randrange(365))
            disadvantaged = self.rng.random() < 0.26
            sen_roll = self.rng.random()
            sen = (
                SenStatus.EHCP
                if sen_roll < 0.025
                else SenStatus.SUPPORT
                if sen_roll < 0.15
                else SenStatus.NONE
            )
            entry_year = (
                self.start - year_group
                if self.school.phase == School.Phase.PRIMARY
                else self.start - (year_group - 7)
            )
            plans.append(
                {
                    "legal_forename": forename,
                    "legal_surname": surname,
                    "date_of_birth": born,
                    "gender": Gender.FEMALE if female else Gender.MALE,
                    "year_group": year_group,
                    "disadvantaged": disadvantaged,
                    "fsm": disadvantaged and self.rng.random() < 0.8,
                    "sen_status": sen,
                    "eal": self.rng.random() < 0.21,
                    "admission_date": dt.date(entry_year, 9, 3),
                    "upn": self.next_upn(entry_year),
                }
            )
        return plans

    def next_upn(self, entry_year: int) -> str:
        serial = self.serials.get(entry_year, 0) + 1
        self.serials[entry_year] = serial
        return upn_make(
            la=int(self.school.la_code),
            estab=int(self.school.estab),
            year=entry_year,
            serial=serial,
        )

    def pupils(self, plans: list[dict[str, object]]) -> list[Pupil]:
        """Create the planned pupils that are missing; return all of them in plan order."""
        upns = [str(plan["upn"]) for plan in plans]
        existing = {p.upn: p for p in Pupil.objects.filter(school=self.school, upn__in=upns)}
        missing = [
            Pupil(school=self.school, **plan) for plan in plans if plan["upn"] not in existing
        ]
        Pupil.objects.bulk_create(missing)
        existing.update({p.upn: p for p in Pupil.objects.filter(school=self.school, upn__in=upns)})
        return [existing[upn] for upn in upns]

    def enrol(self, teaching_class: Class, pupils: Iterable[Pupil]) -> None:
        pupils = list(pupils)
        enrolled = set(
            Enrolment.objects.filter(teaching_class=teaching_class).values_list(
                "pupil_id", flat=True
            )
        )
        Enrolment.objects.bulk_create(
            Enrolment(
                school=self.school, pupil=p, teaching_class=teaching_class, starts_on=self.first_day
            )
            for p in pupils
            if p.pk not in enrolled
        )

    def group(self, teaching_class: Class, name: str, pupils: Iterable[Pupil]) -> PupilGroup:
        group, _ = PupilGroup.objects.get_or_create(
            school=self.school,
            teaching_class=teaching_class,
            name=name,
            defaults={"kind": PupilGroup.Kind.ABILITY},
        )
        members = set(group.memberships.values_list("pupil_id", flat=True))
        GroupMembership.objects.bulk_create(
            GroupMembership(school=self.school, group=group, pupil=p, starts_on=self.first_day)
            for p in pupils
            if p.pk not in members
        )
        return group

    def guardians(self, pupils: list[Pupil]) -> None:
        """One parent or carer for each pupil who has none (the demo parent is set apart)."""
        linked = set(
            GuardianLink.objects.filter(school=self.school).values_list("pupil_id", flat=True)
        )
        for pupil in pupils:
            if pupil.pk in linked:
                continue
            rng = random.Random(pupil.upn)  # noqa: S311 - per pupil, so reruns draw the same
            mother = rng.random() < 0.6
            guardian = Guardian.objects.create(
                school=self.school,
                title="Mrs" if mother else "Mr",
                forename=rng.choice(names.FORENAMES_F if mother else names.FORENAMES_M),
                surname=pupil.legal_surname,
                email=f"parent.{pupil.upn.lower()}@demo.invalid",
            )
            GuardianLink.objects.create(
                school=self.school,
                guardian=guardian,
                pupil=pupil,
                relationship="Mother" if mother else "Father",
            )


class PrimaryBuilder(SchoolBuilder):
    """Reception to Year 6, two classes a year of 29, three ability groups in each class."""

    def build(self, summary: DemoSummary) -> None:
        subjects = [
            Subject.objects.get_or_create(school=self.school, name=name)[0]
            for name in PRIMARY_SUBJECTS
        ]
        head = self.staff("Mrs", "Julia", "Bennett")
        self.staff_account(head, Account("primaryhead", "Julia", "Bennett"), Role.LEADER)
        okafor = self.staff("Ms", "Grace", "Okafor")
        self.staff_account(okafor, Account("teacher", "Grace", "Okafor"), Role.TEACHER)
        lewis = self.staff("Mrs", "Karen", "Lewis")
        self.staff_account(lewis, Account("ta", "Karen", "Lewis"), Role.TA)
        teachers = iter(names.STAFF[:13])
        all_pupils: list[Pupil] = []
        for year_group in range(0, 7):
            plans = self.pupil_plan(year_group, 58)
            if year_group == 4:
                plans[0].update(
                    legal_forename="Amara",
                    legal_surname="Hughes",
                    gender=Gender.FEMALE,
                    eal=False,
                    sen_status=SenStatus.NONE,
                    disadvantaged=False,
                    fsm=False,
                )
            if year_group == 1:
                plans[0].update(legal_forename="Theo", legal_surname="Hughes", gender=Gender.MALE)
            pupils = self.pupils(plans)
            all_pupils += pupils
            for index, tree in enumerate(("Oak", "Willow")):
                label = "Reception" if year_group == 0 else str(year_group)
                teaching_class = self.klass(
                    f"{label} {tree}", year_group, Class.Kind.FORM, subjects
                )
                teacher = (
                    okafor if (year_group, tree) == (4, "Oak") else self.staff(*next(teachers))
                )
                self.teach(teaching_class, teacher)
                half = pupils[index * 29 : (index + 1) * 29]
                self.enrol(teaching_class, half)
                self._groups(
                    teaching_class, half, lewis if (year_group, tree) == (4, "Oak") else None
                )
        self.guardians(all_pupils)
        self._hughes_family(all_pupils)
        summary.pupils += len(all_pupils)

    def _groups(self, teaching_class: Class, pupils: list[Pupil], assistant: Staff | None) -> None:
        shuffled = sorted(pupils, key=lambda p: random.Random(p.upn).random())  # noqa: S311
        for index, name in enumerate(PRIMARY_GROUPS):
            group = self.group(teaching_class, name, shuffled[index::3])
            if assistant is not None and name in {"Triangles", "Squares"}:
                group.supporters.add(assistant)
        if assistant is not None:
            self.teach(teaching_class, assistant, ClassStaff.Role.TA)

    def _hughes_family(self, pupils: list[Pupil]) -> None:
        amara = next(p for p in pupils if p.year_group == 4 and p.legal_forename == "Amara")
        theo = next(p for p in pupils if p.year_group == 1 and p.legal_forename == "Theo")
        user = demo_user(Account("pupil", "Amara", "Hughes"), school=self.school, role=Role.PUPIL)
        if amara.user_id != user.pk:
            Pupil.objects.filter(user=user).exclude(pk=amara.pk).update(user=None)
            amara.user = user
            amara.save(update_fields=["user"])
        parent = demo_user(
            Account("parent", "David", "Hughes"), school=self.school, role=Role.GUARDIAN
        )
        guardian, _ = Guardian.objects.get_or_create(
            school=self.school,
            email="david.hughes@demo.invalid",
            defaults={"title": "Mr", "forename": "David", "surname": "Hughes", "user": parent},
        )
        for child in (amara, theo):
            GuardianLink.objects.filter(pupil=child).exclude(guardian=guardian).delete()
            GuardianLink.objects.get_or_create(
                school=self.school,
                guardian=guardian,
                pupil=child,
                defaults={"relationship": "Father"},
            )


class SecondaryBuilder(SchoolBuilder):
    """Years 7 to 9: four forms of 30 a year; maths taught in sets, other subjects in forms."""

    CODES = {
        "English": "En",
        "Mathematics": "Ma",
        "Science": "Sc",
        "History": "Hi",
        "Geography": "Gg",
        "French": "Fr",
    }

    def build(self, summary: DemoSummary) -> None:
        leader = self.staff("Mr", "Tunde", "Adeyemi")
        self.staff_account(leader, Account("leader", "Tunde", "Adeyemi"), Role.LEADER)
        pool = iter(names.STAFF[13:])
        teams: dict[str, list[Staff]] = {}
        subjects: dict[str, Subject] = {}
        for department_name, subject_name in SECONDARY_DEPARTMENTS.items():
            department, _ = Department.objects.get_or_create(
                school=self.school, name=department_name
            )
            subject, _ = Subject.objects.get_or_create(
                school=self.school, name=subject_name, defaults={"department": department}
            )
            subjects[subject_name] = subject
            if subject_name == "Mathematics":
                shah = self.staff("Mrs", "Leila", "Shah")
                user = self.staff_account(
                    shah, Account("hod", "Leila", "Shah"), Role.HOD, department
                )
                Membership.objects.get_or_create(user=user, school=self.school, role=Role.TEACHER)
                teams[subject_name] = [shah] + [self.staff(*next(pool)) for _ in range(2)]
            else:
                teams[subject_name] = [self.staff(*next(pool)) for _ in range(2)]
        all_pupils: list[Pupil] = []
        for year_group in (7, 8, 9):
            pupils = self.pupils(self.pupil_plan(year_group, 120))
            all_pupils += pupils
            self._year(year_group, pupils, subjects, teams, leader)
        self.guardians(all_pupils)
        summary.pupils += len(all_pupils)

    def _year(
        self,
        year_group: int,
        pupils: list[Pupil],
        subjects: dict[str, Subject],
        teams: dict[str, list[Staff]],
        tutor: Staff,
    ) -> None:
        forms = [pupils[i * 30 : (i + 1) * 30] for i in range(4)]
        for letter, members in zip(FORMS, forms, strict=True):
            form = self.klass(f"{year_group}{letter}", year_group, Class.Kind.FORM, [])
            self.enrol(form, members)
        # Sets by a stable stand-in for prior attainment, drawn per pupil.
        by_attainment = sorted(
            pupils, key=lambda p: random.Random("ks2" + p.upn).gauss(0, 1), reverse=True
        )
        for subject_name, subject in subjects.items():
            team = teams[subject_name]
            code = self.CODES[subject_name]
            if subject_name == "Mathematics":
                groups = [
                    (f"{year_group} {code}{n + 1}", by_attainment[n * 30 : (n + 1) * 30])
                    for n in range(4)
                ]
            else:
                groups = [
                    (f"{year_group}{letter} {code}", members)
                    for letter, members in zip(FORMS, forms, strict=True)
                ]
            for index, (name, members) in enumerate(groups):
                teaching_class = self.klass(name, year_group, Class.Kind.TEACHING, [subject])
                self.teach(teaching_class, team[(index + year_group) % len(team)])
                self.enrol(teaching_class, members)


def _staff_accounts(school: School) -> None:
    """Every demo teacher has an account (no password: only the named demo accounts sign in)."""
    for staff in Staff.objects.filter(school=school, user__isnull=True):
        username = f"{staff.forename}.{staff.surname}.{school.urn}".lower().replace("'", "")
        user, _ = User.objects.get_or_create(
            username=username, defaults={"first_name": staff.forename, "last_name": staff.surname}
        )
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        user.display_name = staff.name
        user.save(update_fields=["display_name"])
        staff.user = user
        staff.save(update_fields=["user"])
        role = Role.TEACHER
        Membership.objects.get_or_create(user=user, school=school, role=role)


def _frameworks(school: School, pattern: str) -> None:
    """Import the demo frameworks this school does not have yet."""
    for path in sorted(FRAMEWORKS_DIR.glob(pattern)):
        spec = formats.read_yaml(path.read_text(encoding="utf-8"), file=path.name)
        if not Framework.objects.filter(
            school=school, name=spec.name, version=spec.version
        ).exists():
            framework_import(school=school, spec=spec, by=None)


def _data_manager(schools: list[School]) -> None:
    """Ms Patel manages the trust's data: admin in both schools, with Django admin access."""
    group, _ = Group.objects.get_or_create(name="Data managers")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=[
                "schools",
                "accounts",
                "people",
                "teaching",
                "curriculum",
                "audit",
            ]
        )
    )
    for school in schools:
        user = demo_user(Account("admin", "Priya", "Patel"), school=school, role=Role.ADMIN)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(group)
