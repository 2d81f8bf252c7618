"""Keep a school in step with its MIS through Wonde: pupils, staff, contacts, classes,
registration groups and attendance.

Read, match, then write (docs/architecture.md): everything is fetched from Wonde first,
outside any transaction, and read into plain rows (`interop.kernels.wonde_rows`); what the
school already holds is loaded in bulk once (`interop.selectors.wonde_holdings`); the kernel
(`interop.kernels.wonde`) matches the rows to it and plans what to create, update and end;
the plan is handed to the owning apps' bulk services in one transaction. A dry run does all
of it and rolls back. Rules:

- Pupils are matched by their Wonde id once linked, otherwise by UPN, then through the one
  identity rule (`people.identity.pupil_match`): a UPN naming a pupil with a different legal
  surname *and* date of birth is a conflict, reported and not applied; the rest still applies.
- A pupil who leaves Wonde (missing from a full sync, in its deletions, or given a leaving
  date) becomes a leaver: the leaving date is set, nothing is deleted.
- What the MIS holds, the MIS decides; what it does not hold (groups inside classes,
  frameworks, staff added to a class by hand) is never touched.
- A second sync with nothing changed writes nothing but its own log line.
- After the first sync, each list is asked only for records `updated_after` the last sync began.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from nextsteps.accounts.models import Actor, acting_user
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.interop.kernels import wonde as kernel
from nextsteps.interop.kernels import wonde_rows
from nextsteps.interop.kernels.wonde import NEW, Counts, WondePlan
from nextsteps.interop.kernels.wonde_rows import WondeRows
from nextsteps.interop.models import ImportRun, WondeSchool
from nextsteps.interop.selectors import WondeHoldings, wonde_holdings, year_name
from nextsteps.interop.services import wonde_links_write
from nextsteps.interop.wonde_client import WondeClient, WondeError
from nextsteps.people.kernels.identity import IdentityReport
from nextsteps.people.models import AttendanceSource
from nextsteps.people.services import (
    attendance_import_write,
    guardian_links_end,
    guardians_sync_write,
    pupils_import_write,
    staff_import_write,
)
from nextsteps.people.upn import UpnError, upn_clean
from nextsteps.schools.models import School
from nextsteps.schools.services import academic_year_ensure, school_from_register
from nextsteps.teaching.services import (
    class_roster_create,
    class_roster_rename,
    class_staff_sync_write,
    places_sync_apply,
)

__all__ = ["Counts", "SyncSummary", "WondeSchoolNotFound", "wonde_sync"]

WONDE_TIME = "%Y-%m-%d %H:%M:%S"
# Wonde's clock and ours differ a little; ask for a few minutes more than strictly needed.
DELTA_MARGIN = dt.timedelta(minutes=10)


class WondeSchoolNotFound(WondeError):
    """No school with this URN has approved access for the token."""


@dataclass
class SyncSummary:
    school: str = ""
    urn: int = 0
    dry_run: bool = False
    delta_from: str = ""
    requests: int = 0
    school_created: bool = False
    counts: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    identity: IdentityReport = field(default_factory=IdentityReport)
    skipped: list[str] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated + c.left for c in self.counts.values())

    def lines(self) -> list[str]:
        head = gettext("Dry run: nothing was written. ") if self.dry_run else ""
        since = (
            gettext(" (changes since %(since)s)") % {"since": self.delta_from}
            if self.delta_from
            else ""
        )
        lines = [
            head
            + gettext(
                "Wonde sync into %(school)s%(since)s: %(created)s created, %(updated)s updated."
            )
            % {
                "school": self.school,
                "since": since,
                "created": self.created,
                "updated": self.updated,
            }
        ]
        if self.school_created:
            lines.append(gettext("  The school was new to nextsteps and has been set up."))
        for what, c in self.counts.items():
            left = gettext(", %(n)s ended") % {"n": c.left} if c.left else ""
            lines.append(
                gettext("  %(what)s: %(created)s created, %(updated)s updated, %(same)s unchanged")
                % {"what": what, "created": c.created, "updated": c.updated, "same": c.unchanged}
                + left
            )
        if self.identity.conflicts:
            count = len(self.identity.conflicts)
            lines.append(
                ngettext(
                    "  %(n)s pupil not applied: the UPN names someone else (see below).",
                    "  %(n)s pupils not applied: their UPNs name someone else (see below).",
                    count,
                )
                % {"n": count}
            )
        lines += [f"  {reason}" for reason in self.skipped]
        lines.append(gettext("  %(n)s requests to Wonde.") % {"n": self.requests})
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "created": self.created,
            "updated": self.updated,
            "delta_from": self.delta_from,
            "requests": self.requests,
            "counts": {what: vars(c) for what, c in self.counts.items()},
            "skipped": self.skipped,
            "lines": self.lines(),
            **self.identity.as_dict(),
        }


@dataclass
class Feed:
    """Everything read from Wonde for one school, before anything is matched."""

    school: dict[str, Any]
    students: list[dict[str, Any]]
    deletions: list[dict[str, Any]]
    employees: list[dict[str, Any]]
    contacts: list[dict[str, Any]]
    classes: list[dict[str, Any]]
    groups: list[dict[str, Any]]
    attendance: list[dict[str, Any]]
    full: bool


class _DryRun(Exception):
    pass


def client_from_settings() -> WondeClient:
    token = getattr(settings, "WONDE_TOKEN", "")
    if not token:
        raise WondeError(
            gettext("WONDE_TOKEN is not set: nextsteps has no token to ask Wonde with")
        )
    return WondeClient(getattr(settings, "WONDE_API_URL", ""), token)


def find_wonde_school(client: WondeClient, urn: int) -> dict[str, Any]:
    """The approved school with this URN, from Wonde's list of schools the token may read
    (asked with the list's documented `urn` filter, and checked here all the same)."""
    for school in client.pages("schools", {"urn": str(urn)}):
        if str(school.get("urn") or "").strip() == str(urn):
            return school
    raise WondeSchoolNotFound(
        gettext(
            "No school with URN %(urn)s has approved this Wonde token: check the URN, and that "
            "the school has approved nextsteps in Wonde"
        )
        % {"urn": urn}
    )


def read_feed(client: WondeClient, wonde_school: dict[str, Any], since: str | None) -> Feed:
    base = f"schools/{wonde_school['id']}"
    delta = {"updated_after": since} if since else {}

    def fetch(path: str, include: str = "", **params: str) -> list[dict[str, Any]]:
        extra = {"include": include} if include else {}
        return client.all(f"{base}/{path}", {**extra, **delta, **params})

    return Feed(
        school=wonde_school,
        students=fetch("students", "education_details,extended_details"),
        # Every kind in one list (students and contacts are read from it); a delta only.
        deletions=fetch("deletions") if since else [],
        employees=fetch("employees", "contact_details,employment_details"),
        contacts=fetch("contacts", "contact_details,students"),
        classes=fetch("classes", "students,employees,subject"),
        groups=fetch("groups", "students", type="REGISTRATION"),
        attendance=fetch("attendance-summaries"),
        full=not since,
    )


def wonde_sync(
    *,
    urn: int,
    by: Actor | None,
    dry_run: bool = False,
    full: bool = False,
    client: WondeClient | None = None,
    today: dt.date | None = None,
) -> SyncSummary:
    """Sync one school from Wonde. WondeError (and its kinds) when Wonde refuses or the school
    is not found; conflicts do not stop the sync, they are reported in the summary."""
    client = client or client_from_settings()
    today = today or timezone.localdate()
    began = timezone.now()
    wonde_school = find_wonde_school(client, urn)
    school = School.objects.filter(urn=urn).first()
    connection = WondeSchool.objects.filter(school=school).first() if school is not None else None
    since = None
    if connection is not None and connection.synced_from is not None and not full:
        since = (connection.synced_from - DELTA_MARGIN).astimezone(dt.UTC).strftime(WONDE_TIME)
    feed = read_feed(client, wonde_school, since)
    rows = read_rows(feed)
    summary = SyncSummary(urn=urn, dry_run=dry_run, delta_from=since or "")
    try:
        with transaction.atomic(durable=True):
            holdings = wonde_holdings(
                school, upns=[row.fields["upn"] for row in rows.students.values()], today=today
            )
            plan = kernel.plan_sync(rows, holdings.held, today=today)
            school = _Write(feed, summary, today, by=by).apply(school, plan, holdings)
            summary.requests = client.requests
            if dry_run:
                raise _DryRun
            WondeSchool.objects.update_or_create(
                school=school,
                defaults={"wonde_id": str(wonde_school["id"]), "synced_from": began},
            )
            _log(school, summary, by=by)
    except _DryRun:
        pass
    return summary


def read_rows(feed: Feed) -> WondeRows:
    """Wonde's records as the kernel's plain rows, each UPN checked."""
    return wonde_rows.read_rows(
        students=feed.students,
        deletions=feed.deletions,
        employees=feed.employees,
        contacts=feed.contacts,
        classes=feed.classes,
        groups=feed.groups,
        attendance=feed.attendance,
        full=feed.full,
        upn_check=_upn_check,
    )


def _upn_check(upn: str) -> tuple[str, str]:
    try:
        return upn_clean(upn), ""
    except UpnError as error:
        return "", str(error)


def _log(school: School, summary: SyncSummary, *, by: Actor | None) -> None:
    data = summary.as_dict()
    ImportRun.objects.create(
        school=school,
        kind=ImportRun.Kind.WONDE,
        outcome=ImportRun.Outcome.IMPORTED,
        filename=gettext("%(created)s created, %(updated)s updated")
        % {"created": summary.created, "updated": summary.updated},
        summary=data,
        problem_count=len(summary.identity.conflicts) + len(summary.skipped),
        by=acting_user(by) if getattr(by, "pk", None) else None,
    )
    audit_write(
        actor=by,
        action=AuditAction.WONDE_SYNC,
        school=school,
        target_type="interop.importrun",
        target_label=f"Wonde sync {school.urn}"[:200],
        after={k: v for k, v in data.items() if k != "lines"},
    )


def _labels() -> dict[str, str]:
    """The summary's name for each kind the plan counts."""
    return {
        kernel.PUPILS: gettext("Pupils"),
        kernel.STAFF: gettext("Staff"),
        kernel.GUARDIANS: gettext("Parents and carers"),
        kernel.GUARDIAN_LINKS: gettext("Links to parents and carers"),
        kernel.CLASSES: gettext("Classes"),
        kernel.PLACES: gettext("Places in classes and forms"),
        kernel.FORMS: gettext("Forms"),
        kernel.ATTENDANCE: gettext("Attendance"),
    }


class _Write:
    """One sync's plan written through the owning apps' services, inside the transaction.
    Rows the plan numbers from NEW up get their ids as they are created."""

    def __init__(
        self, feed: Feed, summary: SyncSummary, today: dt.date, *, by: Actor | None
    ) -> None:
        self.feed = feed
        self.summary = summary
        self.today = today
        self.by = by
        self.created: dict[str, list[int]] = defaultdict(list)  # kind -> new ids, in order

    def id(self, kind: str, planned: int) -> int:
        """The id of a row the plan names (a new one's once it has been created)."""
        kind = kernel.CLASS if kind == kernel.GROUP else kind  # forms are classes too
        return self.created[kind][planned - NEW] if planned >= NEW else planned

    def apply(self, school: School | None, plan: WondePlan, holdings: WondeHoldings) -> School:
        school = school or self._create_school()
        self.summary.school = school.name
        labels = _labels()
        for key, counts in plan.counts.items():
            self.summary.counts[labels[key]] = counts
        self.summary.identity = plan.identity
        self.summary.skipped = plan.skipped
        self._people(school, plan)
        self._classes(school, plan, holdings)
        self._attendance(school, plan, plan.counts[kernel.ATTENDANCE])
        wonde_links_write(
            school=school,
            new=[(kind, wonde_id, self.id(kind, pk)) for kind, wonde_id, pk in plan.links_new],
            moved=[(kind, wonde_id, self.id(kind, pk)) for kind, wonde_id, pk in plan.links_moved],
        )
        return school

    def _create_school(self) -> School:
        data = self.feed.school
        school = school_from_register(
            urn=int(str(data["urn"])),
            name=str(data.get("name") or ""),
            phase=str(data.get("phase_of_education") or "").strip().lower(),
            la_code=str(data.get("la_code") or ""),
            estab=str(data.get("establishment_number") or ""),
        )
        self.summary.school_created = True
        return school

    def _people(self, school: School, plan: WondePlan) -> None:
        self.created[kernel.STUDENT] = pupils_import_write(
            school=school, new=plan.new_pupils, changes=plan.pupil_changes
        )
        self.created[kernel.EMPLOYEE] = staff_import_write(
            school=school, new=plan.new_staff, changes=plan.staff_changes
        )
        guardians, links = guardians_sync_write(
            school=school,
            new=plan.new_guardians,
            changes=plan.guardian_changes,
            links=[
                {**link, "pupil_id": self.id(kernel.STUDENT, link["pupil_id"])}
                for link in plan.new_guardian_links
            ],
            link_changes=plan.guardian_link_changes,
        )
        self.created[kernel.CONTACT] = guardians
        ends = {**plan.link_ends}
        for index, last in plan.new_link_ends.items():
            ends[links[index]] = last
        if ends:
            guardian_links_end(
                school=school,
                ends=ends,
                by=self.by,
                reason=gettext("Wonde sync: the MIS no longer links the parent and the pupil"),
            )

    def _classes(self, school: School, plan: WondePlan, holdings: WondeHoldings) -> None:
        year = holdings.year
        if year is None:
            name, starts_on, ends_on = year_name(self.today)
            year = academic_year_ensure(
                school=school, name=name, starts_on=starts_on, ends_on=ends_on
            )
        classes = dict(holdings.classes)
        for this in plan.passes:
            for change in this.changes:
                if isinstance(change, kernel.ClassCreate):
                    made = class_roster_create(
                        school=school,
                        academic_year_id=year.pk,
                        name=change.name,
                        kind=change.kind,
                        year_group=change.year_group,
                        subject_ids=change.subject_ids,
                    )
                    self.created[kernel.CLASS].append(made.pk)
                    classes[made.pk] = made
                else:
                    class_roster_rename(
                        teaching_class=classes[self.id(kernel.CLASS, change.pk)],
                        name=change.name,
                        year_group=change.year_group,
                    )
            if this.wanted:
                self._places_and_staff(school, this)

    def _places_and_staff(self, school: School, this: kernel.ClassesPass) -> None:
        pupil, teaching_class = kernel.STUDENT, kernel.CLASS
        self.created["place"] += places_sync_apply(
            school=school,
            opened=[
                (self.id(pupil, p), self.id(teaching_class, c), day) for p, c, day in this.opened
            ],
            ended={self.id("place", pk): last for pk, last in this.ended.items()},
        )
        class_staff_sync_write(
            school=school,
            added=[
                (self.id(teaching_class, c), self.id(kernel.EMPLOYEE, s))
                for c, s in this.staff_added
            ],
            removed={
                self.id(teaching_class, c): {self.id(kernel.EMPLOYEE, s) for s in staff}
                for c, staff in this.staff_removed.items()
            },
        )

    def _attendance(self, school: School, plan: WondePlan, counts: Counts) -> None:
        rows = [
            {
                **row,
                "pupil_id": self.id(kernel.STUDENT, row["pupil_id"]),
                "source": AttendanceSource.WONDE,
            }
            for row in plan.attendance
        ]
        created, updated = attendance_import_write(school=school, rows=rows)
        counts.created += created
        counts.updated += updated
        counts.unchanged += len(rows) - created - updated
