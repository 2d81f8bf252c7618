"""A real PostgreSQL streaming replica, made here, and reporting reads routed to it.

The test clones the running server (127.0.0.1:5432) with `pg_basebackup`, starts the clone as
a hot standby on another port, and shows that: reporting reads go to the standby (pausing its
replay hides a row the primary already has), everything else and every write goes to the
primary, and a reporting page reads from the standby while sign-in data never does. Skipped,
with the reason, where PostgreSQL is not the database or a standby cannot be started.
"""

from __future__ import annotations

import copy
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection, connections
from django.db.utils import load_backend

from nextsteps.audit.models import AuditEvent
from nextsteps.ops.config import REPLICA
from nextsteps.ops.routers import reporting
from nextsteps.people.models import Pupil
from tests.conftest import Cast

pytestmark = pytest.mark.postgres
STANDBY_AT_LEAST_PRIMARY = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


@dataclass
class Standby:
    port: int
    data: Path

    def query(self, sql: str, *params: Any) -> Any:
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as db:
            return db.execute(sql, params).fetchone()[0]  # type: ignore[index]


def _binaries() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"))
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed PostgreSQL programs
        ["runuser", "-u", "postgres", "--", *command],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    """Replication is asynchronous: poll, bounded, for what the standby must reach."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"the standby did not {what} within {timeout:.0f} s")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def standby() -> Iterator[Standby]:
    settings = connections["default"].settings_dict
    if connections["default"].vendor != "postgresql":
        pytest.skip("a streaming replica needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    if settings.get("HOST") not in {"127.0.0.1", "localhost"}:
        pytest.skip("the test clones a PostgreSQL server on this machine (127.0.0.1)")
    binaries = _binaries()
    if binaries is None or shutil.which("runuser") is None or os.geteuid() != 0:
        pytest.skip("needs PostgreSQL's server programs and root (to run the standby as postgres)")
    scratch = Path(tempfile.mkdtemp(prefix="nextsteps-standby-"))
    shutil.chown(scratch, "postgres", "postgres")
    data = scratch / "data"
    port = _free_port()
    primary_port = str(settings.get("PORT") or 5432)
    copied = _as_postgres(
        str(binaries / "pg_basebackup"),
        "-h",
        "127.0.0.1",
        "-p",
        primary_port,
        "-U",
        str(settings["USER"] or "postgres"),
        "-D",
        str(data),
        "--wal-method=stream",
        "--write-recovery-conf",
        "--checkpoint=fast",
    )
    if copied.returncode != 0:
        shutil.rmtree(scratch, ignore_errors=True)
        pytest.skip(
            "pg_basebackup from 127.0.0.1 was refused (allow it with 'host replication all "
            f"127.0.0.1/32 trust' in pg_hba.conf): {copied.stderr.strip()[-300:]}"
        )
    # A hot standby refuses to start with less room than its primary has for these.
    with psycopg.connect(
        host="127.0.0.1",
        port=primary_port,
        user=settings["USER"] or "postgres",
        dbname="postgres",
        autocommit=True,
    ) as primary:
        matched = "".join(
            f"{name} = {primary.execute(f'SHOW {name}').fetchone()[0]}\n"  # type: ignore[index]
            for name in STANDBY_AT_LEAST_PRIMARY
        )
    (data / "postgresql.conf").write_text(
        f"port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{scratch}'\n"
        f"hot_standby = on\nshared_buffers = 32MB\n{matched}"
        f"hba_file = '{data / 'pg_hba.conf'}'\nident_file = '{data / 'pg_ident.conf'}'\n"
    )
    (data / "pg_hba.conf").write_text("host all all 127.0.0.1/32 trust\nlocal all all trust\n")
    (data / "pg_ident.conf").write_text("")
    for path in data.glob("pg_*.conf"):
        shutil.chown(path, "postgres", "postgres")
    shutil.chown(data / "postgresql.conf", "postgres", "postgres")
    started = _as_postgres(
        str(binaries / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(scratch / "log"),
        "-w",
        "-t",
        "120",
        "start",
    )
    if started.returncode != 0:
        log = (scratch / "log").read_text() if (scratch / "log").exists() else ""
        shutil.rmtree(scratch, ignore_errors=True)
        pytest.skip(f"the standby could not start: {started.stderr.strip()} {log[-500:]}")
    replica = Standby(port=port, data=data)
    try:
        wait_until(
            lambda: (
                replica.query(
                    "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'"
                )
                == 1
            ),
            "stream",
        )
        yield replica
    finally:
        _as_postgres(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture
def replica_alias(standby: Standby) -> Iterator[str]:
    """The `replica` database, as DATABASE_REPLICA_URL would make it, pointing at the standby."""
    target = copy.deepcopy(connections["default"].settings_dict)
    target.update({"HOST": "127.0.0.1", "PORT": str(standby.port)})
    wrapper = load_backend(target["ENGINE"]).DatabaseWrapper(target, REPLICA)
    connections[REPLICA] = wrapper
    wrapper.ensure_connection()  # connected before it is named in settings (see Django's test case)
    connections.settings[REPLICA] = target
    try:
        yield REPLICA
    finally:
        del connections.settings[REPLICA]
        wrapper.close()
        del connections[REPLICA]


def _commit_on_primary(sql: str, *params: Any) -> str:
    """Run a statement in its own committed transaction on the primary; its WAL position."""
    settings = connections["default"].settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or None,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    ) as db:
        db.execute(sql, params)
        return str(db.execute("SELECT pg_current_wal_lsn()").fetchone()[0])  # type: ignore[index]


def _replayed(standby: Standby, lsn: str) -> bool:
    return bool(standby.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", lsn))


def test_reporting_reads_come_from_the_streaming_replica(
    cast: Cast, standby: Standby, replica_alias: str
) -> None:
    assert standby.query("SELECT pg_is_in_recovery()") is True
    with reporting():
        assert Pupil.objects.all().db == REPLICA
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT inet_server_port()")
            assert cursor.fetchone()[0] == standby.port
    assert Pupil.objects.all().db == "default"
    marker = f"replica-check-{uuid.uuid4().hex}"
    standby.query("SELECT pg_wal_replay_pause()::text")
    try:
        lsn = _commit_on_primary(
            "INSERT INTO audit_auditevent (action, target_type, target_id, target_label, at) "
            "VALUES (%s, 'test', '', '', now())",
            marker,
        )
        # The primary has the row at once; the paused standby does not, and reporting reads it.
        assert AuditEvent.objects.filter(action=marker).count() == 1
        with reporting():
            assert AuditEvent.objects.filter(action=marker).count() == 0
        standby.query("SELECT pg_wal_replay_resume()::text")
        wait_until(lambda: _replayed(standby, lsn), "replay the new row")
        with reporting():
            assert AuditEvent.objects.filter(action=marker).count() == 1
    finally:
        standby.query("SELECT pg_wal_replay_resume()::text")
        _commit_on_primary("DELETE FROM audit_auditevent WHERE action = %s", marker)


def test_writes_and_reads_inside_a_write_stay_on_the_primary(
    cast: Cast, standby: Standby, replica_alias: str
) -> None:
    from django.db import transaction

    with reporting():
        event = AuditEvent.objects.create(action="replica.write", target_type="test")
        assert event._state.db == "default"
        with transaction.atomic():
            assert Pupil.objects.all().db == "default"
        # Who may see what is never read from a replica that may be behind.
        from nextsteps.accounts.models import Membership

        assert Membership.objects.all().db == "default"


def test_a_reporting_page_reads_from_the_replica_and_others_do_not(
    cast: Cast, standby: Standby, replica_alias: str
) -> None:
    client = cast.client("teacher")
    seen: list[str] = []

    def note(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    gaps = f"/school/{cast.primary.urn}/markbook/classes/{cast.four_oak.pk}/gaps/"
    with connections[REPLICA].execute_wrapper(note):
        assert client.get(gaps).status_code == 200
    assert seen, "the gap analysis read nothing from the replica"
    assert not any("django_session" in sql or "accounts_membership" in sql for sql in seen)
    seen.clear()
    with connections[REPLICA].execute_wrapper(note):
        assert (
            client.get(f"/school/{cast.primary.urn}/classes/{cast.four_oak.pk}/").status_code == 200
        )
    assert seen == []
    assert connection.vendor == "postgresql"
