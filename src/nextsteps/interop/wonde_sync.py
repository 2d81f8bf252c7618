"""Keep a school in step with its MIS through Wonde: pupils, staff, contacts, classes,
registration groups and attendance.

Read, match, then write (DESIGN.md): everything is fetched from Wonde first, outside any
transaction; each record is matched to what nextsteps already holds (loaded in bulk once); the
plan is handed to the owning apps' bulk services in one transaction. A dry run does all of it
and rolls back. Rules:

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
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from nextsteps.accounts.models import Actor, acting_user
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.interop.models import ImportRun, WondeLink, WondeSchool
from nextsteps.interop.wonde_client import WondeClient, WondeError, included, wonde_date
from nextsteps.people.kernels.identity import IdentityReport, Outcome, pupil_match
from nextsteps.people.models import (
    AttendanceSource,
    Guardian,
    GuardianLink,
    Pupil,
    Staff,
)
from nextsteps.people.selectors import pupil_records_by_id, pupil_records_by_upn
from nextsteps.people.services import (
    attendance_import_write,
    guardian_links_end,
    guardians_import_write,
    pupils_import_write,
    staff_import_write,
)
from nextsteps.people.upn import UpnError, upn_clean
from nextsteps.schools.models import AcademicYear, School, Subject
from nextsteps.schools.services import academic_year_ensure, school_from_register
from nextsteps.teaching.models import Class, ClassStaff, Enrolment
from nextsteps.teaching.services import (
    class_roster_create,
    class_roster_rename,
    class_staff_sync_write,
    places_sync_write,
)

FILE = "Wonde"
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
WONDE_TIME = "%Y-%m-%d %H:%M:%S"
# Wonde's clock and ours differ a little; ask for a few minutes more than strictly needed.
DELTA_MARGIN = dt.timedelta(minutes=10)


class WondeSchoolNotFound(WondeError):
    """No school with this URN has approved access for the token."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    left: int = 0  # pupils who became leavers; enrolments or staff links ended


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
    summary = SyncSummary(urn=urn, dry_run=dry_run, delta_from=since or "")
    try:
        with transaction.atomic(durable=True):
            run = _Sync(feed, summary, today, by=by)
            run.apply(school)
            summary.requests = client.requests
            if dry_run:
                raise _DryRun
            WondeSchool.objects.update_or_create(
                school=run.school,
                defaults={"wonde_id": str(wonde_school["id"]), "synced_from": began},
            )
            _log(run.school, summary, by=by)
    except _DryRun:
        pass
    return summary


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


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().upper() in TRUE


def _year_group(value: Any) -> int | None:
    text = str(value if value is not None else "").strip().upper()
    if text in {"R", "REC", "RECEPTION", "0"}:
        return 0
    if text.startswith("N"):
        return -1
    text = text.removeprefix("Y").removeprefix("EAR ").strip()
    return int(text) if text.isdigit() else None


def _date(value: Any) -> dt.date | None:
    text = wonde_date(value)
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


class _Sync:
    """One sync's matching and writing, inside the transaction."""

    def __init__(
        self, feed: Feed, summary: SyncSummary, today: dt.date, *, by: Actor | None
    ) -> None:
        self.feed = feed
        self.summary = summary
        self.today = today
        self.by = by
        # Wonde's pupils who have left or will leave (pupil id -> leaving date), after this
        # sync's changes: their parents' links end.
        self.leaving: dict[int, dt.date] = {}
        self.school: School
        self.links: dict[str, dict[str, int]] = {}
        self.new_links: list[WondeLink] = []

    # -- the school -----------------------------------------------------------------------

    def apply(self, school: School | None) -> None:
        self.school = school or self._create_school()
        self.summary.school = self.school.name
        self.links = self._load_links()
        self._pupils()
        self._staff()
        self._contacts()
        year = self._academic_year()
        self._classes(year, self.feed.classes, WondeLink.Kind.CLASS, Class.Kind.TEACHING)
        self._classes(year, self.feed.groups, WondeLink.Kind.GROUP, Class.Kind.FORM)
        self._attendance()
        WondeLink.objects.bulk_create(self.new_links, batch_size=2000)

    def _create_school(self) -> School:
        data = self.feed.school
        urn = int(str(data["urn"]))
        phase = str(data.get("phase_of_education") or "").strip().lower()
        school = school_from_register(
            urn=urn,
            name=str(data.get("name") or ""),
            phase=phase,
            la_code=str(data.get("la_code") or ""),
            estab=str(data.get("establishment_number") or ""),
        )
        self.summary.school_created = True
        return school

    def _load_links(self) -> dict[str, dict[str, int]]:
        links: dict[str, dict[str, int]] = defaultdict(dict)
        for kind, wonde_id, object_id in WondeLink.objects.filter(school=self.school).values_list(
            "kind", "wonde_id", "object_id"
        ):
            links[kind][wonde_id] = object_id
        return links

    def _link(self, kind: str, wonde_id: str, object_id: int) -> None:
        if self.links[kind].get(wonde_id) != object_id:
            known = wonde_id in self.links[kind]
            self.links[kind][wonde_id] = object_id
            if known:
                WondeLink.objects.filter(school=self.school, kind=kind, wonde_id=wonde_id).update(
                    object_id=object_id
                )
            else:
                self.new_links.append(
                    WondeLink(school=self.school, kind=kind, wonde_id=wonde_id, object_id=object_id)
                )

    def _academic_year(self) -> AcademicYear:
        years = AcademicYear.objects.filter(school=self.school)
        found = years.filter(starts_on__lte=self.today, ends_on__gte=self.today).first()
        if found is not None:
            return found
        start = self.today.year if self.today.month >= 9 else self.today.year - 1
        return academic_year_ensure(
            school=self.school,
            name=f"{start}/{(start + 1) % 100:02d}",
            starts_on=dt.date(start, 9, 1),
            ends_on=dt.date(start + 1, 8, 31),
        )

    # -- pupils ---------------------------------------------------------------------------

    def _student_fields(self, row: dict[str, Any], where: str) -> dict[str, Any] | None:
        education = included(row, "education_details") or {}
        extended = included(row, "extended_details") or {}
        try:
            upn = upn_clean(str(education.get("upn") or ""))
        except UpnError as error:
            self.summary.skipped.append(
                gettext("%(where)s: not applied, the UPN %(error)s")
                % {"where": where, "error": error}
            )
            return None
        legal_forename = str(row.get("legal_forename") or row.get("forename") or "").strip()
        legal_surname = str(row.get("legal_surname") or row.get("surname") or "").strip()
        if not legal_forename or not legal_surname:
            self.summary.skipped.append(
                gettext("%(where)s: not applied, the name is missing") % {"where": where}
            )
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
        born = _date(row.get("date_of_birth"))
        if born is not None:
            fields["date_of_birth"] = born
        gender = str(row.get("gender") or "").strip().upper()[:1]
        if gender in {"M", "F"}:
            fields["gender"] = gender
        year = _year_group(education.get("current_nc_year"))
        if year is not None and -1 <= year <= 14:
            fields["year_group"] = year
        for name in ("admission_date", "leaving_date"):
            if name in education:
                fields[name] = _date(education.get(name))
        if fields.get("admission_date") is None:
            fields.pop("admission_date", None)
        if extended:
            fields["fsm"] = _truthy(extended.get("free_school_meals"))
            fields["disadvantaged"] = _truthy(extended.get("premium_pupil_indicator"))
            fields["sen_status"] = SEN.get(
                str(extended.get("sen_status") or "N").strip().upper(), "N"
            )
            fields["eal"] = _truthy(extended.get("english_as_additional_language_status"))
        return fields

    def _pupils(self) -> None:
        counts = self.summary.counts[gettext("Pupils")]
        links = self.links[WondeLink.Kind.STUDENT]
        rows = [(index, row) for index, row in enumerate(self.feed.students, start=1)]
        incoming = {
            str(row["id"]): (index, fields)
            for index, row in rows
            if (
                fields := self._student_fields(
                    row, gettext("Student %(id)s") % {"id": row.get("id")}
                )
            )
        }
        by_id = pupil_records_by_id(self.school, links.values())
        by_upn = pupil_records_by_upn(self.school, [f["upn"] for _, f in incoming.values()])
        new: list[dict[str, Any]] = []
        new_ids: list[str] = []
        changes: dict[int, dict[str, Any]] = {}
        claimed: dict[int, str] = {}
        for wonde_id, (index, fields) in incoming.items():
            current = by_id.get(links.get(wonde_id, -1)) or by_upn.get(fields["upn"])
            stated = dict(fields)
            if current is not None and current["upn"] == stated["upn"]:
                stated.pop("upn")
            elif current is not None and stated["upn"] in by_upn:
                self.summary.skipped.append(
                    gettext("Student %(id)s: not applied, the new UPN %(upn)s is another pupil's")
                    % {"id": wonde_id, "upn": stated["upn"]}
                )
                continue
            if current is not None and current["id"] in claimed:
                self.summary.skipped.append(
                    gettext("Student %(id)s: not applied, UPN %(upn)s is also student %(other)s")
                    % {"id": wonde_id, "upn": fields["upn"], "other": claimed[current["id"]]}
                )
                continue
            decision = pupil_match(current, stated)
            self.summary.identity.record(
                decision,
                file=FILE,
                line=index,
                upn=fields["upn"],
                existing=current,
                incoming=stated,
            )
            if decision.outcome is Outcome.CONFLICT:
                continue
            if current is None:
                missing = [n for n in ("date_of_birth", "year_group") if n not in fields]
                if missing:
                    self.summary.skipped.append(
                        gettext("Student %(id)s (UPN %(upn)s): not added, Wonde gives no %(what)s")
                        % {
                            "id": wonde_id,
                            "upn": fields["upn"],
                            "what": gettext(" or ").join(m.replace("_", " ") for m in missing),
                        }
                    )
                    continue
                new.append({"gender": "X", "admission_date": self.today, **fields})
                new_ids.append(wonde_id)
                counts.created += 1
                continue
            claimed[current["id"]] = wonde_id
            self._link(WondeLink.Kind.STUDENT, wonde_id, current["id"])
            if decision.changes:
                changes[current["id"]] = {c.field: c.after for c in decision.changes}
                if "leaving_date" in changes[current["id"]] and current["leaving_date"] is None:
                    counts.left += 1
                else:
                    counts.updated += 1
            else:
                counts.unchanged += 1
        self._leavers(set(incoming), by_id, changes, counts)
        created = pupils_import_write(school=self.school, new=new, changes=changes)
        for wonde_id, pupil_id in zip(new_ids, created, strict=True):
            self._link(WondeLink.Kind.STUDENT, wonde_id, pupil_id)
        self.leaving = _leaving_dates(self.school, self._pupil_ids().values())

    def _leavers(
        self,
        present: set[str],
        by_id: dict[int, dict[str, Any]],
        changes: dict[int, dict[str, Any]],
        counts: Counts,
    ) -> None:
        """Pupils Wonde no longer lists (a full sync) or has deleted (a delta) become leavers."""
        links = self.links[WondeLink.Kind.STUDENT]
        gone = (
            set(links) - present
            if self.feed.full
            else {
                str(row.get("id"))
                for row in self.feed.deletions
                if row.get("type") == "student" and not row.get("restored_at")
            }
        )
        for wonde_id in sorted(gone):
            pupil = by_id.get(links.get(wonde_id, -1))
            if pupil is None or pupil["leaving_date"] is not None or pupil["id"] in changes:
                continue
            changes[pupil["id"]] = {"leaving_date": self.today}
            counts.left += 1

    def _pupil_ids(self) -> dict[str, int]:
        return self.links[WondeLink.Kind.STUDENT]

    # -- staff and contacts ---------------------------------------------------------------

    def _staff(self) -> None:
        counts = self.summary.counts[gettext("Staff")]
        links = self.links[WondeLink.Kind.EMPLOYEE]
        existing: dict[int, dict[str, Any]] = {
            s["id"]: dict(s)
            for s in Staff.objects.filter(school=self.school).values(
                "id", "title", "forename", "surname", "email", "code"
            )
        }
        by_email = {s["email"].lower(): s for s in existing.values() if s["email"]}
        new: list[dict[str, Any]] = []
        new_ids: list[str] = []
        changes: dict[int, dict[str, Any]] = {}
        for row in self.feed.employees:
            wonde_id = str(row.get("id"))
            details = included(row, "contact_details") or {}
            employment = included(row, "employment_details") or {}
            email = str((details.get("emails") or {}).get("email") or "").strip()[:254]
            fields = {
                "title": str(row.get("title") or "")[:20],
                "forename": str(row.get("forename") or "")[:100],
                "surname": str(row.get("surname") or "")[:100],
                "email": email,
                "code": str(employment.get("staff_code") or "")[:10],
            }
            if not fields["forename"] or not fields["surname"]:
                self.summary.skipped.append(
                    gettext("Employee %(id)s: not applied, the name is missing") % {"id": wonde_id}
                )
                continue
            current = existing.get(links.get(wonde_id, -1)) or (
                by_email.get(email.lower()) if email else None
            )
            if current is None:
                new.append(fields)
                new_ids.append(wonde_id)
                counts.created += 1
                continue
            self._link(WondeLink.Kind.EMPLOYEE, wonde_id, current["id"])
            changed = {k: v for k, v in fields.items() if current[k] != v}
            if changed:
                changes[current["id"]] = changed
                counts.updated += 1
            else:
                counts.unchanged += 1
        created = staff_import_write(school=self.school, new=new, changes=changes)
        for wonde_id, staff_id in zip(new_ids, created, strict=True):
            self._link(WondeLink.Kind.EMPLOYEE, wonde_id, staff_id)

    def _contacts(self) -> None:
        counts = self.summary.counts[gettext("Parents and carers")]
        links = self.links[WondeLink.Kind.CONTACT]
        pupils = self._pupil_ids()
        existing: dict[int, dict[str, Any]] = {
            g["id"]: dict(g)
            for g in Guardian.objects.filter(school=self.school, pk__in=links.values()).values(
                "id", "title", "forename", "surname", "email", "phone"
            )
        }
        known_links = {
            (link.guardian_id, link.pupil_id): link
            for link in GuardianLink.objects.filter(school=self.school, guardian_id__in=existing)
        }
        listed: set[int] = set()  # links Wonde lists in this sync
        listed_guardians: set[int] = set()  # guardians whose full list of pupils Wonde gave
        new: list[dict[str, Any]] = []
        new_ids: list[str] = []
        changes: dict[int, dict[str, Any]] = {}
        new_links: list[dict[str, Any]] = []
        link_changes: dict[int, dict[str, Any]] = {}
        for row in self.feed.contacts:
            wonde_id = str(row.get("id"))
            details = included(row, "contact_details") or {}
            fields = {
                "title": str(row.get("title") or "")[:20],
                "forename": str(row.get("forename") or "")[:100],
                "surname": str(row.get("surname") or "")[:100],
                "email": str((details.get("emails") or {}).get("email") or "").strip()[:254],
                "phone": str(
                    (details.get("telephones") or {}).get("mobile")
                    or (details.get("telephones") or {}).get("phone")
                    or ""
                )[:30],
            }
            if not fields["surname"]:
                continue
            current = existing.get(links.get(wonde_id, -1))
            guardian_id: int | None = current["id"] if current else None
            if guardian_id is not None and "students" in row:
                listed_guardians.add(guardian_id)
            if current is None:
                new.append(fields)
                new_ids.append(wonde_id)
                counts.created += 1
            else:
                changed = {k: v for k, v in fields.items() if current[k] != v}
                if changed:
                    changes[current["id"]] = changed
                    counts.updated += 1
                else:
                    counts.unchanged += 1
            for student in included(row, "students") or []:
                pupil_id = pupils.get(str(student.get("id")))
                if pupil_id is None:
                    continue
                relation = included(student, "relationship") or student.get("pivot") or {}
                wanted = {
                    "relationship": str(relation.get("relationship") or "")[:50],
                    "parental_responsibility": _truthy(
                        relation.get("parental_responsibility", True)
                    ),
                }
                link = known_links.get((guardian_id, pupil_id)) if guardian_id else None
                left = self.leaving.get(pupil_id)
                if link is None and left is not None and left < self.today:
                    continue  # no new link to a pupil who has left
                if link is not None:
                    listed.add(link.pk)
                    if link.ends_on is not None and link.ends_on < self.today and left is None:
                        wanted["ends_on"] = None  # Wonde lists the parent again: it holds again
                if link is None:
                    new_links.append(
                        {
                            "guardian_id": guardian_id,
                            "new_index": len(new) - 1,
                            "pupil_id": pupil_id,
                            **wanted,
                        }
                    )
                elif {k: getattr(link, k) for k in wanted} != wanted:
                    link_changes[link.pk] = wanted
        created = guardians_import_write(
            school=self.school, new=new, changes=changes, links=new_links, link_changes=link_changes
        )
        for wonde_id, guardian_id in zip(new_ids, created, strict=True):
            self._link(WondeLink.Kind.CONTACT, wonde_id, guardian_id)
        link_counts = self.summary.counts[gettext("Links to parents and carers")]
        link_counts.created += len(new_links)
        link_counts.updated += len(link_changes)
        link_counts.unchanged += len(listed) - len(link_changes)
        link_counts.left += self._end_guardian_links(known_links, listed, listed_guardians)

    def _end_guardian_links(
        self,
        known: dict[tuple[int, int], GuardianLink],
        listed: set[int],
        listed_guardians: set[int],
    ) -> int:
        """End (never delete) the links the MIS no longer holds: a Wonde contact no longer
        listed for a pupil (every contact in a full sync; in a delta, each contact Wonde sent
        and each contact it deleted), and every link of a pupil who has left. The link ends
        yesterday, so the parent no longer sees the child from today; a pupil leaving on a
        later date keeps the link to that day."""
        yesterday = self.today - dt.timedelta(days=1)
        contacts = self.links[WondeLink.Kind.CONTACT]
        deleted = {
            contacts[str(row.get("id"))]
            for row in self.feed.deletions
            if row.get("type") == "contact"
            and not row.get("restored_at")
            and str(row.get("id")) in contacts
        }
        ends: dict[int, dt.date] = {}
        for (guardian_id, _pupil_id), link in known.items():
            if link.ends_on is not None or link.pk in listed:
                continue
            if self.feed.full or guardian_id in listed_guardians or guardian_id in deleted:
                ends[link.pk] = yesterday
        leavers = sorted(self.leaving)
        for start in range(0, len(leavers), 2000):
            for link_id, pupil_id in GuardianLink.objects.filter(
                school=self.school, pupil_id__in=leavers[start : start + 2000], ends_on__isnull=True
            ).values_list("pk", "pupil_id"):
                left = self.leaving[pupil_id]
                ends[link_id] = min(
                    ends.get(link_id, left), yesterday if left <= self.today else left
                )
        if not ends:
            return 0
        return guardian_links_end(
            school=self.school,
            ends=ends,
            by=self.by,
            reason=gettext("Wonde sync: the MIS no longer links the parent and the pupil"),
        )

    # -- classes and registration groups ---------------------------------------------------

    def _classes(
        self, year: AcademicYear, rows: list[dict[str, Any]], kind: str, class_kind: str
    ) -> None:
        label = gettext("Classes") if class_kind == Class.Kind.TEACHING else gettext("Forms")
        counts = self.summary.counts[label]
        places = self.summary.counts[gettext("Places in classes and forms")]
        links = self.links[kind]
        pupils = self._pupil_ids()
        staff = self.links[WondeLink.Kind.EMPLOYEE]
        classes = {c.pk: c for c in Class.objects.filter(school=self.school, academic_year=year)}
        by_name = {c.name: c for c in classes.values()}
        years = _year_groups(self.school, [pupils[s] for r in rows for s in _ids(r) if s in pupils])
        subjects = {s.name.casefold(): s for s in Subject.objects.filter(school=self.school)}
        wanted: dict[int, set[int]] = {}
        wanted_staff: dict[int, set[int]] = {}
        for row in rows:
            wonde_id = str(row.get("id"))
            name = str(row.get("name") or "").strip()[:100]
            if not name:
                continue
            members = {pupils[s] for s in _ids(row) if s in pupils}
            common = Counter(years[p] for p in members if p in years).most_common(1)
            year_group = common[0][0] if common else None
            found = classes.get(links.get(wonde_id, -1)) or by_name.get(name)
            if found is None:
                subject = included(row, "subject") or {}
                match = None
                if isinstance(subject, dict) and subject.get("name"):
                    match = subjects.get(str(subject["name"]).casefold())
                found = class_roster_create(
                    school=self.school,
                    academic_year_id=year.pk,
                    name=name,
                    kind=class_kind,
                    year_group=year_group,
                    subject_ids=[match.pk] if match is not None else [],
                )
                classes[found.pk] = by_name[name] = found
                counts.created += 1
            elif (found.name, found.year_group) != (name, year_group) and (
                name == found.name or name not in by_name
            ):
                del by_name[found.name]
                class_roster_rename(teaching_class=found, name=name, year_group=year_group)
                by_name[name] = found
                counts.updated += 1
            else:
                counts.unchanged += 1
            self._link(kind, wonde_id, found.pk)
            wanted[found.pk] = members
            wanted_staff[found.pk] = {
                staff[str(e.get("id"))]
                for e in included(row, "employees") or []
                if str(e.get("id")) in staff
            }
        self._enrolments(wanted, places)
        self._class_staff(wanted_staff, set(staff.values()))

    def _enrolments(self, wanted: dict[int, set[int]], counts: Counts) -> None:
        """Open places for pupils Wonde lists in a class; end (never delete) the others."""
        if not wanted:
            return
        open_places: dict[int, dict[int, Enrolment]] = defaultdict(dict)
        for enrolment in Enrolment.objects.filter(
            school=self.school, teaching_class_id__in=list(wanted), ends_on__isnull=True
        ):
            open_places[enrolment.teaching_class_id][enrolment.pupil_id] = enrolment
        new: list[tuple[int, int, dt.date]] = []
        ended: list[Enrolment] = []
        for class_id, members in wanted.items():
            current = open_places[class_id]
            for pupil_id in sorted(members - set(current)):
                new.append((pupil_id, class_id, self.today))
            for pupil_id in sorted(set(current) - members):
                enrolment = current[pupil_id]
                enrolment.ends_on = max(enrolment.starts_on, self.today - dt.timedelta(days=1))
                ended.append(enrolment)
            counts.unchanged += len(members & set(current))
        places_sync_write(school=self.school, opened=new, ended=ended)
        counts.created += len(new)
        counts.left += len(ended)

    def _class_staff(self, wanted: dict[int, set[int]], from_wonde: set[int]) -> None:
        """Add the staff Wonde lists; remove only Wonde's own staff Wonde no longer lists, so
        someone added to a class in nextsteps stays."""
        if not wanted:
            return
        links = defaultdict(set)
        for class_id, staff_id in ClassStaff.objects.filter(
            school=self.school, teaching_class_id__in=list(wanted)
        ).values_list("teaching_class_id", "staff_id"):
            links[class_id].add(staff_id)
        class_staff_sync_write(
            school=self.school,
            added=[
                (class_id, staff_id)
                for class_id, staff_ids in wanted.items()
                for staff_id in sorted(staff_ids - links[class_id])
            ],
            removed={
                class_id: (links[class_id] - staff_ids) & from_wonde
                for class_id, staff_ids in wanted.items()
            },
        )

    # -- attendance -----------------------------------------------------------------------

    def _attendance(self) -> None:
        counts = self.summary.counts[gettext("Attendance")]
        pupils = self._pupil_ids()
        start = self.today.year if self.today.month >= 9 else self.today.year - 1
        rows: list[dict[str, Any]] = []
        for row in self.feed.attendance:
            student = row.get("student")
            wonde_id = str(student.get("id") if isinstance(student, dict) else student)
            pupil_id = pupils.get(wonde_id)
            if pupil_id is None:
                continue
            try:
                possible = int(row.get("possible_marks") or 0)
                attended = int(row.get("present") or 0) + int(
                    row.get("approved_educational_activity") or 0
                )
            except (TypeError, ValueError):
                self.summary.skipped.append(
                    gettext("Attendance of student %(id)s: not applied, the counts are not numbers")
                    % {"id": wonde_id}
                )
                continue
            if possible <= 0 or not 0 <= attended <= possible:
                continue
            rows.append(
                {
                    "pupil_id": pupil_id,
                    "year_starting": start,
                    "possible_sessions": possible,
                    "attended_sessions": attended,
                    "as_of": self.today,
                    "source": AttendanceSource.WONDE,
                }
            )
        created, updated = attendance_import_write(school=self.school, rows=rows)
        counts.created += created
        counts.updated += updated
        counts.unchanged += len(rows) - created - updated


def _leaving_dates(school: School, pupil_ids: Iterable[int]) -> dict[int, dt.date]:
    """The leaving date of each of these pupils who has one, in a query per 2,000 pupils."""
    ids = sorted(set(pupil_ids))
    found: dict[int, dt.date] = {}
    for start in range(0, len(ids), 2000):
        for pupil_id, left in Pupil.objects.filter(
            school=school, pk__in=ids[start : start + 2000], leaving_date__isnull=False
        ).values_list("pk", "leaving_date"):
            if left is not None:
                found[pupil_id] = left
    return found


def _ids(row: dict[str, Any]) -> list[str]:
    return [str(s.get("id")) for s in included(row, "students") or [] if isinstance(s, dict)]


def _year_groups(school: School, pupil_ids: Iterable[int]) -> dict[int, int]:
    """Each pupil's year group, in a query per 2,000 pupils."""
    ids = sorted(set(pupil_ids))
    found: dict[int, int] = {}
    for start in range(0, len(ids), 2000):
        found.update(
            Pupil.objects.filter(school=school, pk__in=ids[start : start + 2000]).values_list(
                "pk", "year_group"
            )
        )
    return found
