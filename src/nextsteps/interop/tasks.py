"""Background tasks for the MIS sync (django-tasks: inline by default, a database queue in
production). Thin: a URN in, the sync service, a plain summary out; safe to run twice (a second
sync finds nothing changed)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from nextsteps.interop.wonde_sync import wonde_sync


@task(queue_name="default")
def wonde_sync_task(*, urn: int, full: bool = False) -> dict[str, Any]:
    """The daily Wonde sync of one school."""
    summary = wonde_sync(urn=urn, by=None, full=full)
    return {
        "school": urn,
        "created": summary.created,
        "updated": summary.updated,
        "conflicts": len(summary.identity.conflicts),
    }
