"""Import a OneRoster CSV set (1.1 or 1.2, bulk or delta) into nextsteps, idempotently.

Two phases. First every file is read and checked, and every row is matched to the nextsteps
row it stands for — by its `sourcedId` if an earlier import recorded it, else by a natural key
(a pupil's UPN, a class's name in its year, an account's username) — collecting every problem
with its file, line and column. Only when there are none does the second phase write, in one
transaction. A dry run writes nothing: it makes the same plan, giving the rows it would create
provisional ids so that the later stages match against them, and reports the plan's counts.
A row whose content is unchanged since the last import (same digest) is skipped without
loading what it maps to, so a second import of the same set changes nothing and is quicker.

A pupil row whose `sourcedId` or UPN names an existing pupil who is someone else (different legal
surname and date of birth, `people.identity`) is a conflict: never applied, with its enrolments
and links; the rest is applied only when the person chooses to (`skip_conflicts`).

Bulk files list everything that exists: a pupil or an enrolment imported before and missing now
has left (a leaving date, an end date). Delta files list changes, `tobedeleted` ending them.
Classes, courses and sessions are never deleted (their history is evidence), only reported.

The data flows one way: the parser (`interop.kernels.oneroster`) gives plain rows; this module
reads the orgs, courses and classes, `oneroster_sessions` the school years and terms,
`oneroster_people` the users and enrolment rows, each loading the existing mappings
(`oneroster_run.RosterRun`) once per school and kind; the users, their accounts and links
are planned as plain data (`interop.kernels.people_plan`) by `oneroster_people`, the
enrolments (`interop.kernels.roster_plan`) by `oneroster_enrolments`.
Every write to another app's tables goes through that app's roster services (`schools`,
`teaching`, `people`, `accounts`); interop writes only its own (sourcedIds, the import log).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from nextsteps.accounts.models import Actor, acting_user
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.interop.kernels import oneroster as orr
from nextsteps.interop.kernels.roster import Counts, ImportSummary, Progress, no_progress
from nextsteps.interop.models import ImportRun, SourcedId
from nextsteps.interop.oneroster_enrolments import EnrolmentWriter
from nextsteps.interop.oneroster_people import PeopleImport
from nextsteps.interop.oneroster_run import count_outcome
from nextsteps.interop.oneroster_sessions import SessionStages
from nextsteps.people.kernels.problems import IdentityConflicts, ImportProblems, ProblemList
from nextsteps.schools.models import School, Subject
from nextsteps.schools.services import (
    school_roster_create,
    subject_roster_write,
)
from nextsteps.teaching.models import Class
from nextsteps.teaching.services import class_subjects_add, classes_roster_write

__all__ = ["Counts", "ImportSummary", "is_urn", "log_refused", "oneroster_import"]


class OneRosterImport(SessionStages):
    """One import: the orgs, sessions, courses and classes read, checked and matched, the
    users and enrolments handed to their stages, then the writes."""

    # ------------------------------------------------------------------ orgs

    def read_orgs(self) -> None:
        """Schools named in the set: matched by an earlier sourcedId or by URN (identifier)."""
        orgs = SourcedId.objects.filter(kind=SourcedId.Kind.ORG)
        known = dict(orgs.values_list("sourced_id", "school_id"))
        self.known_org_schools = known
        other_orgs = 0
        for row in orr.read_file(self.source, self.manifest, "orgs.csv", self.problems):
            self.values.required(row, "name")
            kind = self.values.choice(row, "type", orr.ORG_TYPES, required=True)
            if kind != "school":
                other_orgs += 1
                self.other_orgs.add(row.sourced_id)
                continue
            school = self._school_for_org(row, known)
            if school is None:
                self.unusable_orgs.add(row.sourced_id)
            else:
                self.schools[row.sourced_id] = school
                self.org_rows.append(row)
        if other_orgs:
            self.summary.notes.append(
                ngettext(
                    "%(count)s organisation that is not a school was read and not imported",
                    "%(count)s organisations that are not schools were read and not imported",
                    other_orgs,
                )
                % {"count": other_orgs}
            )

    def _org_urn(self, row: orr.Row) -> int | None:
        """The org's URN: given for its sourcedId (`--urn`), else its identifier if a URN."""
        if row.sourced_id in self.urns:
            return self.urns[row.sourced_id]
        identifier = row["identifier"].strip()
        return int(identifier) if is_urn(identifier) else None

    def _school_for_org(self, row: orr.Row, known: dict[str, int]) -> School | None:
        """The nextsteps school a school org stands for; made from the org when the import
        may make schools (the command line) and none has its URN yet."""
        school: School | None = None
        urn = self._org_urn(row)
        if row.sourced_id in known and row.sourced_id not in self.urns:
            school = self.school_by_id(known[row.sourced_id])
        elif urn is None:
            self.problems.add(
                row.file,
                row.line,
                "identifier",
                gettext(
                    "the school org %(name)s (sourcedId %(sid)s) has no URN: its identifier "
                    "%(identifier)s is not one; give it with %(option)s"
                )
                % {
                    "name": repr(row["name"]),
                    "sid": row.sourced_id,
                    "identifier": repr(row["identifier"]),
                    "option": self.urn_hint.replace("SOURCEDID", row.sourced_id),
                },
            )
            return None
        else:
            school = School.objects.filter(urn=urn).first()
        if school is None and urn is not None:
            if self.allowed is not None:
                self.problems.add(
                    row.file,
                    row.line,
                    "identifier",
                    gettext("no school here has the URN %(urn)s (org %(name)s)")
                    % {"urn": urn, "name": repr(row["name"])},
                )
                return None
            school = self._new_school(row, urn)
        if school is None:  # pragma: no cover - every branch above gives one or returns
            return None
        if self.allowed is not None and school.pk not in self.allowed:
            self.problems.add(
                row.file,
                row.line,
                "sourcedId",
                gettext("%(school)s is not a school you manage here; import it from its own page")
                % {"school": school.name},
            )
            return None
        return school

    def _new_school(self, row: orr.Row, urn: int) -> School:
        """A school made from its org (inside the import's transaction), its phase from the
        year groups of its classes in this set."""
        years: set[int] = set()
        scratch = ProblemList()  # classes.csv's own problems are reported when it is read
        for klass in orr.read_file(self.source, self.manifest, "classes.csv", scratch):
            if klass["schoolSourcedId"] == row.sourced_id:
                for grade in orr.split_list(klass["grades"]):
                    year = orr.grade_to_year(grade)
                    if year is not None:
                        years.add(year)
        if years and max(years) <= 6:
            phase = School.Phase.PRIMARY
        elif years and min(years) >= 7:
            phase = School.Phase.SECONDARY
        else:
            phase = School.Phase.ALL_THROUGH
        if self.dry_run:
            school = School(urn=urn, name=row["name"][:200], phase=phase)
            school.pk = self.provisional()[0]
        else:
            school = school_roster_create(urn=urn, name=row["name"][:200], phase=phase)
        self.created_schools.append(school)
        self.summary.notes.append(
            f"school {school.name} (URN {urn}) was created from orgs.csv line {row.line}, "
            f"{school.get_phase_display().lower()} from its classes' year groups"
        )
        return school

    # ------------------------------------------------------------------ courses and classes

    def read_courses_and_classes(self) -> None:
        for row in orr.read_file(self.source, self.manifest, "courses.csv", self.problems):
            self.values.required(row, "title")
            school = self.school_ref(row, "orgSourcedId")
            if school is not None:
                self.course_rows[row.sourced_id] = (row, school)
        homeroom_only: dict[str, bool] = {}
        for row in orr.read_file(self.source, self.manifest, "classes.csv", self.problems):
            self.values.required(row, "title")
            class_type = self.values.choice(row, "classType", orr.CLASS_TYPES, required=True)
            school = self.school_ref(row, "schoolSourcedId")
            course = row["courseSourcedId"]
            if not course:
                self.problems.add(
                    row.file, row.line, "courseSourcedId", gettext("courseSourcedId is required")
                )
            elif course not in self.course_rows and not self.known_anywhere(
                SourcedId.Kind.COURSE, course
            ):
                self.refer(
                    row,
                    "courseSourcedId",
                    "courses.csv",
                    gettext("%(course)s is not a course in courses.csv or imported before")
                    % {"course": repr(course)},
                )
            terms = orr.split_list(row["termSourcedIds"])
            if not terms:
                self.problems.add(
                    row.file, row.line, "termSourcedIds", gettext("termSourcedIds is required")
                )
            for term in terms:
                if term not in self.session_rows and not self.known_anywhere(
                    SourcedId.Kind.SESSION, term
                ):
                    self.refer(
                        row,
                        "termSourcedIds",
                        "academicSessions.csv",
                        gettext(
                            "%(term)s is not an academic session in this set or imported before"
                        )
                        % {"term": repr(term)},
                    )
            for grade in orr.split_list(row["grades"]):
                if orr.grade_to_year(grade) is None:
                    self.problems.add(
                        row.file,
                        row.line,
                        "grades",
                        gettext("%(grade)s is not a year group") % {"grade": repr(grade)},
                    )
            if course:
                homeroom_only[course] = homeroom_only.get(course, True) and class_type == "homeroom"
            if school is not None:
                self.class_rows[row.sourced_id] = (row, school)
        self.form_courses = {sid for sid, only in homeroom_only.items() if only}

    def apply_courses(self) -> None:
        counts = self.summary.counts["subjects"]
        for sid, (row, school) in self.course_rows.items():
            known = self.mapping(school, SourcedId.Kind.COURSE).get(sid)
            if row.deleted or (known and known[2] == row.fingerprint):
                counts.unchanged += 1
                continue
            if sid in self.form_courses:
                # A course only registration groups use: no subject behind it.
                self.remember(school, SourcedId.Kind.COURSE, sid, "", 0, row.fingerprint)
                continue
            name, code = row["title"][:100], row["courseCode"][:20]
            subject = None
            if known and known[0] == "schools.subject":
                subject = Subject.objects.filter(pk=known[1], school=school).first()
            subject = subject or Subject.objects.filter(school=school, name=name).first()
            subject = subject or self.planned(school, Subject, name=name)
            if self.dry_run:
                subject, outcome = self.plan_row(
                    school, subject, Subject, {"name": name, "code": code}
                )
            else:
                subject, outcome = subject_roster_write(
                    school=school, subject=subject, name=name, code=code
                )
            count_outcome(counts, outcome)
            self.remember(
                school, SourcedId.Kind.COURSE, sid, "schools.subject", subject.pk, row.fingerprint
            )

    def subject_for_course(self, school: School, sid: str) -> int | None:
        known = self.mapping(school, SourcedId.Kind.COURSE).get(sid)
        return known[1] if known and known[0] == "schools.subject" else None

    def apply_classes(self) -> None:
        """Classes by sourcedId or name in their year: loaded once, written in bulk."""
        counts = self.summary.counts["classes"]
        by_school: dict[int, list[tuple[str, orr.Row, School]]] = defaultdict(list)
        for sid, (row, school) in self.class_rows.items():
            if row.deleted:
                self.summary.notes.append(
                    f"class {row['title']} is marked tobedeleted and was kept"
                )
                continue
            known = self.mapping(school, SourcedId.Kind.CLASS).get(sid)
            if known and known[2] == row.fingerprint:
                counts.unchanged += 1
                continue
            by_school[school.pk].append((sid, row, school))
        for rows in by_school.values():
            self._apply_classes_in(rows, counts)

    def _apply_classes_in(self, rows: list[tuple[str, orr.Row, School]], counts: Counts) -> None:
        school = rows[0][2]
        existing = {c.pk: c for c in Class.objects.filter(school=school)}
        by_name = {(c.academic_year_id, c.name): c for c in existing.values()}
        links = set(
            Class.subjects.through.objects.filter(class__school=school).values_list(
                "class_id", "subject_id"
            )
        )
        new: list[tuple[str, orr.Row, Class]] = []
        changed: list[Class] = []
        wanted_links: list[tuple[Class, int]] = []
        year_starts: dict[int, dt.date] = {}
        for sid, row, _ in rows:
            year = None
            for term in orr.split_list(row["termSourcedIds"]):
                year = year or self.year_for_session(school, term)
            if year is None:
                self.problems.add(
                    row.file,
                    row.line,
                    "termSourcedIds",
                    gettext("no school year in %(school)s for this class")
                    % {"school": school.name},
                )
                continue
            grades = [orr.grade_to_year(g) for g in orr.split_list(row["grades"])]
            name = row["title"][:100]
            fields: dict[str, Any] = {
                "name": name,
                "kind": Class.Kind.FORM if row["classType"] == "homeroom" else Class.Kind.TEACHING,
                "year_group": next((g for g in grades if g is not None), None),
                "academic_year_id": year.pk,
            }
            known = self.mapping(school, SourcedId.Kind.CLASS).get(sid)
            teaching_class = (
                existing.get(known[1]) if known and known[0] == "teaching.class" else None
            )
            teaching_class = teaching_class or by_name.get((year.pk, name))
            if teaching_class is None:
                teaching_class = Class(school=school, **fields)
                by_name[(year.pk, name)] = teaching_class
                new.append((sid, row, teaching_class))
            elif any(getattr(teaching_class, k) != v for k, v in fields.items()):
                for name, value in fields.items():
                    setattr(teaching_class, name, value)
                changed.append(teaching_class)
            year_starts[id(teaching_class)] = year.starts_on
            subject_id = self.subject_for_course(school, row["courseSourcedId"])
            if subject_id is not None:
                wanted_links.append((teaching_class, subject_id))
            if teaching_class.pk is not None:
                self.remember(
                    school,
                    SourcedId.Kind.CLASS,
                    sid,
                    "teaching.class",
                    teaching_class.pk,
                    row.fingerprint,
                )
        columns = ("name", "kind", "year_group", "academic_year_id")
        if self.dry_run:
            ids = self.provisional(len(new))
        else:
            ids = classes_roster_write(
                school=school,
                new=[{k: getattr(c, k) for k in columns} for _, _, c in new],
                changes={
                    c.pk: {k: getattr(c, k) for k in columns} for c in changed if c.pk is not None
                },
            )
        for (_, _, teaching_class), pk in zip(new, ids, strict=True):
            teaching_class.pk = pk  # the in-memory row now stands for the one written
        if self.dry_run:  # the enrolments' first days, as the classes would have them
            for teaching_class in [c for _, _, c in new] + changed:
                self.class_year_starts[teaching_class.pk] = year_starts[id(teaching_class)]
        for sid, row, teaching_class in new:
            self.remember(
                school,
                SourcedId.Kind.CLASS,
                sid,
                "teaching.class",
                teaching_class.pk,
                row.fingerprint,
            )
        added = {(c.pk, s) for c, s in wanted_links} - links
        if not self.dry_run:
            class_subjects_add(links=added)
        relinked = {c for c, _ in added} - {c.pk for _, _, c in new}
        counts.created += len(new)
        counts.updated += len({c.pk for c in changed} | relinked)
        counts.unchanged += len(rows) - len(new) - len({c.pk for c in changed} | relinked)

    def class_id(self, school: School, sid: str) -> int | None:
        known = self.mapping(school, SourcedId.Kind.CLASS).get(sid)
        return known[1] if known and known[0] == "teaching.class" else None

    # ------------------------------------------------------------------ run

    def check(self) -> PeopleImport:
        """Phase one: read and check everything; raise with every problem found."""
        self.broken = orr.check_headers(self.source, self.manifest, self.problems)
        self.progress("Reading orgs", 0, None)
        self.read_orgs()
        self.progress("Reading academic sessions", 0, None)
        self.read_sessions()
        self.progress("Reading courses and classes", 0, None)
        self.read_courses_and_classes()
        people = PeopleImport(self)
        people.read()
        self.problems.raise_if_any()
        self.summary.notes.extend(str(warning) for warning in self.problems.warnings)
        return people

    def apply(self, people: PeopleImport) -> None:
        """Phase two: write, in order of dependence; problems found here also stop it."""
        schools = self.scope()
        self.summary.schools = [s.name for s in schools]
        self.progress("Writing academic sessions", 0, None)
        self.apply_sessions(schools)
        self.apply_courses()
        self.progress("Writing classes", 0, None)
        self.apply_classes()
        for row in self.org_rows:
            self.remember(
                self.schools[row.sourced_id],
                SourcedId.Kind.ORG,
                row.sourced_id,
                "schools.school",
                self.schools[row.sourced_id].pk,
                row.fingerprint,
            )
        self.save_mappings()
        people.apply()
        EnrolmentWriter(self, people.enrolments).write()
        self.save_mappings()
        self.problems.raise_if_any()


def oneroster_import(
    *,
    source: orr.OneRosterSet,
    by: Actor | None,
    dry_run: bool = False,
    skip_conflicts: bool = False,
    schools: Iterable[School] | None = None,
    progress: Progress = no_progress,
    today: dt.date | None = None,
    urns: dict[str, int] | None = None,
    urn_hint: str = "",
) -> ImportSummary:
    """Import a OneRoster set: every problem found stops it, and then nothing is written.

    `schools` limits the import to those schools (a data manager's page); the command line
    imports into any school the set names, as long as it exists in nextsteps. Pupils in
    conflict with the pupil their identifier names are never applied; unless this is a dry run
    or `skip_conflicts` is given, they stop the import (IdentityConflicts).

    A school org is the nextsteps school with its URN: `urns` (org sourcedId → URN, the
    command line's `--urn`) or the org's `identifier` when that is a URN. Without a school
    limit (the command line), a URN no school has yet makes a new school, within the import's
    transaction; without a URN, the import stops naming the org and `urn_hint` (the option).
    """
    run = OneRosterImport(
        source,
        by=by,
        allowed_schools=schools,
        progress=progress,
        today=today or timezone.localdate(),
        urns=urns,
        urn_hint=urn_hint,
        dry_run=dry_run,
    )
    run.summary.dry_run = dry_run
    if dry_run:  # the plan alone, reported: nothing is written but the log of the dry run
        run.apply(run.check())
        created = {s.pk for s in run.created_schools}
        for school in run.scope():
            if school.pk not in created:
                _log(school, run.summary, by=by, filename=source.label)
        return run.summary
    with transaction.atomic(durable=True):
        people = run.check()
        if run.summary.identity.conflicts and not skip_conflicts:
            raise IdentityConflicts(run.summary.identity.conflicts)
        run.apply(people)
        for school in run.scope():
            _log(school, run.summary, by=by, filename=source.label)
    return run.summary


def is_urn(text: str) -> bool:
    """Whether `text` has a URN's shape: six digits, the DfE's unique reference number."""
    return len(text) == 6 and text.isdigit()


def parse_urn_options(values: Iterable[str]) -> dict[str, int]:
    """`SOURCEDID=URN` pairs (the command line's `--urn`); ValueError names a bad one."""
    urns: dict[str, int] = {}
    for value in values:
        sid, sep, urn = value.partition("=")
        if not sep or not sid.strip() or not is_urn(urn.strip()):
            raise ValueError(
                gettext("--urn %(value)s: expected SOURCEDID=URN, the URN six digits")
                % {"value": value}
            )
        urns[sid.strip()] = int(urn.strip())
    return urns


def _log(school: School, summary: ImportSummary, *, by: Actor | None, filename: str) -> None:
    outcome = ImportRun.Outcome.DRY_RUN if summary.dry_run else ImportRun.Outcome.IMPORTED
    ImportRun.objects.create(
        school=school,
        kind=ImportRun.Kind.ONEROSTER,
        outcome=outcome,
        filename=filename[:255],
        summary=summary.as_dict(),
        by=acting_user(by) if getattr(by, "pk", None) else None,
    )
    audit_write(
        actor=by,
        action=AuditAction.ONEROSTER_IMPORT,
        school=school,
        target_type="interop.importrun",
        target_label=f"OneRoster import {filename}"[:200],
        after=summary.as_dict(),
    )


def log_refused(
    school: School, problems: ImportProblems, *, by: Actor | None, filename: str, kind: str
) -> None:
    """Keep a record of a refused import (outside the rolled-back transaction)."""
    ImportRun.objects.create(
        school=school,
        kind=kind,
        outcome=ImportRun.Outcome.REFUSED,
        filename=filename[:255],
        summary={"problems": [p.as_row() for p in problems.problems[:200]]},
        problem_count=len(problems.problems),
        by=acting_user(by) if getattr(by, "pk", None) else None,
    )
