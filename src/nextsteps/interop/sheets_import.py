"""Import pupils, classes or enrolments from a mapped spreadsheet: all rows or none.

Pupils are matched by UPN, classes by name in the current academic year, so importing the same
sheet again changes nothing. Every problem is listed by file, line and column first. A pupil row
whose UPN names someone else (`people.identity`) is a conflict: listed, never applied, and the
rest is applied only when the person chooses to (`skip_conflicts`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from nextsteps.accounts.models import Actor, acting_user
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.interop.kernels.sheets import Table, mapped_rows, suggest_mapping
from nextsteps.interop.models import ImportRun
from nextsteps.people.kernels.identity import IdentityReport, Outcome, pupil_match
from nextsteps.people.kernels.problems import IdentityConflicts, ProblemList
from nextsteps.people.models import Pupil, Staff
from nextsteps.people.selectors import pupil_records_by_upn
from nextsteps.people.services import pupils_import_write
from nextsteps.people.upn import UpnError, upn_clean
from nextsteps.schools.models import AcademicYear, School, Subject
from nextsteps.teaching.models import Class, ClassStaff, Enrolment

KINDS = ("pupils", "classes", "enrolments")


@dataclass
class SheetSummary:
    kind: str
    dry_run: bool
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: {"created": 0, "updated": 0, "unchanged": 0})
    )
    identity: IdentityReport = field(default_factory=IdentityReport)

    def add(self, what: str, outcome: str) -> None:
        self.counts[what][outcome] += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "counts": dict(self.counts),
            **self.identity.as_dict(),
        }

    def lines(self) -> list[str]:
        head = "Dry run: nothing was written. " if self.dry_run else ""
        lines = [f"{head}Spreadsheet of {self.kind}:"]
        for what, c in self.counts.items():
            lines.append(
                f"  {what}: {c['created']} created, {c['updated']} updated, "
                f"{c['unchanged']} unchanged"
            )
        return lines


class _DryRun(Exception):
    pass


def current_year(school: School, today: dt.date) -> AcademicYear | None:
    years = AcademicYear.objects.filter(school=school)
    return (
        years.filter(starts_on__lte=today, ends_on__gte=today).first()
        or years.order_by("-starts_on").first()
    )


def sheet_import(
    *,
    school: School,
    kind: str,
    table: Table,
    mapping: dict[str, str] | None,
    by: Actor | None,
    dry_run: bool = False,
    skip_conflicts: bool = False,
    today: dt.date | None = None,
) -> SheetSummary:
    """Import a sheet of pupils, classes or enrolments; ImportProblems lists what is wrong.

    Pupil rows in conflict with the pupil their UPN names are never applied; unless this is a
    dry run or `skip_conflicts` is given, they stop the import (IdentityConflicts).
    """
    if kind not in KINDS:
        raise ValueError(f"spreadsheets hold {', '.join(KINDS)}, not {kind!r}")
    today = today or timezone.localdate()
    problems = ProblemList()
    chosen = mapping or suggest_mapping(kind, table.headers)
    rows = mapped_rows(table, kind, chosen, problems)
    _check_upns(table, rows, chosen.get("upn", "UPN"), problems)
    year = current_year(school, today)
    if year is None:
        problems.add(
            table.filename,
            0,
            "",
            gettext("%(school)s has no academic year set up") % {"school": school.name},
        )
    problems.raise_if_any()
    if year is None:  # pragma: no cover - listed as a problem above
        return SheetSummary(kind, dry_run)
    summary = SheetSummary(kind, dry_run)
    plan = _pupils_plan(school, year, table, rows, summary) if kind == "pupils" else None
    if summary.identity.conflicts and not (dry_run or skip_conflicts):
        raise IdentityConflicts(summary.identity.conflicts)
    try:
        with transaction.atomic(durable=True):
            if plan is not None:
                _pupils_write(school, year, plan, summary)
            else:
                writer = {"classes": _classes, "enrolments": _enrolments}[kind]
                writer(school, year, table, rows, problems, summary)
            problems.raise_if_any()
            if dry_run:
                raise _DryRun
            ImportRun.objects.create(
                school=school,
                kind=ImportRun.Kind.SPREADSHEET,
                outcome=ImportRun.Outcome.IMPORTED,
                filename=table.filename[:255],
                summary=summary.as_dict(),
                by=acting_user(by) if getattr(by, "pk", None) else None,
            )
            audit_write(
                actor=by,
                action=AuditAction(f"spreadsheet.import_{kind}"),
                school=school,
                target_type="interop.importrun",
                target_label=f"Spreadsheet {table.filename}"[:200],
                after=summary.as_dict(),
            )
    except _DryRun:
        pass
    return summary


Rows = list[tuple[int, dict[str, Any]]]


def _check_upns(table: Table, rows: Rows, column: str, problems: ProblemList) -> None:
    """Every UPN valid and listed once, before anything else is looked at."""
    seen: dict[str, int] = {}
    for line, record in rows:
        if "upn" not in record:
            continue
        try:
            record["upn"] = upn_clean(str(record["upn"]))
        except UpnError as error:
            problems.add(
                table.filename, line, column, gettext("the UPN %(error)s") % {"error": error}
            )
            record.pop("upn")
            continue
        if table_kind_is_pupils(record) and record["upn"] in seen:
            problems.add(
                table.filename,
                line,
                column,
                gettext("the UPN %(upn)s is also on line %(line)s")
                % {"upn": record["upn"], "line": seen[record["upn"]]},
            )
        seen.setdefault(record["upn"], line)


def table_kind_is_pupils(record: dict[str, Any]) -> bool:
    return "legal_surname" in record


@dataclass
class PupilPlan:
    """What a sheet of pupils will do, decided before anything is written."""

    new: list[dict[str, Any]] = field(default_factory=list)
    changes: dict[int, dict[str, Any]] = field(default_factory=dict)
    forms: list[tuple[str, str]] = field(default_factory=list)  # (UPN, registration group)


def _pupils_plan(
    school: School, year: AcademicYear, table: Table, rows: Rows, summary: SheetSummary
) -> PupilPlan:
    """Match every row to the pupil its UPN names (one query), through the shared rule."""
    existing = pupil_records_by_upn(school, [str(r["upn"]) for _, r in rows if r.get("upn")])
    plan = PupilPlan()
    seen: set[str] = set()
    for line, row in rows:
        record = dict(row)
        upn = str(record.pop("upn", ""))
        if not upn or upn in seen:
            continue  # already listed as a problem
        seen.add(upn)
        reg_group = str(record.pop("reg_group", "") or "")
        current = existing.get(upn)
        decision = pupil_match(current, record)
        summary.identity.record(
            decision,
            file=table.filename,
            line=line,
            upn=upn,
            existing=current,
            incoming=record,
        )
        if decision.outcome is Outcome.CONFLICT:
            continue
        if current is None:
            record.setdefault("admission_date", year.starts_on)
            record.setdefault("gender", "X")
            plan.new.append({"upn": upn, **record})
            summary.add("pupils", "created")
        elif decision.changes:
            plan.changes[current["id"]] = {c.field: c.after for c in decision.changes}
            summary.add("pupils", "updated")
        else:
            summary.add("pupils", "unchanged")
        if reg_group:
            plan.forms.append((upn, reg_group[:100]))
    return plan


def _pupils_write(
    school: School, year: AcademicYear, plan: PupilPlan, summary: SheetSummary
) -> None:
    pupils_import_write(school=school, new=plan.new, changes=plan.changes)
    if plan.forms:
        _place_in_forms(school, year, plan.forms, summary)


def _place_in_forms(
    school: School, year: AcademicYear, places: list[tuple[str, str]], summary: SheetSummary
) -> None:
    """Each pupil in their registration group this year: a handful of queries for the sheet."""
    pupils = {
        upn: (pk, year_group, admitted)
        for pk, upn, year_group, admitted in Pupil.objects.filter(
            school=school, upn__in=[upn for upn, _ in places]
        ).values_list("pk", "upn", "year_group", "admission_date")
    }
    forms = {c.name: c for c in Class.objects.filter(school=school, academic_year=year)}
    missing: dict[str, Class] = {}
    for upn, name in places:
        if name not in forms and name not in missing:
            missing[name] = Class(
                school=school,
                academic_year=year,
                name=name,
                kind=Class.Kind.FORM,
                year_group=pupils[upn][1],
            )
    for form in Class.objects.bulk_create(list(missing.values())):
        forms[form.name] = form
        summary.add("registration groups", "created")
    open_places = set(
        Enrolment.objects.filter(
            teaching_class_id__in={forms[name].pk for _, name in places}, ends_on__isnull=True
        ).values_list("pupil_id", "teaching_class_id")
    )
    new = []
    for upn, name in places:
        pupil_id, _, admitted = pupils[upn]
        if (pupil_id, forms[name].pk) in open_places:
            summary.add("enrolments", "unchanged")
            continue
        open_places.add((pupil_id, forms[name].pk))
        new.append(
            Enrolment(
                school=school,
                pupil_id=pupil_id,
                teaching_class=forms[name],
                starts_on=max(year.starts_on, admitted),
            )
        )
        summary.add("enrolments", "created")
    Enrolment.objects.bulk_create(new)


def _classes(
    school: School,
    year: AcademicYear,
    table: Table,
    rows: Rows,
    problems: ProblemList,
    summary: SheetSummary,
) -> None:
    existing = {c.name: c for c in Class.objects.filter(school=school, academic_year=year)}
    subjects = {s.name.lower(): s for s in Subject.objects.filter(school=school)}
    for line, record in rows:
        name = str(record["name"])[:100]
        kind_text = str(record.get("kind", "")).lower()
        kind = (
            Class.Kind.FORM
            if kind_text in {"form", "reg", "registration", "tutor"}
            else Class.Kind.TEACHING
        )
        teaching_class = existing.get(name)
        fields = {"year_group": record.get("year_group"), "kind": kind}
        if teaching_class is None:
            teaching_class = Class.objects.create(
                school=school, academic_year=year, name=name, **fields
            )
            existing[name] = teaching_class
            summary.add("classes", "created")
        else:
            changed = {
                k: v for k, v in fields.items() if v is not None and getattr(teaching_class, k) != v
            }
            for key, value in changed.items():
                setattr(teaching_class, key, value)
            if changed:
                teaching_class.save(update_fields=sorted(changed))
            summary.add("classes", "updated" if changed else "unchanged")
        subject_name = str(record.get("subject", ""))
        if subject_name:
            subject = subjects.get(subject_name.lower())
            if subject is None:
                problems.add(
                    table.filename,
                    line,
                    "Subject",
                    gettext("%(subject_name)s is not a subject here")
                    % {"subject_name": repr(subject_name)},
                )
            elif not teaching_class.subjects.filter(pk=subject.pk).exists():
                teaching_class.subjects.add(subject)
        teacher = str(record.get("teacher", ""))
        if teacher:
            staff = Staff.objects.filter(
                Q(code__iexact=teacher) | Q(email__iexact=teacher), school=school
            ).first()
            if staff is None:
                problems.add(
                    table.filename,
                    line,
                    "Teacher",
                    gettext("no member of staff has the code or email %(teacher)s")
                    % {"teacher": repr(teacher)},
                )
            else:
                ClassStaff.objects.get_or_create(
                    school=school, teaching_class=teaching_class, staff=staff
                )


def _enrolments(
    school: School,
    year: AcademicYear,
    table: Table,
    rows: Rows,
    problems: ProblemList,
    summary: SheetSummary,
) -> None:
    pupils = dict(Pupil.objects.filter(school=school).values_list("upn", "pk"))
    classes = dict(
        Class.objects.filter(school=school, academic_year=year).values_list("name", "pk")
    )
    for line, record in rows:
        upn = str(record.get("upn", ""))
        if not upn:
            continue  # already listed as a problem
        pupil_id = pupils.get(upn)
        class_id = classes.get(str(record["class_name"]))
        if pupil_id is None:
            problems.add(
                table.filename,
                line,
                "UPN",
                gettext("no pupil here has the UPN %(upn)s") % {"upn": upn},
            )
        if class_id is None:
            problems.add(
                table.filename,
                line,
                "Class",
                gettext("%(class_name)s is not a class in %(year)s")
                % {"class_name": repr(record["class_name"]), "year": year},
            )
        if pupil_id is None or class_id is None:
            continue
        starts = record.get("starts_on") or year.starts_on
        ends = record.get("ends_on")
        if ends is not None and ends < starts:
            problems.add(
                table.filename, line, "Until", gettext("the end date is before the start date")
            )
            continue
        current = (
            Enrolment.objects.filter(pupil_id=pupil_id, teaching_class_id=class_id)
            .filter(Q(starts_on=starts) | Q(ends_on__isnull=True))
            .first()
        )
        if current is None:
            Enrolment.objects.create(
                school=school,
                pupil_id=pupil_id,
                teaching_class_id=class_id,
                starts_on=starts,
                ends_on=ends,
            )
            summary.add("enrolments", "created")
        elif (current.starts_on, current.ends_on) != (starts, ends):
            current.starts_on, current.ends_on = starts, ends
            current.save(update_fields=["starts_on", "ends_on"])
            summary.add("enrolments", "updated")
        else:
            summary.add("enrolments", "unchanged")
