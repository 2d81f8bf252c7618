"""Background work: inline by default; with the database backend it waits in a queue until
`nextsteps db_worker` runs it (here with --batch, which stops when the queue is empty)."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings
from django_tasks import TaskResultStatus, default_task_backend

from nextsteps.ops.config import TASK_BACKENDS
from nextsteps.people.models import Pupil
from nextsteps.security.tasks import retention_run_task
from tests.conftest import Cast


def a_leaver(cast: Cast) -> Pupil:
    pupil = (
        Pupil.objects.filter(enrolments__teaching_class=cast.four_oak)
        .exclude(pk=cast.amara.pk)
        .first()
    )
    assert pupil is not None
    Pupil.objects.filter(pk=pupil.pk).update(leaving_date=dt.date(2020, 7, 17))
    return pupil


def test_tasks_run_inline_by_default(cast: Cast) -> None:
    leaver = a_leaver(cast)
    result = retention_run_task.enqueue(school_id=cast.primary.pk, today="2027-09-01")
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"school": cast.primary.urn, "erased": 1}
    assert not Pupil.objects.filter(pk=leaver.pk).exists()


def test_the_database_queue_holds_work_until_the_worker_runs_it(cast: Cast) -> None:
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    leaver = a_leaver(cast)
    queued = {"default": {"BACKEND": TASK_BACKENDS["database"], "QUEUES": ["default", "reports"]}}
    with override_settings(TASKS=queued):
        result = retention_run_task.enqueue(school_id=cast.primary.pk, today="2027-09-01")
        assert result.status == TaskResultStatus.READY
        assert Pupil.objects.filter(pk=leaver.pk).exists()  # nothing has happened yet
        # What `nextsteps db_worker` does with each queued task: claim it, run it, store the
        # result. (Its loop also closes idle connections between tasks, which would end this
        # test's transaction; in a long-running worker that is what you want.)
        row = DBTaskResult.objects.ready().get(pk=result.id)
        row.claim("test-worker")
        Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run_task(row)
        done = default_task_backend.get_result(result.id)
        assert done.status == TaskResultStatus.SUCCESSFUL
        assert done.return_value == {"school": cast.primary.urn, "erased": 1}
    assert not Pupil.objects.filter(pk=leaver.pk).exists()
