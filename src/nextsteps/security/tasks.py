"""Background tasks (django-tasks: inline by default, a database queue in production).

Thin, as STYLE.md asks: they take ids and plain values, call a service, and are safe to run
twice (a second retention run finds nobody left to erase).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tasks import task

from nextsteps.schools.models import School
from nextsteps.security.services import retention_run


@task(queue_name="default")
def retention_run_task(*, school_id: int, today: str) -> dict[str, Any]:
    """Erase the school's leavers who are past its retention period (the nightly run)."""
    school = School.objects.get(pk=school_id)
    run = retention_run(school=school, today=dt.date.fromisoformat(today), by=None, dry_run=False)
    return {"school": school.urn, "erased": len(run.erased)}
