"""Background tasks for reports (django-tasks, on the "reports" queue).

The task is defined beside the service that queues it (`services.report_batch_task`); it is
named here too, so that a task queued under this module's path still finds it.
"""

from __future__ import annotations

from nextsteps.reports.services import report_batch_task

__all__ = ["report_batch_task"]
