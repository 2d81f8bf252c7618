"""Export a school as a OneRoster CSV set (1.1 or 1.2, bulk), with standings as results.

Every row keeps the `sourcedId` it was imported with; rows nextsteps created get a stable
one (a UUID derived from the row), so exporting twice gives the same identifiers. Standings
(where each pupil is on each objective) go out as line items — one per class and objective —
with a result per pupil: the standing's value as the score and its level as the comment.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from nextsteps.accounts.models import Membership, Role
from nextsteps.accounts.services import pupil_username
from nextsteps.interop.kernels import oneroster as orr
from nextsteps.interop.models import SourcedId
from nextsteps.interop.oneroster_results import standings_as_results
from nextsteps.people.models import Gender, Guardian, GuardianLink, Pupil, Staff
from nextsteps.schools.models import AcademicYear, School, Subject, Term
from nextsteps.teaching.models import Class, ClassStaff, Enrolment

NAMESPACE = orr.EXPORT_NAMESPACE
SEX = {Gender.FEMALE: "female", Gender.MALE: "male", Gender.OTHER: "other"}
Progress = Callable[[str, int, int | None], None]


def _quiet(stage: str, done: int, total: int | None) -> None:
    """No progress reporting."""


class Ids:
    """sourcedIds for a school's rows: the imported one if any, else a stable derived one."""

    def __init__(self, school: School) -> None:
        self.known: dict[tuple[str, int], str] = {}
        for sid, target, object_id in SourcedId.objects.filter(school=school).values_list(
            "sourced_id", "target", "object_id"
        ):
            self.known.setdefault((target, object_id), sid)

    def __call__(self, target: str, pk: int) -> str:
        return self.known.get((target, pk)) or str(uuid.uuid5(NAMESPACE, f"{target}:{pk}"))


def oneroster_export(
    *, school: School, version: str = "1.2", progress: Progress = _quiet
) -> dict[str, bytes]:
    """The files of a bulk OneRoster set for one school, by name."""
    if version not in orr.VERSIONS:
        raise ValueError(f"OneRoster version must be 1.1 or 1.2, not {version!r}")
    exporter = _Exporter(school, version, progress)
    return exporter.files()


def oneroster_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(name, files[name])
    return buffer.getvalue()


class _Exporter:
    def __init__(self, school: School, version: str, progress: Progress) -> None:
        self.school = school
        self.version = version
        self.progress = progress
        self.ids = Ids(school)
        self.school_sid = self.ids("schools.school", school.pk)
        self.out: dict[str, orr.OutFile] = {}

    def file(self, name: str, extra: list[str] | None = None) -> orr.OutFile:
        if name not in self.out:
            self.out[name] = orr.OutFile(name, extra_columns=extra or [])
        return self.out[name]

    def files(self) -> dict[str, bytes]:
        self.progress("Exporting organisations and sessions", 0, None)
        self.orgs()
        self.sessions()
        self.progress("Exporting courses and classes", 0, None)
        self.courses_and_classes()
        self.progress("Exporting users", 0, None)
        self.users()
        self.progress("Exporting enrolments", 0, None)
        self.enrolments()
        self.progress("Exporting standings", 0, None)
        self.results()
        written = {
            name: orr.write_csv(self.version, out) for name, out in self.out.items() if out.rows
        }
        modes = dict.fromkeys(written, "bulk")
        written["manifest.csv"] = orr.write_manifest(self.version, modes, "nextsteps")
        return written

    # ------------------------------------------------------------------ organisation

    def orgs(self) -> None:
        orgs = self.file("orgs.csv")
        parent = ""
        trust = self.school.trust
        if trust is not None:
            parent = str(uuid.uuid5(NAMESPACE, f"schools.trust:{trust.pk}"))
            orgs.rows.append(
                {
                    "sourcedId": parent,
                    "name": trust.name,
                    "type": "district",
                    "identifier": trust.slug,
                }
            )
        orgs.rows.append(
            {
                "sourcedId": self.school_sid,
                "name": self.school.name,
                "type": "school",
                "identifier": str(self.school.urn),
                "parentSourcedId": parent,
            }
        )

    def sessions(self) -> None:
        sessions = self.file("academicSessions.csv")
        self.year_sid: dict[int, str] = {}
        self.year_terms: dict[int, list[str]] = defaultdict(list)
        for year in AcademicYear.objects.filter(school=self.school).order_by("starts_on"):
            sid = self.ids("schools.academicyear", year.pk)
            self.year_sid[year.pk] = sid
            sessions.rows.append(
                {
                    "sourcedId": sid,
                    "title": year.name,
                    "type": "schoolYear",
                    "startDate": year.starts_on.isoformat(),
                    "endDate": _exclusive(year.ends_on),
                    "schoolYear": str(year.ends_on.year),
                }
            )
        for term in Term.objects.filter(school=self.school).select_related("academic_year"):
            sid = self.ids("schools.term", term.pk)
            self.year_terms[term.academic_year_id].append(sid)
            sessions.rows.append(
                {
                    "sourcedId": sid,
                    "title": term.name,
                    "type": "term",
                    "startDate": term.starts_on.isoformat(),
                    "endDate": _exclusive(term.ends_on),
                    "parentSourcedId": self.year_sid[term.academic_year_id],
                    "schoolYear": str(term.academic_year.ends_on.year),
                }
            )

    def courses_and_classes(self) -> None:
        courses = self.file("courses.csv")
        subject_sid = {}
        for subject in Subject.objects.filter(school=self.school):
            subject_sid[subject.pk] = self.ids("schools.subject", subject.pk)
            courses.rows.append(
                {
                    "sourcedId": subject_sid[subject.pk],
                    "title": subject.name,
                    "courseCode": subject.code,
                    "orgSourcedId": self.school_sid,
                    "subjects": subject.name,
                }
            )
        form_course = str(uuid.uuid5(NAMESPACE, f"form-groups:{self.school.pk}"))
        classes = self.file("classes.csv")
        self.class_sid: dict[int, str] = {}
        self.class_year: dict[int, int] = {}
        needs_form_course = False
        for teaching_class in Class.objects.filter(school=self.school).prefetch_related("subjects"):
            sid = self.ids("teaching.class", teaching_class.pk)
            self.class_sid[teaching_class.pk] = sid
            self.class_year[teaching_class.pk] = teaching_class.academic_year_id
            subjects = list(teaching_class.subjects.all())
            if subjects:
                course = subject_sid[subjects[0].pk]
            else:
                course, needs_form_course = form_course, True
            year = teaching_class.academic_year_id
            classes.rows.append(
                {
                    "sourcedId": sid,
                    "title": teaching_class.name,
                    "grades": orr.year_to_grade(teaching_class.year_group),
                    "courseSourcedId": course,
                    "classType": "homeroom"
                    if teaching_class.kind == Class.Kind.FORM
                    else "scheduled",
                    "schoolSourcedId": self.school_sid,
                    "termSourcedIds": ",".join(self.year_terms.get(year) or [self.year_sid[year]]),
                    "subjects": ",".join(s.name for s in subjects),
                }
            )
        if needs_form_course:
            courses.rows.append(
                {"sourcedId": form_course, "title": "Form groups", "orgSourcedId": self.school_sid}
            )

    # ------------------------------------------------------------------ people

    def users(self) -> None:
        extra = ["metadata.uk.admissionDate", "metadata.uk.title"]
        users = self.file("users.csv", extra)
        demographics = self.file(
            "demographics.csv",
            [
                "metadata.uk.senStatus",
                "metadata.uk.fsm",
                "metadata.uk.pupilPremium",
                "metadata.uk.eal",
            ],
        )
        links = list(
            GuardianLink.objects.filter(school=self.school).values_list("guardian_id", "pupil_id")
        )
        self.user_sid: dict[tuple[str, int], str] = {}
        pupils = list(Pupil.objects.filter(school=self.school).select_related("user"))
        staff = list(Staff.objects.filter(school=self.school).select_related("user"))
        guardians = list(Guardian.objects.filter(school=self.school).select_related("user"))
        for kind, people in (("pupil", pupils), ("staff", staff), ("guardian", guardians)):
            for person in people:
                self.user_sid[(kind, person.pk)] = self.ids(f"people.{kind}", person.pk)
        agents: dict[tuple[str, int], list[str]] = defaultdict(list)
        for guardian_id, pupil_id in links:
            agents[("pupil", pupil_id)].append(self.user_sid[("guardian", guardian_id)])
            agents[("guardian", guardian_id)].append(self.user_sid[("pupil", pupil_id)])
        roles = self._staff_roles()
        for pupil in pupils:
            row = self._person_row("pupil", pupil, pupil.legal_forename, pupil.legal_surname)
            row.update(
                {
                    "username": pupil.user.username if pupil.user else pupil_username(pupil),
                    "identifier": pupil.upn,
                    "grades": orr.year_to_grade(pupil.year_group),
                    "agentSourcedIds": ",".join(sorted(agents[("pupil", pupil.pk)])),
                    "preferredGivenName": pupil.preferred_forename,
                    "preferredFamilyName": pupil.preferred_surname,
                    "metadata.uk.admissionDate": pupil.admission_date.isoformat(),
                }
            )
            self._add_user(users, row, ["student"])
            demographics.rows.append(self._demographics(pupil, row["sourcedId"]))
        for member in staff:
            row = self._person_row("staff", member, member.forename, member.surname)
            row.update(
                {
                    "username": member.user.username if member.user else _username(member),
                    "identifier": member.code,
                    "email": member.email,
                    "metadata.uk.title": member.title,
                }
            )
            self._add_user(users, row, roles.get(member.user_id or 0) or ["teacher"])
        for guardian in guardians:
            row = self._person_row("guardian", guardian, guardian.forename, guardian.surname)
            row.update(
                {
                    "username": guardian.user.username if guardian.user else _username(guardian),
                    "email": guardian.email,
                    "phone": guardian.phone,
                    "agentSourcedIds": ",".join(sorted(agents[("guardian", guardian.pk)])),
                    "metadata.uk.title": guardian.title,
                }
            )
            self._add_user(users, row, ["guardian"])

    def _person_row(self, kind: str, person: Any, given: str, family: str) -> dict[str, str]:
        user = person.user
        return {
            "sourcedId": self.user_sid[(kind, person.pk)],
            "enabledUser": "true" if user is not None and user.is_active else "false",
            "givenName": given,
            "familyName": family,
        }

    def _staff_roles(self) -> dict[int, list[str]]:
        names = {
            Role.ADMIN: "siteAdministrator" if self.version == "1.2" else "administrator",
            Role.LEADER: "principal" if self.version == "1.2" else "administrator",
            Role.HOD: "teacher",
            Role.TEACHER: "teacher",
            Role.TA: "aide",
        }
        roles: dict[int, list[str]] = defaultdict(list)
        for user_id, role in Membership.objects.filter(school=self.school).values_list(
            "user_id", "role"
        ):
            if role in names and names[Role(role)] not in roles[user_id]:
                roles[user_id].append(names[Role(role)])
        precedence = ["teacher", "aide", "principal", "siteAdministrator", "administrator"]
        return {user_id: sorted(found, key=precedence.index) for user_id, found in roles.items()}

    def _add_user(self, users: orr.OutFile, row: dict[str, str], roles: list[str]) -> None:
        if self.version == "1.1":
            row.update({"orgSourcedIds": self.school_sid, "role": roles[0]})
        else:
            row["primaryOrgSourcedId"] = self.school_sid
            out = self.file("roles.csv")
            for index, role in enumerate(roles):
                out.rows.append(
                    {
                        "sourcedId": str(uuid.uuid5(NAMESPACE, f"role:{row['sourcedId']}:{role}")),
                        "userSourcedId": row["sourcedId"],
                        "roleType": "primary" if index == 0 else "secondary",
                        "role": role,
                        "orgSourcedId": self.school_sid,
                    }
                )
        users.rows.append(row)

    def _demographics(self, pupil: Pupil, sid: str) -> dict[str, str]:
        return {
            "sourcedId": sid,
            "birthDate": pupil.date_of_birth.isoformat(),
            "sex": SEX.get(Gender(pupil.gender), "unspecified"),
            "metadata.uk.senStatus": pupil.sen_status,
            "metadata.uk.fsm": _bool(pupil.fsm),
            "metadata.uk.pupilPremium": _bool(pupil.disadvantaged),
            "metadata.uk.eal": _bool(pupil.eal),
        }

    def enrolments(self) -> None:
        out = self.file("enrollments.csv")
        rows = Enrolment.objects.filter(school=self.school).values_list(
            "pk", "pupil_id", "teaching_class_id", "starts_on", "ends_on"
        )
        for pk, pupil_id, class_id, starts, ends in rows.iterator(chunk_size=5000):
            out.rows.append(
                {
                    "sourcedId": self.ids("teaching.enrolment", pk),
                    "classSourcedId": self.class_sid[class_id],
                    "schoolSourcedId": self.school_sid,
                    "userSourcedId": self.user_sid[("pupil", pupil_id)],
                    "role": "student",
                    "beginDate": starts.isoformat(),
                    "endDate": _exclusive(ends) if ends else "",
                }
            )
        for pk, staff_id, class_id, role in ClassStaff.objects.filter(
            school=self.school
        ).values_list("pk", "staff_id", "teaching_class_id", "role"):
            out.rows.append(
                {
                    "sourcedId": self.ids("teaching.classstaff", pk),
                    "classSourcedId": self.class_sid[class_id],
                    "schoolSourcedId": self.school_sid,
                    "userSourcedId": self.user_sid[("staff", staff_id)],
                    "role": "teacher" if role == ClassStaff.Role.TEACHER else "aide",
                    "primary": "false",
                }
            )

    def results(self) -> None:
        standings_as_results(self)


def _exclusive(last_day: dt.date) -> str:
    """OneRoster end dates are exclusive: the day after the last day."""
    return (last_day + dt.timedelta(days=1)).isoformat()


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _username(person: Any) -> str:
    base = "".join(
        ch for ch in f"{person.forename}.{person.surname}".lower() if ch.isalnum() or ch == "."
    )
    return f"{base}.{person.pk}"
