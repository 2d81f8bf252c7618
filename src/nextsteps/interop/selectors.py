"""What the data pages read: earlier imports, the school's pupils and tests, known orgs; what a
Wonde sync matches against."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nextsteps.assessments.models import Assessment, Question
from nextsteps.interop.kernels.roster_plan import Place
from nextsteps.interop.kernels.wonde import ClassRecord, GuardianLinkRecord, Holdings
from nextsteps.interop.models import ImportRun, SourcedId, WondeLink
from nextsteps.people.models import Guardian, GuardianLink, Pupil, Staff
from nextsteps.people.selectors import pupil_records_by_id, pupil_records_by_upn
from nextsteps.schools.models import AcademicYear, School, Subject
from nextsteps.teaching.models import Class, ClassStaff, Enrolment


def known_org_sourced_ids() -> set[str]:
    """The sourcedIds of every org an earlier OneRoster import mapped to a school."""
    return set(
        SourcedId.objects.filter(kind=SourcedId.Kind.ORG).values_list("sourced_id", flat=True)
    )


def recent_runs(school: School, limit: int = 15) -> list[ImportRun]:
    """The school's latest imports and exports, newest first, with who ran them."""
    return list(ImportRun.objects.filter(school=school).select_related("by")[:limit])


def last_wonde_sync(school: School) -> ImportRun | None:
    return (
        ImportRun.objects.filter(school=school, kind=ImportRun.Kind.WONDE)
        .select_related("by")
        .first()
    )


def pupils_on_roll(school: School, limit: int = 500) -> list[Pupil]:
    """Pupils who have not left, by legal name (those a transfer file can be made for)."""
    return list(
        Pupil.objects.filter(school=school, leaving_date__isnull=True).order_by(
            "legal_surname", "legal_forename"
        )[:limit]
    )


def pupil_upns(school: School, ids: Sequence[int]) -> list[str]:
    """The UPNs of the school's pupils among `ids`."""
    return list(Pupil.objects.filter(school=school, pk__in=ids).values_list("upn", flat=True))


def recent_tests(school: School, limit: int = 300) -> list[Assessment]:
    """The school's tests, latest first (those a marks sheet can be for)."""
    return list(Assessment.objects.filter(school=school).order_by("-taken_on", "name")[:limit])


def questions_of(assessment: Assessment) -> list[Question]:
    return list(assessment.questions.order_by("position"))


@dataclass
class WondeHoldings:
    """What a Wonde sync matches against (plain data), with the year's classes as rows for the
    services that rename them and the year the sync's classes belong to (None: none yet)."""

    held: Holdings
    classes: dict[int, Class]
    year: AcademicYear | None


def wonde_holdings(school: School | None, *, upns: Iterable[str], today: dt.date) -> WondeHoldings:
    """Everything a school already holds that a Wonde sync matches against, loaded once: its
    Wonde links, its linked pupils and those with these UPNs, staff, linked parents and carers,
    every link between parents and pupils, and this year's classes, subjects, open places and
    class staff. A school not set up yet holds nothing (and costs no query)."""
    if school is None:
        return WondeHoldings(Holdings(), {}, None)
    held = Holdings()
    for kind, wonde_id, object_id in WondeLink.objects.filter(school=school).values_list(
        "kind", "wonde_id", "object_id"
    ):
        held.links[kind][wonde_id] = object_id
    held.pupils_by_id = pupil_records_by_id(school, held.links[WondeLink.Kind.STUDENT].values())
    held.pupils_by_upn = pupil_records_by_upn(school, upns)
    held.staff = {
        s["id"]: dict(s)
        for s in Staff.objects.filter(school=school).values(
            "id", "title", "forename", "surname", "email", "code"
        )
    }
    held.guardians = {
        g["id"]: dict(g)
        for g in Guardian.objects.filter(
            school=school, pk__in=held.links[WondeLink.Kind.CONTACT].values()
        ).values("id", "title", "forename", "surname", "email", "phone")
    }
    held.guardian_links = [
        GuardianLinkRecord(*row)
        for row in GuardianLink.objects.filter(school=school).values_list(
            "pk", "guardian_id", "pupil_id", "relationship", "parental_responsibility", "ends_on"
        )
    ]
    year = _year_of(school, today)
    classes: dict[int, Class] = {}
    if year is not None:
        held.year_id = year.pk
        classes = {c.pk: c for c in Class.objects.filter(school=school, academic_year=year)}
        held.classes = [ClassRecord(c.pk, c.name, c.year_group) for c in classes.values()]
        held.places = [
            Place(*row)
            for row in Enrolment.objects.filter(
                school=school, teaching_class__academic_year=year, ends_on__isnull=True
            ).values_list("pk", "pupil_id", "teaching_class_id", "starts_on", "ends_on")
        ]
        held.class_staff = {
            (class_id, staff_id): (pk, role)
            for pk, class_id, staff_id, role in ClassStaff.objects.filter(
                school=school, teaching_class__academic_year=year
            ).values_list("pk", "teaching_class_id", "staff_id", "role")
        }
    held.subjects = {
        name.casefold(): pk
        for pk, name in Subject.objects.filter(school=school).values_list("pk", "name")
    }
    return WondeHoldings(held, classes, year)


def year_name(today: dt.date) -> tuple[str, dt.date, dt.date]:
    """The academic year today falls in, as a school names it (2026/27), first and last day."""
    start = today.year if today.month >= 9 else today.year - 1
    return f"{start}/{(start + 1) % 100:02d}", dt.date(start, 9, 1), dt.date(start + 1, 8, 31)


def _year_of(school: School, today: dt.date) -> AcademicYear | None:
    """The school's year today falls in, else the one named for it (a sync makes it if none)."""
    years = AcademicYear.objects.filter(school=school)
    found = years.filter(starts_on__lte=today, ends_on__gte=today).first()
    return found or years.filter(name=year_name(today)[0]).first()
