"""The data pages' own records: an export kept in the school's import log."""

from __future__ import annotations

from nextsteps.accounts.models import Actor, acting_user
from nextsteps.interop.models import ImportRun
from nextsteps.schools.models import School


def export_log(*, school: School, kind: str, filename: str, by: Actor | None) -> ImportRun:
    """Keep a record of a file the school took out (OneRoster)."""
    return ImportRun.objects.create(
        school=school,
        kind=kind,
        outcome=ImportRun.Outcome.EXPORTED,
        filename=filename,
        by=acting_user(by),
    )
