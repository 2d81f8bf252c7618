"""The data pages' own records: an export kept in the school's import log."""

from __future__ import annotations

from typing import Any

from nextsteps.interop.models import ImportRun
from nextsteps.schools.models import School


def export_log(*, school: School, kind: str, filename: str, by: Any) -> ImportRun:
    """Keep a record of a file the school took out (OneRoster)."""
    return ImportRun.objects.create(
        school=school,
        kind=kind,
        outcome=ImportRun.Outcome.EXPORTED,
        filename=filename,
        by=by,
    )
