"""The data pages' own records: an export kept in the school's import log; the Wonde sync's
links between Wonde's records and the rows they stand for."""

from __future__ import annotations

from collections.abc import Sequence

from nextsteps.accounts.models import Actor, acting_user
from nextsteps.interop.models import ImportRun, WondeLink
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


def wonde_links_write(
    *,
    school: School,
    new: Sequence[tuple[str, str, int]],
    moved: Sequence[tuple[str, str, int]],
) -> None:
    """Point Wonde records — (kind, Wonde id, row id) — at other rows, then link new ones."""
    for kind, wonde_id, object_id in moved:
        WondeLink.objects.filter(school=school, kind=kind, wonde_id=wonde_id).update(
            object_id=object_id
        )
    WondeLink.objects.bulk_create(
        [
            WondeLink(school=school, kind=kind, wonde_id=wonde_id, object_id=object_id)
            for kind, wonde_id, object_id in new
        ],
        batch_size=2000,
    )
