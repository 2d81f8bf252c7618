"""How the Wonde sync writes its plan: all of it or nothing, and with a number of queries that
does not grow with the school."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nextsteps.interop import wonde_sync as sync_module
from nextsteps.interop.models import ImportRun, WondeLink
from nextsteps.interop.wonde_client import WondeClient
from nextsteps.interop.wonde_sync import wonde_sync
from nextsteps.people.models import Guardian, Pupil
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class
from tests.interop.wonde_server import TOKEN, WondeData, WondeServer, build_school

URN = 990778
TODAY = dt.date(2026, 10, 5)


def sync(server: WondeServer, **kwargs: Any) -> Any:
    client = WondeClient(server.url, TOKEN)
    return wonde_sync(urn=URN, by=None, today=TODAY, client=client, **kwargs)


def test_a_failure_while_writing_leaves_nothing_written(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(**kwargs: Any) -> tuple[int, int]:
        raise RuntimeError("the attendance could not be written")

    # Attendance is written after the pupils, parents, classes and places.
    monkeypatch.setattr(sync_module, "attendance_import_write", refuse)
    before = [m.objects.count() for m in (Pupil, Guardian, Class, WondeLink, ImportRun)]
    data = build_school(WondeData(urn=URN), pupils=12, per_class=6, staff=4)
    with (
        WondeServer(data) as server,
        pytest.raises(RuntimeError, match="attendance could not be written"),
    ):
        sync(server)
    assert not School.objects.filter(urn=URN).exists()
    assert [m.objects.count() for m in (Pupil, Guardian, Class, WondeLink, ImportRun)] == before


def resync_queries(pupils: int) -> int:
    """The queries of an unchanged full re-sync of a school of this many pupils."""
    School.objects.filter(urn=URN).update(urn=URN + pupils)  # each size its own school
    with WondeServer(build_school(WondeData(urn=URN), pupils=pupils, per_class=6)) as server:
        sync(server)
        with CaptureQueriesContext(connection) as queries:
            summary = sync(server, full=True)
    assert "0 created, 0 updated" in summary.lines()[0]
    return len(queries.captured_queries)


def test_an_unchanged_resync_asks_the_database_as_often_for_a_larger_school(db: Any) -> None:
    # Everything the school holds is loaded in bulk once: twice the pupils, the same queries.
    assert resync_queries(12) == resync_queries(24)
