"""OneRoster enrolments → dated enrolments (students) and class staff (teachers, aides).

Batch-written: the changed rows of a 500,000-row file become a handful of bulk queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext

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


@dataclass(slots=True)
class _Link:
    """A member of staff on a class, as the rows so far leave it (no id until written)."""

    pk: int | None
    role: str
    gone: bool = False


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
        existing: dict[int, Enrolment] = {}
        natural: dict[tuple[int, int], list[Enrolment]] = defaultdict(list)
        for batch in chunks(class_ids, 500):
            for found in Enrolment.objects.filter(school=school, teaching_class_id__in=batch):
                existing[found.pk] = found
                natural[(found.pupil_id, found.teaching_class_id)].append(found)
        new: list[tuple[EnrolmentRow, int, int, dt.date, dt.date | None]] = []
        updates: dict[int, dict[str, dt.date | None]] = {}
        for row, pupil_id, class_id in resolved:
            starts = row.begin or year_start.get(class_id) or self.run.today
            ends = row.end - dt.timedelta(days=1) if row.end else None
            enrolment: Enrolment | None = self._find(
                row, known, existing, natural, pupil_id, class_id, starts
            )
            if row.deleted:
                if enrolment is not None and self._end(enrolment):
                    updates[enrolment.pk] = {
                        "starts_on": enrolment.starts_on,
                        "ends_on": enrolment.ends_on,
                    }
                    self.counts.ended += 1
            elif enrolment is None:
                new.append((row, pupil_id, class_id, starts, ends))
                continue
            elif (enrolment.starts_on, enrolment.ends_on) != (starts, ends):
                enrolment.starts_on, enrolment.ends_on = starts, ends
                updates[enrolment.pk] = {"starts_on": starts, "ends_on": ends}
                self.counts.updated += 1
            else:
                self.counts.unchanged += 1
            if enrolment is not None:
                self._map(school, row, "teaching.enrolment", enrolment.pk, known)
        inserted = enrolments_roster_insert(
            school=school,
            rows=[(pupil, klass, starts, ends) for _, pupil, klass, starts, ends in new],
        )
        for row, pk in zip((n[0] for n in new), inserted, strict=True):
            self._map(school, row, "teaching.enrolment", pk, known)
        self.counts.created += len(new)
        enrolments_roster_dates(dates=updates)

    def _find(
        self,
        row: EnrolmentRow,
        known: dict[str, tuple[str, int]],
        existing: dict[int, Enrolment],
        natural: dict[tuple[int, int], list[Enrolment]],
        pupil_id: int,
        class_id: int,
        starts: dt.date,
    ) -> Enrolment | None:
        mapped = known.get(row.sourced_id)
        if mapped and mapped[0] == "teaching.enrolment" and mapped[1] in existing:
            return existing[mapped[1]]
        candidates = natural.get((pupil_id, class_id), [])
        for enrolment in candidates:
            if enrolment.starts_on == starts and enrolment.pk is not None:
                return enrolment
        open_ones = [e for e in candidates if e.ends_on is None and e.pk is not None]
        return open_ones[0] if len(open_ones) == 1 and not row.begin else None

    def _end(self, enrolment: Enrolment) -> bool:
        """End an enrolment yesterday (or on its first day); False if it had already ended."""
        last = max(enrolment.starts_on, self.run.today - dt.timedelta(days=1))
        if enrolment.ends_on is not None and enrolment.ends_on <= last:
            return False
        enrolment.ends_on = last
        return True

    def _staff(
        self,
        school: School,
        rows: list[EnrolmentRow],
        users: dict[str, tuple[str, int, str]],
        classes: dict[str, tuple[str, int, str]],
        known: dict[str, tuple[str, int]],
    ) -> None:
        links: dict[tuple[int, int], _Link] = {
            (class_id, staff_id): _Link(pk, role)
            for pk, class_id, staff_id, role in ClassStaff.objects.filter(
                school=school, teaching_class_id__in={c[1] for c in classes.values()}
            ).values_list("pk", "teaching_class_id", "staff_id", "role")
        }
        pending: list[tuple[int, int, _Link]] = []
        unmapped: list[tuple[EnrolmentRow, _Link]] = []
        roles: dict[int, str] = {}
        removed: list[int] = []
        for row in rows:
            refs = self._refs(row, users, classes, "people.staff")
            if refs is None:
                continue
            staff_id, class_id = refs
            link = links.get((class_id, staff_id))
            role = STAFF_ENROLMENT_ROLES[row.role]
            if row.deleted or (row.end is not None and row.end <= self.run.today):
                if link is not None:
                    links.pop((class_id, staff_id))
                    link.gone = True
                    if link.pk is not None:
                        removed.append(link.pk)
                        roles.pop(link.pk, None)
                    self.staff_counts.ended += 1
                continue
            if link is None:
                link = _Link(None, role)
                links[(class_id, staff_id)] = link
                pending.append((class_id, staff_id, link))
                self.staff_counts.created += 1
            elif link.role != role:
                link.role = role
                if link.pk is not None:
                    roles[link.pk] = role
                self.staff_counts.updated += 1
            else:
                self.staff_counts.unchanged += 1
            if link.pk is None:
                unmapped.append((row, link))
            else:
                self._map(school, row, "teaching.classstaff", link.pk, known)
        made = [(c, s, link) for c, s, link in pending if not link.gone]
        ids = class_staff_roster_write(
            school=school,
            new=[(c, s, link.role) for c, s, link in made],
            roles=roles,
            removed=removed,
        )
        for (_, _, link), pk in zip(made, ids, strict=True):
            link.pk = pk
        for row, link in unmapped:
            if link.pk is not None:
                self._map(school, row, "teaching.classstaff", link.pk, known)

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
        for ids in chunks(targets["teaching.enrolment"]):
            for enrolment in Enrolment.objects.filter(pk__in=ids):
                if self._end(enrolment):
                    ended[enrolment.pk] = {"ends_on": enrolment.ends_on}
        enrolments_roster_dates(dates=ended)
        self.counts.ended += len(ended)
        self.staff_counts.ended += class_staff_remove(link_ids=targets["teaching.classstaff"])
