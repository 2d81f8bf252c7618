"""Writes for schools: the DfE register of establishments, and schools set up from it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from nextsteps.accounts.models import Actor
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.schools.kernels.register import Establishment, phase_of
from nextsteps.schools.models import (
    AcademicYear,
    RegisteredEstablishment,
    School,
    Subject,
    Term,
)

FIELDS = ("name", "phase", "establishment_type", "local_authority", "la_code", "estab", "status")


class NoPhase(ValueError):
    """A school cannot be set up: neither the register nor the caller gives a phase."""


@dataclass
class RegisterSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    schools_updated: int = 0

    def lines(self, file: str) -> list[str]:
        return [
            gettext(
                "Register of schools from %(file)s: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged; %(schools)s schools here brought up to date."
            )
            % {
                "file": file,
                "created": self.created,
                "updated": self.updated,
                "unchanged": self.unchanged,
                "schools": self.schools_updated,
            }
        ]


@transaction.atomic(durable=True)
def register_import(
    *, establishments: list[Establishment], by: Actor | None, file: str
) -> RegisterSummary:
    """Keep the register's rows (by URN), and fill the type and local authority of the
    schools here that it names (their names and phases are the school's own once set up)."""
    summary = RegisterSummary()
    existing = RegisteredEstablishment.objects.in_bulk(
        [e.urn for e in establishments], field_name="urn"
    )
    new, changed = [], []
    for item in establishments:
        values = {name: getattr(item, name) for name in FIELDS}
        row = existing.get(item.urn)
        if row is None:
            new.append(RegisteredEstablishment(urn=item.urn, **values))
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed.append(row)
        else:
            summary.unchanged += 1
    RegisteredEstablishment.objects.bulk_create(new, batch_size=2000)
    RegisteredEstablishment.objects.bulk_update(changed, list(FIELDS), batch_size=2000)
    summary.created, summary.updated = len(new), len(changed)
    by_urn = {e.urn: e for e in establishments}
    schools = []
    for school in School.objects.filter(urn__in=list(by_urn)):
        entry = by_urn[school.urn]
        wanted = {
            "establishment_type": entry.establishment_type,
            "local_authority": entry.local_authority,
            "la_code": school.la_code or entry.la_code,
            "estab": school.estab or entry.estab,
        }
        if any(getattr(school, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(school, k, v)
            schools.append(school)
    School.objects.bulk_update(
        schools, ["establishment_type", "local_authority", "la_code", "estab"]
    )
    summary.schools_updated = len(schools)
    if new or changed or schools:
        audit_write(
            actor=by,
            action=AuditAction.SCHOOLS_REGISTER_IMPORT,
            target_type="schools.registeredestablishment",
            target_label=f"GIAS {file}"[:200],
            after={"created": len(new), "updated": len(changed), "schools": len(schools)},
        )
    return summary


def school_from_register(
    *, urn: int, name: str = "", phase: str = "", la_code: str = "", estab: str = ""
) -> School:
    """Set up a school by URN: its name, phase, type and local authority from the register when
    it holds the URN, otherwise from what the caller knows. NoPhase when neither gives a phase
    nextsteps serves."""
    entry = RegisteredEstablishment.objects.filter(urn=urn).first()
    values: dict[str, Any] = {
        "name": name,
        "phase": phase_of(phase) or "",
        "la_code": la_code,
        "estab": estab,
    }
    if entry is not None:
        values.update(
            name=entry.name,
            phase=phase_of(entry.phase) or values["phase"],
            establishment_type=entry.establishment_type,
            local_authority=entry.local_authority,
            la_code=entry.la_code or la_code,
            estab=entry.estab or estab,
        )
    if not values["phase"]:
        raise NoPhase(
            gettext(
                "URN %(urn)s: nextsteps cannot tell the school's phase (primary, secondary or "
                "all-through); import the DfE register with 'nextsteps import gias FILE' first"
            )
            % {"urn": urn}
        )
    if not values["name"]:
        values["name"] = gettext("School %(urn)s") % {"urn": urn}
    values["la_code"] = str(values["la_code"])[:3]
    values["estab"] = str(values["estab"])[:4]
    school = School.objects.create(urn=urn, **values)
    audit_write(actor=None, action=AuditAction.SCHOOL_CREATE, target=school)
    return school


# ---------------------------------------------------------------------------- roster imports
# Writes for a roster import (OneRoster), called inside the import's own transaction with rows
# it has already matched: each returns the row and what happened to it (created, updated or
# unchanged).


def school_roster_create(*, urn: int, name: str, phase: str) -> School:
    """A school a roster names by URN and nextsteps does not have yet."""
    return School.objects.create(urn=urn, name=name, phase=phase)


def academic_year_roster_write(
    *,
    school: School,
    year: AcademicYear | None,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
) -> tuple[AcademicYear, str]:
    """Create the school year, or bring the matched one (`year`) up to date."""
    if year is None:
        year = AcademicYear.objects.create(
            school=school, name=name, starts_on=starts_on, ends_on=ends_on
        )
        return year, "created"
    if (year.name, year.starts_on, year.ends_on) == (name, starts_on, ends_on):
        return year, "unchanged"
    year.name, year.starts_on, year.ends_on = name, starts_on, ends_on
    year.save()
    return year, "updated"


def term_roster_write(
    *,
    school: School,
    term: Term | None,
    academic_year: AcademicYear,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
) -> tuple[Term, str]:
    """Create the term, or bring the matched one (`term`) up to date."""
    if term is None:
        term = Term.objects.create(
            school=school,
            academic_year=academic_year,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        return term, "created"
    wanted = (academic_year.pk, name, starts_on, ends_on)
    if (term.academic_year_id, term.name, term.starts_on, term.ends_on) == wanted:
        return term, "unchanged"
    term.academic_year, term.name, term.starts_on, term.ends_on = (
        academic_year,
        name,
        starts_on,
        ends_on,
    )
    term.save()
    return term, "updated"


def subject_roster_write(
    *, school: School, subject: Subject | None, name: str, code: str
) -> tuple[Subject, str]:
    """Create the subject, or bring the matched one (`subject`) up to date (a blank code
    keeps the one it has)."""
    if subject is None:
        return Subject.objects.create(school=school, name=name, code=code), "created"
    if (subject.name, subject.code) == (name, code or subject.code):
        return subject, "unchanged"
    subject.name, subject.code = name, code or subject.code
    subject.save()
    return subject, "updated"


def academic_year_ensure(
    *, school: School, name: str, starts_on: dt.date, ends_on: dt.date
) -> AcademicYear:
    """The school's year with this name, made with these dates if it has none."""
    year, _ = AcademicYear.objects.get_or_create(
        school=school, name=name, defaults={"starts_on": starts_on, "ends_on": ends_on}
    )
    return year
