"""OneRoster enrolments → dated enrolments (students) and class staff (teachers, aides).

Batch-written: the changed rows of a 500,000-row file become a handful of bulk queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils.translation import gettext

from nextsteps.interop.kernels.roster_plan import (
    PLACE,
    Place,
    end_place,
    plan_class_staff,
    plan_places,
)
from nextsteps.interop.models import SourcedId
from nextsteps.interop.oneroster_run import CHUNK, EnrolmentRow, EnrolmentSet, RosterRun, chunks
from nextsteps.ops.bulk import insert_rows
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class, ClassStaff, Enrolment
from nextsteps.teaching.services import (
    class_staff_remove,
    class_staff_roster_write,
    enrolments_roster_dates,
    enrolments_roster_insert,
)

STAFF_ENROLMENT_ROLES = {"teacher": ClassStaff.Role.TEACHER, "aide": ClassStaff.Role.TA}


class EnrolmentWriter:
    def __init__(self, run: RosterRun, enrolments: EnrolmentSet) -> None:
        self.enrolments = enrolments
        self.run = run
        self.counts = self.run.summary.counts["enrolments"]
        self.staff_counts = self.run.summary.counts["class staff"]
        self.counts.unchanged += enrolments.unchanged
        self.new_maps: list[tuple[int, str, str, str, int, str]] = []
        self.changed_maps: dict[str, tuple[str, int, str]] = {}

    def write(self) -> None:
        by_school: dict[int, list[EnrolmentRow]] = defaultdict(list)
        schools: dict[int, School] = {}
        for row in self.enrolments.rows:
            by_school[row.school.pk].append(row)
            schools[row.school.pk] = row.school
        for school_id, rows in by_school.items():
            self._write_school(schools[school_id], rows)
        if self.run.manifest.modes.get("enrollments.csv") == "bulk":
            for school in self.run.scope():
                self._end_missing(school)
        self._save_maps()

    def _write_school(self, school: School, rows: list[EnrolmentRow]) -> None:
        users = self.run.mapping(school, SourcedId.Kind.USER)
        classes = self.run.mapping(school, SourcedId.Kind.CLASS)
        known = self._known(school, [r.sourced_id for r in rows])
        class_ids = {classes[r.class_sid][1] for r in rows if r.class_sid in classes}
        year_start = dict(
            Class.objects.filter(pk__in=class_ids).values_list("pk", "academic_year__starts_on")
        )
        year_start.update(self.run.class_year_starts)  # classes a dry run would write
        students = [r for r in rows if r.role == "student"]
        staff = [r for r in rows if r.role in STAFF_ENROLMENT_ROLES]
        ignored = len(rows) - len(students) - len(staff)
        if ignored:
            self.run.summary.notes.append(
                f"{ignored} enrolments of administrators or proctors were read and not imported"
            )
        self._students(school, students, users, classes, known, year_start)
        self._staff(school, staff, users, classes, known)

    def _known(self, school: School, sids: list[str]) -> dict[str, tuple[str, int]]:
        found: dict[str, tuple[str, int]] = {}
        for batch in chunks(sids):
            for sid, target, object_id in SourcedId.objects.filter(
                school=school, kind=SourcedId.Kind.ENROLMENT, sourced_id__in=batch
            ).values_list("sourced_id", "target", "object_id"):
                found[sid] = (target, object_id)
        return found

    def _refs(
        self,
        row: EnrolmentRow,
        users: dict[str, tuple[str, int, str]],
        classes: dict[str, tuple[str, int, str]],
        target: str,
    ) -> tuple[int, int] | None:
        user, teaching_class = users.get(row.user_sid), classes.get(row.class_sid)
        if user is None or user[0] != target:
            what = gettext("a pupil") if target == "people.pupil" else gettext("a member of staff")
            self.run.problems.add(
                "enrollments.csv",
                row.line,
                "userSourcedId",
                gettext(
                    "%(user_sid)s is not %(what)s in this school, so cannot be enrolled as %(role)s"
                )
                % {"user_sid": repr(row.user_sid), "what": what, "role": row.role},
            )
            return None
        if teaching_class is None or teaching_class[0] != "teaching.class":
            self.run.problems.add(
                "enrollments.csv",
                row.line,
                "classSourcedId",
                gettext("%(class_sid)s is not a class") % {"class_sid": repr(row.class_sid)},
            )
            return None
        return user[1], teaching_class[1]

    def _students(
        self,
        school: School,
        rows: list[EnrolmentRow],
        users: dict[str, tuple[str, int, str]],
        classes: dict[str, tuple[str, int, str]],
        known: dict[str, tuple[str, int]],
        year_start: dict[int, dt.date],
    ) -> None:
        resolved = []
        for row in rows:
            refs = self._refs(row, users, classes, "people.pupil")
            if refs is not None:
                resolved.append((row, *refs))
        class_ids = sorted({class_id for _, _, class_id in resolved})
        places: list[Place] = []
        for batch in chunks(class_ids, 500):
            places.extend(
                Place(*values)
                for values in Enrolment.objects.filter(
                    school=school, teaching_class_id__in=batch
                ).values_list("pk", "pupil_id", "teaching_class_id", "starts_on", "ends_on")
            )
        plan = plan_places(
            resolved, known=known, places=places, year_start=year_start, today=self.run.today
        )
        for row, pk in plan.matched:
            self._map(school, row, PLACE, pk, known)
        inserted = (
            self.run.provisional(len(plan.create))
            if self.run.dry_run
            else enrolments_roster_insert(
                school=school,
                rows=[
                    (pupil, klass, starts, ends) for _, pupil, klass, starts, ends in plan.create
                ],
            )
        )
        for (row, *_), pk in zip(plan.create, inserted, strict=True):
            self._map(school, row, PLACE, pk, known)
        self.counts.created += len(plan.create)
        self.counts.updated += plan.updated
        self.counts.unchanged += plan.unchanged
        self.counts.ended += plan.ended
        if not self.run.dry_run:
            enrolments_roster_dates(dates=plan.dates)

    def _staff(
        self,
        school: School,
        rows: list[EnrolmentRow],
        users: dict[str, tuple[str, int, str]],
        classes: dict[str, tuple[str, int, str]],
        known: dict[str, tuple[str, int]],
    ) -> None:
        links = {
            (class_id, staff_id): (pk, role)
            for pk, class_id, staff_id, role in ClassStaff.objects.filter(
                school=school, teaching_class_id__in={c[1] for c in classes.values()}
            ).values_list("pk", "teaching_class_id", "staff_id", "role")
        }
        resolved = []
        for row in rows:
            refs = self._refs(row, users, classes, "people.staff")
            if refs is not None:
                resolved.append((row, *refs, str(STAFF_ENROLMENT_ROLES[row.role])))
        plan = plan_class_staff(resolved, links=links, today=self.run.today)
        ids = (
            self.run.provisional(len(plan.create))
            if self.run.dry_run
            else class_staff_roster_write(
                school=school,
                new=[(c, s, link.role) for c, s, link in plan.create],
                roles=plan.roles,
                removed=plan.removed,
            )
        )
        for (_, _, link), pk in zip(plan.create, ids, strict=True):
            link.pk = pk
        for row, link in plan.matched:
            if link.pk is not None:
                self._map(school, row, "teaching.classstaff", link.pk, known)
        self.staff_counts.created += plan.created
        self.staff_counts.updated += plan.updated
        self.staff_counts.unchanged += plan.unchanged
        self.staff_counts.ended += plan.ended

    def _map(
        self,
        school: School,
        row: EnrolmentRow,
        target: str,
        object_id: int,
        known: dict[str, tuple[str, int]],
    ) -> None:
        if row.sourced_id in known or row.sourced_id in self.enrolments.known.get(school.pk, set()):
            self.changed_maps[f"{school.pk}\x1f{row.sourced_id}"] = (
                target,
                object_id,
                row.fingerprint,
            )
        else:
            self.new_maps.append(
                (school.pk, "enrollment", row.sourced_id, target, object_id, row.fingerprint)
            )

    def _save_maps(self) -> None:
        if self.run.dry_run:
            return
        insert_rows(
            SourcedId,
            ["school_id", "kind", "sourced_id", "target", "object_id", "fingerprint"],
            self.new_maps,
        )
        by_school: dict[int, dict[str, tuple[str, int, str]]] = defaultdict(dict)
        for key, value in self.changed_maps.items():
            school_key, sid = key.split("\x1f", 1)
            by_school[int(school_key)][sid] = value
        for school_id, entries in by_school.items():
            updates = []
            for batch in chunks(list(entries)):
                for entry in SourcedId.objects.filter(
                    school_id=school_id, kind=SourcedId.Kind.ENROLMENT, sourced_id__in=batch
                ):
                    entry.target, entry.object_id, entry.fingerprint = entries[entry.sourced_id]
                    updates.append(entry)
            SourcedId.objects.bulk_update(
                updates, ["target", "object_id", "fingerprint"], batch_size=CHUNK
            )

    def _end_missing(self, school: School) -> None:
        """A bulk enrollments.csv lists every enrolment: those imported before and missing
        now have ended (students' enrolments get an end date; class staff links go)."""
        missing = self.enrolments.known.get(school.pk, set()) - self.enrolments.in_file[school.pk]
        if not missing:
            return
        targets: dict[str, list[int]] = defaultdict(list)
        for batch in chunks(sorted(missing)):
            for target, object_id in SourcedId.objects.filter(
                school=school, kind=SourcedId.Kind.ENROLMENT, sourced_id__in=batch
            ).values_list("target", "object_id"):
                targets[target].append(object_id)
        ended: dict[int, dict[str, dt.date | None]] = {}
        for ids in chunks(targets[PLACE]):
            for values in Enrolment.objects.filter(pk__in=ids).values_list(
                "pk", "pupil_id", "teaching_class_id", "starts_on", "ends_on"
            ):
                place = Place(*values)
                if end_place(place, self.run.today):
                    ended[place.pk] = {"ends_on": place.ends_on}
        self.counts.ended += len(ended)
        links = targets["teaching.classstaff"]
        if self.run.dry_run:  # how many of the links are still there to go
            self.staff_counts.ended += sum(
                ClassStaff.objects.filter(pk__in=ids).count() for ids in chunks(links)
            )
            return
        enrolments_roster_dates(dates=ended)
        self.staff_counts.ended += class_staff_remove(link_ids=links)
