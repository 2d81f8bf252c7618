"""Background tasks for the markbook (django-tasks): thin, taking ids, safe to run twice."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from nextsteps.markbook.services import summary_refresh


@task(queue_name="default")
def summary_refresh_task(*, school_id: int) -> dict[str, Any]:
    """Count a school's standings on core objectives afresh for the leaders' dashboards."""
    state = summary_refresh(school_id=school_id)
    return {
        "school": school_id,
        "computed_at": state.computed_at.isoformat() if state.computed_at else None,
    }
