"""Writes for pupils, staff and guardians."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext, ngettext

from nextsteps.accounts.models import Actor
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write, snapshot
from nextsteps.people.models import Attendance, Guardian, GuardianLink, Pupil, Staff
from nextsteps.people.upn import UpnError, upn_clean
from nextsteps.schools.models import School

PUPIL_FIELDS = frozenset(
    {
        "legal_forename",
        "legal_surname",
        "preferred_forename",
        "preferred_surname",
        "date_of_birth",
        "gender",
        "year_group",
        "disadvantaged",
        "fsm",
        "sen_status",
        "eal",
        "admission_date",
        "leaving_date",
    }
)
BATCH = 2000


def _checked_upn(upn: str, *, forename: str, surname: str) -> str:
    try:
        return upn_clean(upn)
    except UpnError as error:
        raise ValidationError(
            {
                "upn": gettext("UPN for %(forename)s %(surname)s: %(error)s")
                % {"forename": forename, "surname": surname, "error": error}
            },
            code="invalid_upn",
        ) from error


@transaction.atomic(durable=True)
def pupil_create(*, school: School, upn: str, by: Actor | None, **fields: Any) -> Pupil:
    """Add a pupil; an invalid UPN names the pupil and the reason, and nothing is saved."""
    unknown = set(fields) - PUPIL_FIELDS
    if unknown:
        raise TypeError(f"unknown pupil fields: {sorted(unknown)}")
    upn = _checked_upn(
        upn, forename=fields.get("legal_forename", ""), surname=fields.get("legal_surname", "")
    )
    if Pupil.objects.filter(school=school, upn=upn).exists():
        raise ValidationError(
            {
                "upn": gettext("UPN %(upn)s already belongs to a pupil in %(school)s")
                % {"upn": upn, "school": school}
            }
        )
    pupil = Pupil(school=school, upn=upn, **fields)
    pupil.full_clean()
    pupil.save()
    audit_write(actor=by, action=AuditAction.PUPIL_CREATE, target=pupil)
    return pupil


@transaction.atomic(durable=True)
def pupil_update(*, pupil: Pupil, by: Actor | None, **fields: Any) -> Pupil:
    """Change a pupil's details, keeping the before and after in the audit log."""
    unknown = set(fields) - PUPIL_FIELDS - {"upn"}
    if unknown:
        raise TypeError(f"unknown pupil fields: {sorted(unknown)}")
    before = snapshot(pupil)
    if "upn" in fields:
        fields["upn"] = _checked_upn(
            fields["upn"], forename=pupil.legal_forename, surname=pupil.legal_surname
        )
    for name, value in fields.items():
        setattr(pupil, name, value)
    pupil.full_clean()
    pupil.save()
    audit_write(actor=by, action=AuditAction.PUPIL_UPDATE, target=pupil, before=before)
    return pupil


# A savepoint: the importer that calls it (Wonde, CTF, spreadsheet) holds the transaction.
@transaction.atomic
def pupils_import_write(
    *,
    school: School,
    new: Sequence[Mapping[str, Any]],
    changes: Mapping[int, Mapping[str, Any]],
) -> list[int]:
    """Create and update an import's pupils in bulk; the new pupils' ids, in order.

    The importer has already matched every row (`people.identity.pupil_match`) and left out
    conflicts; `changes` holds, per pupil id, only the fields that change. The import's own
    log keeps each change's before and after.
    """
    for fields in [*new, *changes.values()]:
        unknown = set(fields) - PUPIL_FIELDS - {"upn"}
        if unknown:
            raise TypeError(f"unknown pupil fields: {sorted(unknown)}")
    created = Pupil.objects.bulk_create(
        [Pupil(school=school, **fields) for fields in new], batch_size=BATCH
    )
    ids = sorted(changes)
    names = sorted({name for fields in changes.values() for name in fields})
    for start in range(0, len(ids), BATCH):
        pupils = Pupil.objects.filter(school=school).in_bulk(ids[start : start + BATCH])
        for pupil_id, pupil in pupils.items():
            for name, value in changes[pupil_id].items():
                setattr(pupil, name, value)
        Pupil.objects.bulk_update(list(pupils.values()), names, batch_size=BATCH)
    return [pupil.pk for pupil in created]


STAFF_FIELDS = frozenset({"title", "forename", "surname", "email", "code"})
GUARDIAN_FIELDS = frozenset({"title", "forename", "surname", "email", "phone"})


def _rows_write(
    model: Any,
    allowed: frozenset[str],
    *,
    school: School,
    new: Sequence[Mapping[str, Any]],
    changes: Mapping[int, Mapping[str, Any]],
) -> list[int]:
    for fields in [*new, *changes.values()]:
        unknown = set(fields) - allowed
        if unknown:
            raise TypeError(f"unknown {model.__name__} fields: {sorted(unknown)}")
    created = model.objects.bulk_create(
        [model(school=school, **fields) for fields in new], batch_size=BATCH
    )
    ids = sorted(changes)
    names = sorted({name for fields in changes.values() for name in fields})
    for start in range(0, len(ids), BATCH):
        rows = model.objects.filter(school=school).in_bulk(ids[start : start + BATCH])
        for row_id, row in rows.items():
            for name, value in changes[row_id].items():
                setattr(row, name, value)
        model.objects.bulk_update(list(rows.values()), names, batch_size=BATCH)
    return [row.pk for row in created]


# A savepoint: the Wonde sync holds the transaction.
@transaction.atomic
def staff_import_write(
    *,
    school: School,
    new: Sequence[Mapping[str, Any]],
    changes: Mapping[int, Mapping[str, Any]],
) -> list[int]:
    """Create and update an import's staff in bulk (only the fields that change); new ids."""
    return _rows_write(Staff, STAFF_FIELDS, school=school, new=new, changes=changes)


# A savepoint: the Wonde sync holds the transaction.
@transaction.atomic
def guardians_sync_write(
    *,
    school: School,
    new: Sequence[Mapping[str, Any]],
    changes: Mapping[int, Mapping[str, Any]],
    links: Sequence[Mapping[str, Any]] = (),
    link_changes: Mapping[int, Mapping[str, Any]] | None = None,
) -> tuple[list[int], list[int]]:
    """Create and update parents and carers and their links to pupils, in bulk: the new
    guardians' ids and the new links' ids, in order.

    `links` are new links (guardian_id, pupil_id, relationship, parental_responsibility), a
    guardian_id of None meaning the new guardian at `new_index`.
    """
    created = _rows_write(Guardian, GUARDIAN_FIELDS, school=school, new=new, changes=changes)
    new_links = GuardianLink.objects.bulk_create(
        [
            GuardianLink(
                school=school,
                guardian_id=link["guardian_id"]
                if link.get("guardian_id") is not None
                else created[link["new_index"]],
                pupil_id=link["pupil_id"],
                relationship=link.get("relationship", "")[:50],
                parental_responsibility=link.get("parental_responsibility", True),
            )
            for link in links
        ],
        batch_size=BATCH,
    )
    _rows_write(
        GuardianLink,
        frozenset({"relationship", "parental_responsibility", "ends_on"}),
        school=school,
        new=[],
        changes=link_changes or {},
    )
    return created, [link.pk for link in new_links]


# A savepoint: the attendance import and the Wonde sync hold the transaction.
@transaction.atomic
def attendance_import_write(
    *,
    school: School,
    rows: Sequence[Mapping[str, Any]],
) -> tuple[int, int]:
    """Set pupils' attendance for a year (pupil_id, year_starting, possible_sessions,
    attended_sessions, as_of, source); (created, updated). Rows whose sessions are unchanged
    are not written (not even their date)."""
    pupil_ids = sorted({row["pupil_id"] for row in rows})
    years = sorted({row["year_starting"] for row in rows})
    existing = {
        (a.pupil_id, a.year_starting): a
        for start in range(0, len(pupil_ids), BATCH)
        for a in Attendance.objects.filter(
            school=school,
            pupil_id__in=pupil_ids[start : start + BATCH],
            year_starting__in=years,
        )
    }
    new: list[Attendance] = []
    changed: list[Attendance] = []
    names = ("possible_sessions", "attended_sessions", "as_of", "source")
    for row in rows:
        current = existing.get((row["pupil_id"], row["year_starting"]))
        if current is None:
            new.append(Attendance(school=school, **row))
        elif any(getattr(current, name) != row[name] for name in names if name != "as_of"):
            for name in names:
                setattr(current, name, row[name])
            changed.append(current)
    for item in [*new, *changed]:
        if item.attended_sessions > item.possible_sessions:
            raise ValidationError(
                gettext("%(attended)s sessions attended is more than the %(possible)s possible")
                % {"attended": item.attended_sessions, "possible": item.possible_sessions}
            )
    Attendance.objects.bulk_create(new, batch_size=BATCH)
    Attendance.objects.bulk_update(changed, list(names), batch_size=BATCH)
    return len(new), len(changed)


@transaction.atomic(durable=True)
def guardian_link(
    *, guardian: Guardian, pupil: Pupil, relationship: str, by: Actor | None
) -> GuardianLink:
    """Link a parent or carer to a pupil in the same school."""
    if guardian.school_id != pupil.school_id:
        raise ValidationError(gettext("A parent can only be linked to a pupil in the same school"))
    link, created = GuardianLink.objects.get_or_create(
        school_id=pupil.school_id,
        guardian=guardian,
        pupil=pupil,
        defaults={"relationship": relationship},
    )
    if not created and link.ends_on is not None:
        link.ends_on = None  # linked again: an ended link holds once more
        link.save(update_fields=["ends_on"])
    audit_write(actor=by, action=AuditAction.GUARDIAN_LINK, target=link)
    return link


# A savepoint: the Wonde sync holds the transaction.
@transaction.atomic
def guardian_links_end(
    *, school: School, ends: Mapping[int, dt.date], by: Actor | None, reason: str
) -> int:
    """End parents' links to pupils (link id -> last day it holds), never deleting them, with
    one audit record naming every link ended; the number ended."""
    links = list(
        GuardianLink.objects.filter(school=school, pk__in=list(ends), ends_on__isnull=True)
    )
    for link in links:
        link.ends_on = ends[link.pk]
    GuardianLink.objects.bulk_update(links, ["ends_on"], batch_size=BATCH)
    if links:
        audit_write(
            actor=by,
            action=AuditAction.GUARDIAN_LINK_END,
            school=school,
            target_type="people.guardianlink",
            target_label=ngettext(
                "%(n)s link between a parent and a pupil ended",
                "%(n)s links between parents and pupils ended",
                len(links),
            )
            % {"n": len(links)},
            after={
                "reason": reason,
                "ended": [
                    {
                        "link": link.pk,
                        "guardian": link.guardian_id,
                        "pupil": link.pupil_id,
                        "ends_on": link.ends_on.isoformat() if link.ends_on else None,
                    }
                    for link in links
                ],
            },
        )
    return len(links)


def age_on(date_of_birth: dt.date, on: dt.date) -> int:
    return (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )


# ---------------------------------------------------------------------------- roster imports
# Bulk writes for a roster import (OneRoster), called inside the import's own transaction
# with rows it has already matched and checked; the import's log keeps what changed.

ROSTER_MODELS: dict[str, Any] = {"pupil": Pupil, "staff": Staff, "guardian": Guardian}
ROSTER_FIELDS = {
    "pupil": PUPIL_FIELDS | {"upn", "user_id"},
    "staff": STAFF_FIELDS | {"user_id"},
    "guardian": GUARDIAN_FIELDS | {"user_id"},
}


def people_roster_write(
    *,
    kind: str,
    new: Sequence[Mapping[str, Any]],
    changes: Mapping[int, Mapping[str, Any]],
) -> list[int]:
    """Create pupils, staff or parents (`kind`; each new row names its `school_id`) and change
    others (per id, only the fields that change), in bulk; the new rows' ids, in order."""
    model = ROSTER_MODELS[kind]
    allowed = ROSTER_FIELDS[kind]
    for fields in [*new, *changes.values()]:
        unknown = set(fields) - allowed - {"school_id"}
        if unknown:
            raise TypeError(f"unknown {kind} fields: {sorted(unknown)}")
    created = model.objects.bulk_create([model(**fields) for fields in new], batch_size=BATCH)
    ids = sorted(changes)
    names = sorted({name for fields in changes.values() for name in fields})
    for start in range(0, len(ids), BATCH):
        rows = model.objects.in_bulk(ids[start : start + BATCH])
        for row_id, row in rows.items():
            for name, value in changes[row_id].items():
                setattr(row, name, value)
        model.objects.bulk_update(list(rows.values()), names, batch_size=BATCH)
    return [row.pk for row in created]


def guardian_links_roster_add(*, links: Sequence[tuple[int, int, int, str]]) -> int:
    """Link parents to pupils — (school id, guardian id, pupil id, relationship) — unless
    they are linked already; how many links were made."""
    existing: set[tuple[int, int]] = set()
    pupil_ids = [pupil_id for _, _, pupil_id, _ in links]
    for start in range(0, len(pupil_ids), BATCH):
        existing.update(
            GuardianLink.objects.filter(pupil_id__in=pupil_ids[start : start + BATCH]).values_list(
                "guardian_id", "pupil_id"
            )
        )
    made = [
        GuardianLink(
            school_id=school_id, guardian_id=guardian_id, pupil_id=pupil_id, relationship=kind
        )
        for school_id, guardian_id, pupil_id, kind in links
        if (guardian_id, pupil_id) not in existing
    ]
    GuardianLink.objects.bulk_create(made, batch_size=BATCH)
    return len(made)


def pupils_roster_leave(*, pupil_ids: Sequence[int], on: dt.date) -> int:
    """Give the pupils who have not left a leaving date; how many left."""
    left = 0
    for start in range(0, len(pupil_ids), BATCH):
        left += Pupil.objects.filter(
            pk__in=pupil_ids[start : start + BATCH], leaving_date__isnull=True
        ).update(leaving_date=on)
    return left
