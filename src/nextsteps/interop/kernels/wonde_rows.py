"""Wonde's records read into plain rows: a student's fields as a pupil's (every refusal named),
employees, contacts with the students they are listed for, classes and registration groups
with their members, attendance figures and deletions. No database here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nextsteps.i18n import translate as gettext
from nextsteps.interop.wonde_client import included, wonde_date

SEN = {
    "N": "N",
    "K": "K",
    "E": "E",
    "S": "E",
    "A": "K",
    "P": "K",
    "SEN SUPPORT": "K",
    "EHC PLAN": "E",
    "EDUCATION, HEALTH AND CARE PLAN": "E",
    "STATEMENT": "E",
    "NO SPECIAL EDUCATIONAL NEED": "N",
}
TRUE = {"1", "TRUE", "T", "Y", "YES"}

UpnCheck = Callable[[str], tuple[str, str]]  # a UPN -> (the clean UPN, or "" and why not)


@dataclass(frozen=True, slots=True)
class StudentRow:
    wonde_id: str
    line: int  # its place in Wonde's list, from 1
    fields: dict[str, Any]


@dataclass(frozen=True, slots=True)
class EmployeeRow:
    wonde_id: str
    fields: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ContactPupil:
    """A student a contact is listed for, with the relationship Wonde gives."""

    wonde_id: str
    relationship: str
    parental_responsibility: bool


@dataclass(frozen=True, slots=True)
class ContactRow:
    wonde_id: str
    fields: dict[str, Any]
    lists_students: bool  # Wonde gave the contact's full list of students
    students: tuple[ContactPupil, ...]


@dataclass(frozen=True, slots=True)
class ClassRow:
    wonde_id: str
    name: str
    subject: str  # the subject's name, "" when Wonde gives none
    students: tuple[str, ...]
    employees: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    student: str
    possible: int | None  # None (both) when Wonde's counts are not numbers
    attended: int | None


@dataclass
class WondeRows:
    """Everything read from Wonde for one school, as plain rows, with the students refused."""

    students: dict[str, StudentRow]
    student_problems: list[str]
    employees: list[EmployeeRow]
    employee_problems: list[str]
    contacts: list[ContactRow]
    classes: list[ClassRow]
    groups: list[ClassRow]
    attendance: list[AttendanceRow]
    deleted_students: set[str]
    deleted_contacts: set[str]
    full: bool


def read_rows(
    *,
    students: list[dict[str, Any]],
    deletions: list[dict[str, Any]],
    employees: list[dict[str, Any]],
    contacts: list[dict[str, Any]],
    classes: list[dict[str, Any]],
    groups: list[dict[str, Any]],
    attendance: list[dict[str, Any]],
    full: bool,
    upn_check: UpnCheck,
) -> WondeRows:
    """Wonde's records (as its API returns them) as rows."""
    student_problems: list[str] = []
    incoming: dict[str, StudentRow] = {}
    for line, row in enumerate(students, start=1):
        where = gettext("Student %(id)s") % {"id": row.get("id")}
        fields = student_fields(row, where, student_problems, upn_check)
        if fields is not None:
            incoming[str(row["id"])] = StudentRow(str(row["id"]), line, fields)
    employee_problems: list[str] = []
    return WondeRows(
        students=incoming,
        student_problems=student_problems,
        employees=[e for row in employees if (e := _employee(row, employee_problems))],
        employee_problems=employee_problems,
        contacts=[contact for row in contacts if (contact := _contact(row))],
        classes=[one for row in classes if (one := _class(row))],
        groups=[group for row in groups if (group := _class(row))],
        attendance=[_attendance(row) for row in attendance],
        deleted_students=_deleted(deletions, "student"),
        deleted_contacts=_deleted(deletions, "contact"),
        full=full,
    )


def _deleted(deletions: list[dict[str, Any]], kind: str) -> set[str]:
    return {
        str(row.get("id"))
        for row in deletions
        if row.get("type") == kind and not row.get("restored_at")
    }


def truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().upper() in TRUE


def year_group(value: Any) -> int | None:
    text = str(value if value is not None else "").strip().upper()
    if text in {"R", "REC", "RECEPTION", "0"}:
        return 0
    if text.startswith("N"):
        return -1
    text = text.removeprefix("Y").removeprefix("EAR ").strip()
    return int(text) if text.isdigit() else None


def date(value: Any) -> dt.date | None:
    text = wonde_date(value)
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def student_fields(
    row: dict[str, Any], where: str, problems: list[str], upn_check: UpnCheck
) -> dict[str, Any] | None:
    """A student's fields as a pupil's, or None (with the reason in `problems`)."""
    education = included(row, "education_details") or {}
    extended = included(row, "extended_details") or {}
    upn, error = upn_check(str(education.get("upn") or ""))
    if error:
        problems.append(
            gettext("%(where)s: not applied, the UPN %(error)s") % {"where": where, "error": error}
        )
        return None
    legal_forename = str(row.get("legal_forename") or row.get("forename") or "").strip()
    legal_surname = str(row.get("legal_surname") or row.get("surname") or "").strip()
    if not legal_forename or not legal_surname:
        problems.append(gettext("%(where)s: not applied, the name is missing") % {"where": where})
        return None
    forename = str(row.get("forename") or "").strip()
    surname = str(row.get("surname") or "").strip()
    fields: dict[str, Any] = {
        "upn": upn,
        "legal_forename": legal_forename[:100],
        "legal_surname": legal_surname[:100],
        "preferred_forename": forename[:100] if forename != legal_forename else "",
        "preferred_surname": surname[:100] if surname != legal_surname else "",
    }
    born = date(row.get("date_of_birth"))
    if born is not None:
        fields["date_of_birth"] = born
    gender = str(row.get("gender") or "").strip().upper()[:1]
    if gender in {"M", "F"}:
        fields["gender"] = gender
    year = year_group(education.get("current_nc_year"))
    if year is not None and -1 <= year <= 14:
        fields["year_group"] = year
    for name in ("admission_date", "leaving_date"):
        if name in education:
            fields[name] = date(education.get(name))
    if fields.get("admission_date") is None:
        fields.pop("admission_date", None)
    if extended:
        fields["fsm"] = truthy(extended.get("free_school_meals"))
        fields["disadvantaged"] = truthy(extended.get("premium_pupil_indicator"))
        fields["sen_status"] = SEN.get(str(extended.get("sen_status") or "N").strip().upper(), "N")
        fields["eal"] = truthy(extended.get("english_as_additional_language_status"))
    return fields


def _employee(row: dict[str, Any], problems: list[str]) -> EmployeeRow | None:
    wonde_id = str(row.get("id"))
    details = included(row, "contact_details") or {}
    employment = included(row, "employment_details") or {}
    fields = {
        "title": str(row.get("title") or "")[:20],
        "forename": str(row.get("forename") or "")[:100],
        "surname": str(row.get("surname") or "")[:100],
        "email": str((details.get("emails") or {}).get("email") or "").strip()[:254],
        "code": str(employment.get("staff_code") or "")[:10],
    }
    if not fields["forename"] or not fields["surname"]:
        problems.append(
            gettext("Employee %(id)s: not applied, the name is missing") % {"id": wonde_id}
        )
        return None
    return EmployeeRow(wonde_id, fields)


def _contact(row: dict[str, Any]) -> ContactRow | None:
    details = included(row, "contact_details") or {}
    telephones = details.get("telephones") or {}
    fields = {
        "title": str(row.get("title") or "")[:20],
        "forename": str(row.get("forename") or "")[:100],
        "surname": str(row.get("surname") or "")[:100],
        "email": str((details.get("emails") or {}).get("email") or "").strip()[:254],
        "phone": str(telephones.get("mobile") or telephones.get("phone") or "")[:30],
    }
    if not fields["surname"]:
        return None
    students = []
    for student in included(row, "students") or []:
        relation = included(student, "relationship") or student.get("pivot") or {}
        students.append(
            ContactPupil(
                str(student.get("id")),
                str(relation.get("relationship") or "")[:50],
                truthy(relation.get("parental_responsibility", True)),
            )
        )
    return ContactRow(str(row.get("id")), fields, "students" in row, tuple(students))


def _class(row: dict[str, Any]) -> ClassRow | None:
    name = str(row.get("name") or "").strip()[:100]
    if not name:
        return None
    subject = included(row, "subject") or {}
    subject_name = ""
    if isinstance(subject, dict) and subject.get("name"):
        subject_name = str(subject["name"])
    return ClassRow(
        str(row.get("id")),
        name,
        subject_name,
        tuple(str(s.get("id")) for s in included(row, "students") or [] if isinstance(s, dict)),
        tuple(str(e.get("id")) for e in included(row, "employees") or []),
    )


def _attendance(row: dict[str, Any]) -> AttendanceRow:
    student = row.get("student")
    wonde_id = str(student.get("id") if isinstance(student, dict) else student)
    try:
        possible = int(row.get("possible_marks") or 0)
        attended = int(row.get("present") or 0) + int(row.get("approved_educational_activity") or 0)
    except (TypeError, ValueError):
        return AttendanceRow(wonde_id, None, None)
    return AttendanceRow(wonde_id, possible, attended)
