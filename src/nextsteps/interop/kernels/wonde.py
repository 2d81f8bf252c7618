"""A Wonde sync's plan as plain data: Wonde's rows (`wonde_rows`) matched to what the school
already holds (also plain data) — what to create, update and end, and what not to apply. No
database here: the sync reads everything first, loads what exists once, asks for the plan and
hands it to the owning apps' services to write.

Rows the sync creates have no id until they are written; the plan names each by an id from
`NEW` upwards, in the order they will be created, so it sorts after every existing id as the
real one will.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from nextsteps.i18n import translate as gettext
from nextsteps.interop.kernels.roster_plan import Place, end_place, plan_class_staff
from nextsteps.interop.kernels.wonde_rows import ClassRow, ContactPupil, WondeRows
from nextsteps.people.kernels.identity import IdentityReport, Outcome, pupil_match

FILE = "Wonde"
NEW = 2**62  # ids from here up stand for rows the sync creates

# The kinds of Wonde record a school's links name (`interop.WondeLink.Kind`).
STUDENT, EMPLOYEE, CONTACT, CLASS, GROUP = "student", "employee", "contact", "class", "group"
TEACHING, FORM = "teaching", "form"  # `teaching.Class.Kind`
TEACHER = "teacher"  # the role Wonde's staff take on a class (`teaching.ClassStaff.Role`)


# The kinds counted, in the order the summary lists them: key -> (label, link kind).
PUPILS, STAFF, GUARDIANS, GUARDIAN_LINKS = "pupils", "staff", "guardians", "guardian_links"
CLASSES, PLACES, FORMS, ATTENDANCE = "classes", "places", "forms", "attendance"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    left: int = 0  # pupils who became leavers; enrolments or staff links ended


# ------------------------------------------------------------------- what the school holds


@dataclass(frozen=True, slots=True)
class GuardianLinkRecord:
    pk: int
    guardian_id: int
    pupil_id: int
    relationship: str
    parental_responsibility: bool
    ends_on: dt.date | None


@dataclass(slots=True)
class ClassRecord:
    pk: int
    name: str
    year_group: int | None


@dataclass
class Holdings:
    """What the school already holds, loaded once: its Wonde links (kind -> Wonde id -> row
    id), the linked pupils (by id) and those with an incoming UPN (by UPN) as field -> value,
    its staff, its linked parents and carers, every link between parents and pupils, the
    year's classes (in the database's order), subjects (by folded name), open places and
    class staff ((class id, staff id) -> (link id, role))."""

    links: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    pupils_by_id: dict[int, dict[str, Any]] = field(default_factory=dict)
    pupils_by_upn: dict[str, dict[str, Any]] = field(default_factory=dict)
    staff: dict[int, dict[str, Any]] = field(default_factory=dict)
    guardians: dict[int, dict[str, Any]] = field(default_factory=dict)
    guardian_links: list[GuardianLinkRecord] = field(default_factory=list)
    year_id: int | None = None  # the academic year today falls in, if the school has it
    classes: list[ClassRecord] = field(default_factory=list)
    subjects: dict[str, int] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)
    class_staff: dict[tuple[int, int], tuple[int, str]] = field(default_factory=dict)


# ---------------------------------------------------------------------------- the plan


@dataclass(frozen=True, slots=True)
class ClassCreate:
    pk: int  # from NEW up
    name: str
    kind: str
    year_group: int | None
    subject_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ClassRename:
    pk: int
    name: str
    year_group: int | None


@dataclass
class ClassesPass:
    """One list's classes (teaching classes, then registration groups), written in order."""

    changes: list[ClassCreate | ClassRename] = field(default_factory=list)
    opened: list[tuple[int, int, dt.date]] = field(default_factory=list)  # pupil, class, day
    ended: dict[int, dt.date] = field(default_factory=dict)  # place id -> last day
    staff_added: list[tuple[int, int]] = field(default_factory=list)  # class, staff
    staff_removed: dict[int, set[int]] = field(default_factory=dict)  # class -> staff
    wanted: bool = False  # Wonde listed at least one class: places and staff are written


@dataclass
class WondePlan:
    """What a sync will write. Ids from NEW up name rows created earlier in the plan."""

    counts: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    identity: IdentityReport = field(default_factory=IdentityReport)
    skipped: list[str] = field(default_factory=list)
    new_pupils: list[dict[str, Any]] = field(default_factory=list)
    pupil_changes: dict[int, dict[str, Any]] = field(default_factory=dict)
    new_staff: list[dict[str, Any]] = field(default_factory=list)
    staff_changes: dict[int, dict[str, Any]] = field(default_factory=dict)
    new_guardians: list[dict[str, Any]] = field(default_factory=list)
    guardian_changes: dict[int, dict[str, Any]] = field(default_factory=dict)
    new_guardian_links: list[dict[str, Any]] = field(default_factory=list)
    guardian_link_changes: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Links to end (link id -> last day), and new links ended as soon as made (by index).
    link_ends: dict[int, dt.date] = field(default_factory=dict)
    new_link_ends: dict[int, dt.date] = field(default_factory=dict)
    passes: list[ClassesPass] = field(default_factory=list)
    attendance: list[dict[str, Any]] = field(default_factory=list)
    # Wonde links: (kind, Wonde id, row id) to add, and those to point at another row.
    links_new: list[tuple[str, str, int]] = field(default_factory=list)
    links_moved: list[tuple[str, str, int]] = field(default_factory=list)


def plan_sync(rows: WondeRows, holdings: Holdings, *, today: dt.date) -> WondePlan:
    """Match every row to what the school holds and say what to write."""
    return _Planner(rows, holdings, today).plan()


@dataclass
class _PupilAfter:
    year_group: int | None
    leaving_date: dt.date | None


class _Planner:
    def __init__(self, rows: WondeRows, holdings: Holdings, today: dt.date) -> None:
        self.rows = rows
        # The plan changes its own copies of classes, places and class staff as it goes.
        self.held = replace(
            holdings,
            classes=[replace(c) for c in holdings.classes],
            places=[replace(p) for p in holdings.places],
            class_staff=dict(holdings.class_staff),
        )
        self.today = today
        self.result = WondePlan()
        self.links: dict[str, dict[str, int]] = defaultdict(dict)
        for kind, ids in holdings.links.items():
            self.links[kind] = dict(ids)
        self.next_id: dict[str, int] = defaultdict(lambda: NEW)
        # Each linked pupil's year group and leaving date once the sync has written.
        self.pupils_after: dict[int, _PupilAfter] = {}
        self.leaving: dict[int, dt.date] = {}

    def plan(self) -> WondePlan:
        for key in (PUPILS, STAFF, GUARDIANS, GUARDIAN_LINKS):
            self.result.counts[key]  # noqa: B018 - the summary lists the kinds in this order
        self._pupils()
        self._staff()
        self._contacts()
        self._classes(self.rows.classes, CLASS, TEACHING)
        self._classes(self.rows.groups, GROUP, FORM)
        self._attendance()
        return self.result

    def _new_id(self, kind: str) -> int:
        self.next_id[kind] += 1
        return self.next_id[kind] - 1

    def _link(self, kind: str, wonde_id: str, object_id: int) -> None:
        known = self.links[kind]
        if known.get(wonde_id) != object_id:
            moved = wonde_id in known
            known[wonde_id] = object_id
            target = self.result.links_moved if moved else self.result.links_new
            target.append((kind, wonde_id, object_id))

    # -- pupils ---------------------------------------------------------------------------

    def _pupils(self) -> None:
        plan = self.result
        counts = plan.counts[PUPILS]
        plan.skipped += self.rows.student_problems
        links = self.links[STUDENT]
        by_id, by_upn = self.held.pupils_by_id, self.held.pupils_by_upn
        new_ids: list[str] = []
        claimed: dict[int, str] = {}
        for wonde_id, row in self.rows.students.items():
            fields = row.fields
            current = by_id.get(links.get(wonde_id, -1)) or by_upn.get(fields["upn"])
            stated = dict(fields)
            if current is not None and current["upn"] == stated["upn"]:
                stated.pop("upn")
            elif current is not None and stated["upn"] in by_upn:
                plan.skipped.append(
                    gettext("Student %(id)s: not applied, the new UPN %(upn)s is another pupil's")
                    % {"id": wonde_id, "upn": stated["upn"]}
                )
                continue
            if current is not None and current["id"] in claimed:
                plan.skipped.append(
                    gettext("Student %(id)s: not applied, UPN %(upn)s is also student %(other)s")
                    % {"id": wonde_id, "upn": fields["upn"], "other": claimed[current["id"]]}
                )
                continue
            decision = pupil_match(current, stated)
            plan.identity.record(
                decision,
                file=FILE,
                line=row.line,
                upn=fields["upn"],
                existing=current,
                incoming=stated,
            )
            if decision.outcome is Outcome.CONFLICT:
                continue
            if current is None:
                if self._refused_new_pupil(wonde_id, fields):
                    continue
                plan.new_pupils.append({"gender": "X", "admission_date": self.today, **fields})
                new_ids.append(wonde_id)
                counts.created += 1
                continue
            claimed[current["id"]] = wonde_id
            self._link(STUDENT, wonde_id, current["id"])
            if decision.changes:
                changes = {c.field: c.after for c in decision.changes}
                plan.pupil_changes[current["id"]] = changes
                if "leaving_date" in changes and current["leaving_date"] is None:
                    counts.left += 1
                else:
                    counts.updated += 1
            else:
                counts.unchanged += 1
        self._leavers(set(self.rows.students), counts)
        for wonde_id, fields in zip(new_ids, plan.new_pupils, strict=True):
            pupil_id = self._new_id(STUDENT)
            self._link(STUDENT, wonde_id, pupil_id)
            self.pupils_after[pupil_id] = _PupilAfter(
                fields.get("year_group"), fields.get("leaving_date")
            )
        self._pupils_after()

    def _refused_new_pupil(self, wonde_id: str, fields: dict[str, Any]) -> bool:
        missing = [n for n in ("date_of_birth", "year_group") if n not in fields]
        if missing:
            self.result.skipped.append(
                gettext("Student %(id)s (UPN %(upn)s): not added, Wonde gives no %(what)s")
                % {
                    "id": wonde_id,
                    "upn": fields["upn"],
                    "what": gettext(" or ").join(m.replace("_", " ") for m in missing),
                }
            )
        return bool(missing)

    def _leavers(self, present: set[str], counts: Counts) -> None:
        """Pupils Wonde no longer lists (a full sync) or has deleted (a delta) become leavers."""
        links = self.links[STUDENT]
        changes = self.result.pupil_changes
        gone = set(links) - present if self.rows.full else self.rows.deleted_students
        for wonde_id in sorted(gone):
            pupil = self.held.pupils_by_id.get(links.get(wonde_id, -1))
            if pupil is None or pupil["leaving_date"] is not None or pupil["id"] in changes:
                continue
            changes[pupil["id"]] = {"leaving_date": self.today}
            counts.left += 1

    def _pupils_after(self) -> None:
        """Each linked pupil's year group and leaving date as the sync leaves them."""
        records = {**self.held.pupils_by_id}
        records.update({r["id"]: r for r in self.held.pupils_by_upn.values()})
        linked = set(self.links[STUDENT].values())
        for pupil_id in linked:
            record = records.get(pupil_id)
            if record is None:
                continue
            after = {**record, **self.result.pupil_changes.get(pupil_id, {})}
            self.pupils_after[pupil_id] = _PupilAfter(after["year_group"], after["leaving_date"])
        self.leaving = {
            pupil_id: after.leaving_date
            for pupil_id, after in self.pupils_after.items()
            if after.leaving_date is not None and pupil_id in linked
        }

    # -- staff ----------------------------------------------------------------------------

    def _staff(self) -> None:
        plan = self.result
        counts = plan.counts[STAFF]
        links = self.links[EMPLOYEE]
        existing = self.held.staff
        by_email = {s["email"].lower(): s for s in existing.values() if s["email"]}
        new_ids: list[str] = []
        for row in self.rows.employees:
            email = row.fields["email"]
            current = existing.get(links.get(row.wonde_id, -1)) or (
                by_email.get(email.lower()) if email else None
            )
            if current is None:
                plan.new_staff.append(row.fields)
                new_ids.append(row.wonde_id)
                counts.created += 1
                continue
            self._link(EMPLOYEE, row.wonde_id, current["id"])
            changed = {k: v for k, v in row.fields.items() if current[k] != v}
            if changed:
                plan.staff_changes[current["id"]] = changed
                counts.updated += 1
            else:
                counts.unchanged += 1
        plan.skipped += self.rows.employee_problems
        for wonde_id in new_ids:
            self._link(EMPLOYEE, wonde_id, self._new_id(EMPLOYEE))

    # -- parents and carers ---------------------------------------------------------------

    def _contacts(self) -> None:
        plan = self.result
        counts = plan.counts[GUARDIANS]
        links = self.links[CONTACT]
        pupils = self.links[STUDENT]
        existing = self.held.guardians
        known = {
            (link.guardian_id, link.pupil_id): link
            for link in self.held.guardian_links
            if link.guardian_id in existing
        }
        listed: set[int] = set()  # links Wonde lists in this sync
        listed_guardians: set[int] = set()  # guardians whose full list of pupils Wonde gave
        new_ids: list[str] = []
        for row in self.rows.contacts:
            current = existing.get(links.get(row.wonde_id, -1))
            guardian_id: int | None = current["id"] if current else None
            if guardian_id is not None and row.lists_students:
                listed_guardians.add(guardian_id)
            if current is None:
                plan.new_guardians.append(row.fields)
                new_ids.append(row.wonde_id)
                counts.created += 1
            else:
                changed = {k: v for k, v in row.fields.items() if current[k] != v}
                if changed:
                    plan.guardian_changes[current["id"]] = changed
                    counts.updated += 1
                else:
                    counts.unchanged += 1
            for student in row.students:
                pupil_id = pupils.get(student.wonde_id)
                if pupil_id is None:
                    continue
                link = known.get((guardian_id, pupil_id)) if guardian_id else None
                self._contact_link(student, pupil_id, guardian_id, link, listed)
        for wonde_id in new_ids:
            self._link(CONTACT, wonde_id, self._new_id(CONTACT))
        link_counts = plan.counts[GUARDIAN_LINKS]
        link_counts.created += len(plan.new_guardian_links)
        link_counts.updated += len(plan.guardian_link_changes)
        link_counts.unchanged += len(listed) - len(plan.guardian_link_changes)
        self._end_guardian_links(known, listed, listed_guardians)

    def _contact_link(
        self,
        student: ContactPupil,
        pupil_id: int,
        guardian_id: int | None,
        link: GuardianLinkRecord | None,
        listed: set[int],
    ) -> None:
        wanted: dict[str, Any] = {
            "relationship": student.relationship,
            "parental_responsibility": student.parental_responsibility,
        }
        left = self.leaving.get(pupil_id)
        if link is None and left is not None and left < self.today:
            return  # no new link to a pupil who has left
        if link is None:
            self.result.new_guardian_links.append(
                {
                    "guardian_id": guardian_id,
                    "new_index": len(self.result.new_guardians) - 1,
                    "pupil_id": pupil_id,
                    **wanted,
                }
            )
            return
        listed.add(link.pk)
        if link.ends_on is not None and link.ends_on < self.today and left is None:
            wanted["ends_on"] = None  # Wonde lists the parent again: it holds again
        if {k: getattr(link, k) for k in wanted} != wanted:
            self.result.guardian_link_changes[link.pk] = wanted

    def _end_guardian_links(
        self,
        known: dict[tuple[int, int], GuardianLinkRecord],
        listed: set[int],
        listed_guardians: set[int],
    ) -> None:
        """End (never delete) the links the MIS no longer holds: a Wonde contact no longer
        listed for a pupil (every contact in a full sync; in a delta, each contact Wonde sent
        and each contact it deleted), and every link of a pupil who has left. The link ends
        yesterday, so the parent no longer sees the child from today; a pupil leaving on a
        later date keeps the link to that day."""
        plan = self.result
        yesterday = self.today - dt.timedelta(days=1)
        contacts = self.links[CONTACT]
        deleted = {contacts[i] for i in self.rows.deleted_contacts if i in contacts}
        ends = plan.link_ends
        for (guardian_id, _pupil_id), link in known.items():
            if link.ends_on is not None or link.pk in listed:
                continue
            if self.rows.full or guardian_id in listed_guardians or guardian_id in deleted:
                ends[link.pk] = yesterday
        reopened = {pk for pk, change in plan.guardian_link_changes.items() if "ends_on" in change}
        for link in self.held.guardian_links:
            left = self.leaving.get(link.pupil_id)
            if left is None or (link.ends_on is not None and link.pk not in reopened):
                continue
            ends[link.pk] = min(ends.get(link.pk, left), yesterday if left <= self.today else left)
        for index, new_link in enumerate(plan.new_guardian_links):
            left = self.leaving.get(new_link["pupil_id"])
            if left is not None:
                plan.new_link_ends[index] = yesterday if left <= self.today else left
        plan.counts[GUARDIAN_LINKS].left += len(ends) + len(plan.new_link_ends)

    # -- classes and registration groups ---------------------------------------------------

    def _classes(self, rows: list[ClassRow], kind: str, class_kind: str) -> None:
        plan = self.result
        counts = plan.counts[CLASSES if class_kind == TEACHING else FORMS]
        places = plan.counts[PLACES]
        this = ClassesPass()
        plan.passes.append(this)
        links = self.links[kind]
        pupils = self.links[STUDENT]
        staff = self.links[EMPLOYEE]
        classes = {c.pk: c for c in self.held.classes}
        by_name = {c.name: c for c in classes.values()}
        wanted: dict[int, set[int]] = {}
        wanted_staff: dict[int, set[int]] = {}
        for row in rows:
            members = {pupils[s] for s in row.students if s in pupils}
            years = Counter(
                self.pupils_after[p].year_group for p in sorted(members) if p in self.pupils_after
            )
            common = years.most_common(1)
            group = common[0][0] if common else None
            found = classes.get(links.get(row.wonde_id, -1)) or by_name.get(row.name)
            if found is None:
                subject = self.held.subjects.get(row.subject.casefold()) if row.subject else None
                found = ClassRecord(self._new_id(CLASS), row.name, group)
                this.changes.append(
                    ClassCreate(
                        found.pk, row.name, class_kind, group, (subject,) if subject else ()
                    )
                )
                self.held.classes.append(found)
                classes[found.pk] = by_name[row.name] = found
                counts.created += 1
            elif (found.name, found.year_group) != (row.name, group) and (
                row.name == found.name or row.name not in by_name
            ):
                del by_name[found.name]
                found.name, found.year_group = row.name, group
                this.changes.append(ClassRename(found.pk, row.name, group))
                by_name[row.name] = found
                counts.updated += 1
            else:
                counts.unchanged += 1
            self._link(kind, row.wonde_id, found.pk)
            wanted[found.pk] = members
            wanted_staff[found.pk] = {staff[e] for e in row.employees if e in staff}
        if wanted:
            this.wanted = True
            self._places(this, wanted, places)
            self._class_staff(this, wanted_staff, set(staff.values()))

    def _places(self, this: ClassesPass, wanted: dict[int, set[int]], counts: Counts) -> None:
        """Open places for pupils Wonde lists in a class; end (never delete) the others."""
        open_places: dict[int, dict[int, Place]] = defaultdict(dict)
        for place in self.held.places:
            if place.class_id in wanted and place.ends_on is None:
                open_places[place.class_id][place.pupil_id] = place
        for class_id, members in wanted.items():
            current = open_places[class_id]
            for pupil_id in sorted(members - set(current)):
                this.opened.append((pupil_id, class_id, self.today))
                self.held.places.append(
                    Place(self._new_id("place"), pupil_id, class_id, self.today, None)
                )
            for pupil_id in sorted(set(current) - members):
                place = current[pupil_id]
                if end_place(place, self.today) and place.ends_on is not None:
                    this.ended[place.pk] = place.ends_on
            counts.unchanged += len(members & set(current))
        counts.created += len(this.opened)
        counts.left += len(this.ended)

    def _class_staff(
        self, this: ClassesPass, wanted: dict[int, set[int]], from_wonde: set[int]
    ) -> None:
        """Add the staff Wonde lists; remove only Wonde's own staff Wonde no longer lists, so
        someone added to a class in nextsteps stays."""
        held = self.held.class_staff
        on_class: dict[int, set[int]] = defaultdict(set)
        for class_id, staff_id in held:
            if class_id in wanted:
                on_class[class_id].add(staff_id)
        rows: list[tuple[_StaffLine, int, int, str]] = []
        for class_id, staff_ids in wanted.items():
            for staff_id in sorted(staff_ids - on_class[class_id]):
                rows.append((_StaffLine(), staff_id, class_id, TEACHER))
            for staff_id in sorted((on_class[class_id] - staff_ids) & from_wonde):
                rows.append((_StaffLine(deleted=True), staff_id, class_id, TEACHER))
        staff_plan = plan_class_staff(
            rows, links={key: held[key] for key in held if key[0] in wanted}, today=self.today
        )
        this.staff_added = [(class_id, staff_id) for class_id, staff_id, _ in staff_plan.create]
        removed = set(staff_plan.removed)
        gone = {held[key][0]: key for key in held if held[key][0] in removed}
        this.staff_removed = {
            class_id: {s for c, s in gone.values() if c == class_id} for class_id in wanted
        }
        for class_id, staff_id in this.staff_added:
            held[(class_id, staff_id)] = (self._new_id("class staff"), TEACHER)
        for key in gone.values():
            del held[key]

    # -- attendance -----------------------------------------------------------------------

    def _attendance(self) -> None:
        pupils = self.links[STUDENT]
        start = self.today.year if self.today.month >= 9 else self.today.year - 1
        self.result.counts[ATTENDANCE]  # noqa: B018 - counted as the sync writes
        for row in self.rows.attendance:
            pupil_id = pupils.get(row.student)
            if pupil_id is None:
                continue
            if row.possible is None or row.attended is None:
                self.result.skipped.append(
                    gettext("Attendance of student %(id)s: not applied, the counts are not numbers")
                    % {"id": row.student}
                )
                continue
            if row.possible <= 0 or not 0 <= row.attended <= row.possible:
                continue
            self.result.attendance.append(
                {
                    "pupil_id": pupil_id,
                    "year_starting": start,
                    "possible_sessions": row.possible,
                    "attended_sessions": row.attended,
                    "as_of": self.today,
                }
            )


@dataclass(frozen=True, slots=True)
class _StaffLine:
    """A member of staff Wonde lists on a class (or no longer does), as `plan_class_staff`
    reads a row."""

    deleted: bool = False
    sourced_id: str = ""
    begin: dt.date | None = None
    end: dt.date | None = None
