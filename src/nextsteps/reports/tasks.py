"""Background tasks for reports (django-tasks, on the "reports" queue).

Thin, as STYLE.md asks: they take ids, call a service, and are safe to run twice (a batch
that is already running or done is not claimed again).
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from nextsteps.reports.services import report_batch_run


@task(queue_name="reports")
def report_batch_task(*, batch_id: int) -> dict[str, Any]:
    """Render a batch of reports into one PDF, saving progress after each pupil."""
    batch = report_batch_run(batch_id=batch_id)
    return {"batch": batch.pk, "status": batch.status, "done": batch.done}
