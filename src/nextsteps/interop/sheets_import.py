"""Import pupils, classes or enrolments from a mapped spreadsheet: all rows or none.

Pupils are matched by UPN, classes by name in the current academic year, so importing the same
sheet again changes nothing. Every problem is listed by file, line and column first. A pupil row
whose UPN names someone else (`people.identity`) is a conflict: listed, never applied, and the
rest is applied only when the person chooses to (`skip_conflicts`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from nextsteps.accounts.models import Actor, acting_user
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.interop.kernels.roster_plan import Place
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
from nextsteps.teaching.services import (
    class_staff_sync_write,
    class_subjects_add,
    classes_roster_write,
    enrolments_roster_dates,
    enrolments_roster_insert,
)

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
    forms = dict(Class.objects.filter(school=school, academic_year=year).values_list("name", "pk"))
    missing: dict[str, dict[str, Any]] = {}
    for upn, name in places:
        if name not in forms and name not in missing:
            missing[name] = {
                "academic_year_id": year.pk,
                "name": name,
                "kind": Class.Kind.FORM,
                "year_group": pupils[upn][1],
            }
    created = classes_roster_write(school=school, new=list(missing.values()), changes={})
    for name, pk in zip(missing, created, strict=True):
        forms[name] = pk
        summary.add("registration groups", "created")
    open_places = set(
        Enrolment.objects.filter(
            teaching_class_id__in={forms[name] for _, name in places}, ends_on__isnull=True
        ).values_list("pupil_id", "teaching_class_id")
    )
    new: list[tuple[int, int, dt.date, dt.date | None]] = []
    for upn, name in places:
        pupil_id, _, admitted = pupils[upn]
        if (pupil_id, forms[name]) in open_places:
            summary.add("enrolments", "unchanged")
            continue
        open_places.add((pupil_id, forms[name]))
        new.append((pupil_id, forms[name], max(year.starts_on, admitted), None))
        summary.add("enrolments", "created")
    enrolments_roster_insert(school=school, rows=new)


@dataclass
class _ClassesPlan:
    """A sheet of classes as it will be written: classes by name (new ones unsaved), the
    fields that change in existing ones, and the subjects and staff to put them under."""

    classes: dict[str, Class]
    changes: dict[int, dict[str, Any]] = field(default_factory=dict)
    subjects: set[tuple[str, int]] = field(default_factory=set)
    staff: set[tuple[str, int]] = field(default_factory=set)


def _classes(
    school: School,
    year: AcademicYear,
    table: Table,
    rows: Rows,
    problems: ProblemList,
    summary: SheetSummary,
) -> None:
    """Classes by name in the year, with their subjects and teachers: read once, written in
    bulk by the teaching services."""
    plan = _ClassesPlan(
        {c.name: c for c in Class.objects.filter(school=school, academic_year=year)}
    )
    subjects = {s.name.lower(): s for s in Subject.objects.filter(school=school)}
    staff = _staff_by_code_or_email(school)
    for line, record in rows:
        name = str(record["name"])[:100]
        _plan_class(plan, year, name, record, summary)
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
            else:
                plan.subjects.add((name, subject.pk))
        teacher = str(record.get("teacher", ""))
        if teacher:
            staff_id = staff(teacher)
            if staff_id is None:
                problems.add(
                    table.filename,
                    line,
                    "Teacher",
                    gettext("no member of staff has the code or email %(teacher)s")
                    % {"teacher": repr(teacher)},
                )
            else:
                plan.staff.add((name, staff_id))
    _classes_write(school, plan)


def _plan_class(
    plan: _ClassesPlan, year: AcademicYear, name: str, record: dict[str, Any], summary: SheetSummary
) -> None:
    kind_text = str(record.get("kind", "")).lower()
    kind = (
        Class.Kind.FORM
        if kind_text in {"form", "reg", "registration", "tutor"}
        else Class.Kind.TEACHING
    )
    fields = {"year_group": record.get("year_group"), "kind": kind}
    teaching_class = plan.classes.get(name)
    if teaching_class is None:
        plan.classes[name] = Class(academic_year_id=year.pk, name=name, **fields)
        summary.add("classes", "created")
        return
    changed = {k: v for k, v in fields.items() if v is not None and getattr(teaching_class, k) != v}
    for key, value in changed.items():
        setattr(teaching_class, key, value)  # a later row for the same class sees it
    if changed and teaching_class.pk is not None:
        plan.changes.setdefault(teaching_class.pk, {}).update(changed)
    summary.add("classes", "updated" if changed else "unchanged")


def _classes_write(school: School, plan: _ClassesPlan) -> None:
    new = [c for c in plan.classes.values() if c.pk is None]
    columns = ("name", "kind", "year_group", "academic_year_id")
    created = classes_roster_write(
        school=school,
        new=[{k: getattr(c, k) for k in columns} for c in new],
        changes=plan.changes,
    )
    for teaching_class, pk in zip(new, created, strict=True):
        teaching_class.pk = pk
    ids = {name: c.pk for name, c in plan.classes.items()}
    wanted = {(ids[name], subject_id) for name, subject_id in plan.subjects}
    linked = set(
        Class.subjects.through.objects.filter(class_id__in={c for c, _ in wanted}).values_list(
            "class_id", "subject_id"
        )
    )
    class_subjects_add(links=wanted - linked)
    on_classes = {(ids[name], staff_id) for name, staff_id in plan.staff}
    already = set(
        ClassStaff.objects.filter(teaching_class_id__in={c for c, _ in on_classes}).values_list(
            "teaching_class_id", "staff_id"
        )
    )
    class_staff_sync_write(school=school, added=sorted(on_classes - already), removed={})


def _staff_by_code_or_email(school: School) -> Callable[[str], int | None]:
    """The member of staff a sheet's teacher names, by code or email (any case): the first in
    the staff's order when both match someone, read once for the sheet."""
    order: dict[int, int] = {}
    by_code: dict[str, int] = {}
    by_email: dict[str, int] = {}
    for position, (pk, code, email) in enumerate(
        Staff.objects.filter(school=school)
        .order_by("surname", "forename", "pk")
        .values_list("pk", "code", "email")
    ):
        order[pk] = position
        by_code.setdefault(code.lower(), pk)
        by_email.setdefault(email.lower(), pk)

    def find(teacher: str) -> int | None:
        found = [pk for pk in (by_code.get(teacher.lower()), by_email.get(teacher.lower())) if pk]
        return min(found, key=order.__getitem__) if found else None

    return find


def _enrolments(
    school: School,
    year: AcademicYear,
    table: Table,
    rows: Rows,
    problems: ProblemList,
    summary: SheetSummary,
) -> None:
    """Enrolments by pupil, class and first day (or the pupil's open place in the class): the
    school's read once, written in bulk by the teaching services."""
    pupils = dict(Pupil.objects.filter(school=school).values_list("upn", "pk"))
    classes = dict(
        Class.objects.filter(school=school, academic_year=year).values_list("name", "pk")
    )
    places: dict[tuple[int, int], list[Place]] = defaultdict(list)
    for pk, pupil, klass, starts, ends in (
        Enrolment.objects.filter(school=school, teaching_class_id__in=classes.values())
        .order_by("starts_on", "pk")
        .values_list("pk", "pupil_id", "teaching_class_id", "starts_on", "ends_on")
    ):
        places[(pupil, klass)].append(Place(pk, pupil, klass, starts, ends))
    new: list[Place] = []
    changed: dict[int, Place] = {}
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
        candidates = places[(pupil_id, class_id)]
        current = next((p for p in candidates if p.starts_on == starts or p.ends_on is None), None)
        if current is None:
            place = Place(0, pupil_id, class_id, starts, ends)
            candidates.append(place)
            candidates.sort(key=lambda p: p.starts_on)  # in the order a query would find them
            new.append(place)
            summary.add("enrolments", "created")
        elif (current.starts_on, current.ends_on) != (starts, ends):
            current.starts_on, current.ends_on = starts, ends
            if current.pk:
                changed[current.pk] = current
            summary.add("enrolments", "updated")
        else:
            summary.add("enrolments", "unchanged")
    enrolments_roster_insert(
        school=school, rows=[(p.pupil_id, p.class_id, p.starts_on, p.ends_on) for p in new]
    )
    enrolments_roster_dates(
        dates={pk: {"starts_on": p.starts_on, "ends_on": p.ends_on} for pk, p in changed.items()}
    )
