"""Writes for pupils, staff and guardians."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from nextsteps.audit.services import audit_write, snapshot
from nextsteps.people.models import Guardian, GuardianLink, Pupil
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


@transaction.atomic
def pupil_create(*, school: School, upn: str, by: Any, **fields: Any) -> Pupil:
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
    audit_write(actor=by, action="pupil.create", target=pupil)
    return pupil


@transaction.atomic
def pupil_update(*, pupil: Pupil, by: Any, **fields: Any) -> Pupil:
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
    audit_write(actor=by, action="pupil.update", target=pupil, before=before)
    return pupil


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


@transaction.atomic
def guardian_link(*, guardian: Guardian, pupil: Pupil, relationship: str, by: Any) -> GuardianLink:
    """Link a parent or carer to a pupil in the same school."""
    if guardian.school_id != pupil.school_id:
        raise ValidationError(gettext("A parent can only be linked to a pupil in the same school"))
    link, _ = GuardianLink.objects.get_or_create(
        school_id=pupil.school_id,
        guardian=guardian,
        pupil=pupil,
        defaults={"relationship": relationship},
    )
    audit_write(actor=by, action="guardian.link", target=link)
    return link


def age_on(date_of_birth: dt.date, on: dt.date) -> int:
    return (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )
