"""Scale-out run: every piece of the growth path working together on this machine, under load.

    .venv/bin/python benchmarks/scale_out.py                  # 3 web processes, 30 users, 90 s
    .venv/bin/python benchmarks/scale_out.py --web 3 --users 30 --duration 90

As root (PostgreSQL runs as the `postgres` OS user through `runuser`), it:

1. starts its own throwaway PostgreSQL primary (initdb in a temporary directory, a free port,
   replication allowed from 127.0.0.1) and a streaming read replica of it (`pg_basebackup -R
   -X stream`, `hot_standby = on`, another free port). The system's cluster is not touched;
2. migrates and builds the demo trust on the primary (`nextsteps migrate`, `nextsteps demo`),
   which reaches the replica by streaming;
3. starts N separate gunicorn processes (`nextsteps serve --production`, WEB_CONCURRENCY
   small) behind a round-robin reverse proxy (a small one in this file: nginx and haproxy are
   not installed here), each with DATABASE_REPLICA_URL (the replica), REDIS_URL (Redis
   database 7, flushed at start and end) and TASKS_BACKEND=database, plus one
   `nextsteps db_worker`;
4. runs locust headless through the proxy (benchmarks/locustfile.py): teachers recording
   judgements and opening markbooks, leaders opening the school dashboard, one API caller
   reading pupils with a token;
5. checks that every accepted judgement is on the primary and, after catch-up, on the replica;
   that the dashboard reads reached the replica (its pg_stat_database counters); that the
   worker drained the task queue; that Redis holds the product's cache keys; and that every
   gunicorn process served requests (counted by the proxy and by each access log).

Prints throughput and p50/p95/p99 per request kind, the load average before and after, and the
checks, as Markdown (also var/bench/scale-out-report.md). Exits 1 if a check fails. Everything
it started is stopped and removed at the end, on failure too. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from load_test import locust_command  # beside this script, in benchmarks/

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "bench"
DATABASE = "nextsteps"
REDIS_URL_BASE = "redis://127.0.0.1:6379/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def pg_binaries() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"))
    if not found:
        raise SystemExit("PostgreSQL server binaries not found under /usr/lib/postgresql")
    return found[-1].parent


def as_postgres(*command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(  # noqa: S603 - our own commands, as the postgres OS user
        ["runuser", "-u", "postgres", "--", *command],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:2])} failed: {done.stderr.strip()[-2000:]}")
    return done


# --- the throwaway PostgreSQL pair ------------------------------------------------------------


@dataclass
class Cluster:
    data: Path
    port: int
    log: Path
    started: bool = False

    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def start(self, binaries: Path) -> None:
        as_postgres(
            str(binaries / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "120",
            "start",
        )
        self.started = True

    def stop(self, binaries: Path) -> None:
        if self.started:
            as_postgres(
                str(binaries / "pg_ctl"),
                "-D",
                str(self.data),
                "-m",
                "fast",
                "-w",
                "stop",
                check=False,
            )
            self.started = False


def make_primary(binaries: Path, work: Path) -> Cluster:
    primary = Cluster(work / "primary", free_port(), work / "primary.log")
    as_postgres(
        str(binaries / "initdb"),
        "-D",
        str(primary.data),
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
    )
    with (primary.data / "postgresql.conf").open("a") as conf:
        conf.write(
            f"\n# scale-out run\nport = {primary.port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{work}'\nwal_level = replica\nmax_wal_senders = 5\n"
            "max_connections = 100\nshared_buffers = 128MB\n"
        )
    (primary.data / "pg_hba.conf").write_text(
        "local all all trust\nhost all all 127.0.0.1/32 trust\n"
        "host replication all 127.0.0.1/32 trust\n"
    )
    primary.start(binaries)
    as_postgres(
        str(binaries / "psql"),
        "-h",
        "127.0.0.1",
        "-p",
        str(primary.port),
        "-U",
        "postgres",
        "-c",
        f"CREATE DATABASE {DATABASE}",
    )
    return primary


def make_replica(binaries: Path, work: Path, primary: Cluster) -> Cluster:
    replica = Cluster(work / "replica", free_port(), work / "replica.log")
    as_postgres(
        str(binaries / "pg_basebackup"),
        "-h",
        "127.0.0.1",
        "-p",
        str(primary.port),
        "-U",
        "postgres",
        "-D",
        str(replica.data),
        "-R",
        "-X",
        "stream",
    )
    with (replica.data / "postgresql.conf").open("a") as conf:
        conf.write(f"\n# the read replica\nport = {replica.port}\nhot_standby = on\n")
    replica.start(binaries)
    return replica


def sql(cluster: Cluster, query: str) -> str:
    import psycopg

    with psycopg.connect(cluster.url(), autocommit=True) as connection:
        row = connection.execute(query).fetchone()
    return "" if row is None else str(row[0])


def replica_counters(replica: Cluster) -> dict[str, int]:
    import psycopg

    with psycopg.connect(replica.url(), autocommit=True) as connection:
        row = connection.execute(
            "SELECT xact_commit, tup_returned, tup_fetched FROM pg_stat_database "
            "WHERE datname = %s",
            [DATABASE],
        ).fetchone()
        connection.execute("SELECT pg_stat_clear_snapshot()")
    assert row is not None  # noqa: S101
    return {"xact_commit": row[0], "tup_returned": row[1], "tup_fetched": row[2]}


def wait_for_replay(primary: Cluster, replica: Cluster, seconds: float = 120) -> float:
    """Wait until the replica has replayed everything the primary has written; the lag in s."""
    target = sql(primary, "SELECT pg_current_wal_lsn()")
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if sql(replica, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn") == "True":
            return time.monotonic() - started
        time.sleep(0.1)
    raise RuntimeError(f"the replica did not replay up to {target} within {seconds:.0f} s")


# --- a small round-robin reverse proxy (nginx/haproxy are not installed here) -----------------


@dataclass
class Proxy:
    backends: list[int]
    port: int = field(default_factory=free_port)
    served: Counter[int] = field(default_factory=Counter)
    _turn: int = 0
    _loop: asyncio.AbstractEventLoop | None = None
    _ready: threading.Event = field(default_factory=threading.Event)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while chunk := await reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            with contextlib.suppress(RuntimeError):
                writer.close()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # One connection, one backend, in turn (gunicorn's sync workers close the connection
        # after each response, so each request is a new connection and a new turn).
        backend = self.backends[self._turn % len(self.backends)]
        self._turn += 1
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", backend)
        except OSError:
            writer.close()
            return
        self.served[backend] += 1
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def _serve(self) -> None:
        server = await asyncio.start_server(self._client, "127.0.0.1", self.port, backlog=512)
        self._ready.set()
        async with server:
            await server.serve_forever()

    def start(self) -> None:
        def run() -> None:
            self._loop = asyncio.new_event_loop()
            with contextlib.suppress(asyncio.CancelledError, RuntimeError):
                self._loop.run_until_complete(self._serve())

        threading.Thread(target=run, daemon=True, name="proxy").start()
        if not self._ready.wait(10):
            raise RuntimeError("the proxy did not start")

    def stop(self) -> None:
        if self._loop is not None:
            for running in asyncio.all_tasks(self._loop):
                self._loop.call_soon_threadsafe(running.cancel)


# --- the product's processes -------------------------------------------------------------------


def product_env(
    primary: Cluster, replica: Cluster | None, redis_db: int, workers: int, secret: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        {
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p
            ),
            "DATABASE_URL": primary.url(),
            "DATABASE_CONN_MAX_AGE": "60",
            "REDIS_URL": f"{REDIS_URL_BASE}{redis_db}",
            "TASKS_BACKEND": "database",
            # Plain HTTP on loopback behind the proxy (as behind a TLS-terminating proxy, but
            # without the cookies' Secure flag, which the load client would not send over http).
            "NEXTSTEPS_PRODUCTION": "false",
            "DEBUG": "false",
            "SECRET_KEY": secret,  # the same on every web process: one site
            "ALLOWED_HOSTS": "127.0.0.1",
            "WEB_CONCURRENCY": str(workers),
            "LOG_LEVEL": "ERROR",
        }
    )
    if replica is not None:
        env["DATABASE_REPLICA_URL"] = replica.url()
    return env


def nextsteps(env: dict[str, str], *args: str, timeout: int = 900) -> str:
    done = subprocess.run(  # noqa: S603 - our own command
        [str(BIN / "nextsteps"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"nextsteps {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def wait_for(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"nothing answered {url} within {seconds:.0f} s")


def stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def cast_from_demo(env: dict[str, str]) -> dict[str, str]:
    """The demo's teachers (with their classes), leaders, and pupils for the API caller (as
    the primary head, who sees the whole school)."""
    for key, value in env.items():
        if key.startswith(("DATABASE_", "REDIS_", "TASKS_")):
            os.environ[key] = value
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nextsteps.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings

    from nextsteps.people.models import Pupil
    from nextsteps.schools.models import School
    from nextsteps.teaching.models import ClassStaff

    teachers = [
        f"{c.staff.user.username},{c.school.urn},{c.teaching_class_id}"
        for c in ClassStaff.objects.filter(staff__user__username__in=["teacher", "year6", "hod"])
        .select_related("staff__user", "school")
        .order_by("staff__user__username", "teaching_class_id")
    ]
    urns = {s.name: s.urn for s in School.objects.all()}
    leaders = [
        f"leader,{next(u for n, u in urns.items() if 'Kingsmead' in n)}",
        f"primaryhead,{next(u for n, u in urns.items() if 'Hollins' in n)}",
    ]
    hollins = School.objects.get(urn=next(u for n, u in urns.items() if "Hollins" in n))
    pupils = list(
        Pupil.objects.filter(school=hollins).order_by("pk").values_list("pk", flat=True)[:40]
    )
    token = nextsteps(
        env, "token", "create", "primaryhead", "--name", "scale-out run", "--read-only"
    ).strip()
    return {
        "LOAD_TEACHERS": ";".join(teachers),
        "LOAD_LEADERS": ";".join(leaders),
        "LOAD_API": f"{token},{hollins.urn},{'|'.join(str(p) for p in pupils)}",
        "LOAD_PASSWORD": settings.NEXTSTEPS_DEMO_PASSWORD,
    }


# --- the run ----------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--web", type=int, default=3, help="gunicorn processes behind the proxy")
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY of each")
    parser.add_argument("--users", type=int, default=30, help="simultaneous locust users")
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--duration", type=int, default=90, help="seconds of load (bounded)")
    parser.add_argument("--redis-db", type=int, default=7, help="a Redis database nobody uses")
    args = parser.parse_args(argv)
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        raise SystemExit("run as root: PostgreSQL is started as the postgres user via runuser")
    try:
        import redis
    except ImportError:
        raise SystemExit(
            "REDIS_URL needs the redis client, which is not installed: `pip install redis` "
            "(or put it on PYTHONPATH for this run)"
        ) from None

    cache = redis.Redis.from_url(f"{REDIS_URL_BASE}{args.redis_db}")
    cache.flushdb()
    binaries = pg_binaries()
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="nextsteps-scale-out-"))
    shutil.chown(work, "postgres", "postgres")
    clusters: list[Cluster] = []
    processes: list[subprocess.Popen[Any]] = []
    proxy: Proxy | None = None
    load_start = loadavg()
    try:
        began = time.monotonic()
        primary = make_primary(binaries, work)
        clusters.append(primary)
        replica = make_replica(binaries, work, primary)
        clusters.append(replica)
        secret = secrets.token_urlsafe(50)
        setup_env = product_env(primary, None, args.redis_db, args.workers, secret)
        setup_env["TASKS_BACKEND"] = "immediate"  # the demo builds inline
        nextsteps(setup_env, "migrate", "--no-input")
        nextsteps(setup_env, "demo")
        env = product_env(primary, replica, args.redis_db, args.workers, secret)
        cast = cast_from_demo(env)
        lag_setup = wait_for_replay(primary, replica)
        setup_seconds = time.monotonic() - began

        ports = [free_port() for _ in range(args.web)]
        logs = [OUT / f"scale-out-web-{n}.log" for n in range(args.web)]
        for port, log in zip(ports, logs, strict=True):
            log.write_text("")
            processes.append(
                subprocess.Popen(  # noqa: S603 - our own command
                    [
                        str(BIN / "nextsteps"),
                        "serve",
                        "--production",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                    ],
                    env=env,
                    # gunicorn's access log, one line a request (appended, so it can be emptied)
                    stdout=log.open("a"),
                    stderr=(OUT / f"scale-out-web-{ports.index(port)}.err").open("w"),
                )
            )
        worker_log = (OUT / "scale-out-worker.log").open("w")
        processes.append(
            subprocess.Popen(  # noqa: S603
                [
                    str(BIN / "nextsteps"),
                    "db_worker",
                    "--queue-name",
                    "*",
                    "--interval",
                    "0.5",
                    "--no-reload",
                ],
                env=env,
                stdout=worker_log,
                stderr=subprocess.STDOUT,
            )
        )
        for port in ports:
            wait_for(f"http://127.0.0.1:{port}/healthz")
        proxy = Proxy(ports)
        proxy.start()
        wait_for(f"http://127.0.0.1:{proxy.port}/healthz")
        proxy.served.clear()
        for log in logs:
            log.write_text("")  # forget the health checks

        from django_tasks_db.models import DBTaskResult

        from nextsteps.markbook.models import Judgement

        judgements_before = Judgement.objects.count()
        tasks_before = DBTaskResult.objects.count()
        counters_before = replica_counters(replica)
        load_before = loadavg()
        with tempfile.TemporaryDirectory() as accepted_dir:
            locust_env = dict(os.environ)
            locust_env.update(cast)
            locust_env["ACCEPTED_KEYS_DIR"] = accepted_dir
            started = time.monotonic()
            run = subprocess.run(  # noqa: S603
                locust_command(args, f"http://127.0.0.1:{proxy.port}", OUT / "scale-out"),
                env=locust_env,
                capture_output=True,
                text=True,
                timeout=args.duration + 180,
                check=False,
            )
            elapsed = time.monotonic() - started
            keys = [k for f in Path(accepted_dir).glob("*.txt") for k in f.read_text().split()]
        load_after = loadavg()
        counters_after = replica_counters(replica)

        checks: list[Check] = []
        found_primary = 0
        for start in range(0, len(keys), 1000):
            found_primary += Judgement.objects.filter(
                idempotency_key__in=keys[start : start + 1000]
            ).count()
        checks.append(
            Check(
                "every accepted judgement is on the primary",
                bool(keys) and found_primary == len(keys),
                f"{len(keys):,} accepted, {found_primary:,} found",
            )
        )
        lag = wait_for_replay(primary, replica)
        found_replica = 0
        for start in range(0, len(keys), 1000):
            found_replica += (
                Judgement.objects.using("replica")
                .filter(idempotency_key__in=keys[start : start + 1000])
                .count()
            )
        checks.append(
            Check(
                "every accepted judgement is on the replica after catch-up",
                bool(keys) and found_replica == len(keys),
                f"{found_replica:,} found; replay caught up {lag:.2f} s after the load ended",
            )
        )
        stats = read_stats(OUT / "scale-out_stats.csv")
        dashboards = int(stats.get("school dashboard", {}).get("Request Count", 0))
        delta = {k: counters_after[k] - counters_before[k] for k in counters_before}
        checks.append(
            Check(
                "the dashboard reads went to the replica",
                dashboards > 0
                and delta["xact_commit"] >= dashboards
                and delta["tup_returned"] + delta["tup_fetched"] > 0,
                f"{dashboards} dashboard requests; on the replica meanwhile "
                f"{delta['xact_commit']:,} transactions, {delta['tup_returned']:,} rows "
                f"returned, {delta['tup_fetched']:,} fetched (nothing else reads it)",
            )
        )
        drained = wait_for_tasks(DBTaskResult, seconds=120)
        statuses = Counter(DBTaskResult.objects.values_list("status", flat=True))
        queued = sum(statuses.values()) - tasks_before
        checks.append(
            Check(
                "the worker drained the task queue",
                queued > 0 and drained and set(statuses) == {"SUCCESSFUL"},
                f"{queued} tasks queued during the run; states now: "
                + ", ".join(f"{s} {n}" for s, n in sorted(statuses.items())),
            )
        )
        cache_keys = sorted(k.decode() for k in cache.scan_iter(count=1000))
        product_keys = [k for k in cache_keys if "pupil-view:" in k]
        checks.append(
            Check(
                f"Redis database {args.redis_db} holds the product's cache keys",
                bool(product_keys),
                f"{len(cache_keys)} keys, {len(product_keys)} of them pupil-view keys "
                f"(e.g. {product_keys[0] if product_keys else '-'})",
            )
        )
        access_lines = [sum(1 for _ in log.open()) for log in logs]
        per_backend = [proxy.served[p] for p in ports]
        checks.append(
            Check(
                f"each of the {args.web} gunicorn processes served requests",
                all(n > 0 for n in per_backend) and all(n > 0 for n in access_lines),
                "proxy connections per process: "
                + ", ".join(str(n) for n in per_backend)
                + "; access-log lines per process: "
                + ", ".join(str(n) for n in access_lines),
            )
        )
        judgements_after = Judgement.objects.count()
        version = subprocess.run(  # noqa: S603
            [str(BIN / "locust"), "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
        report = render(
            args=args,
            version=version,
            stats=stats,
            elapsed=elapsed,
            checks=checks,
            loads=(load_start, load_before, load_after, loadavg()),
            setup=(setup_seconds, lag_setup),
            judgements=(judgements_before, judgements_after),
            tasks_before=tasks_before,
        )
        (OUT / "scale-out-report.md").write_text(report)
        print(report)
        if run.returncode not in (0, 1):
            print(run.stderr[-3000:], file=sys.stderr)
        return 0 if all(c.ok for c in checks) else 1
    finally:
        if proxy is not None:
            proxy.stop()
        for process in processes:
            stop(process)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - Django may not have been set up
            pass
        for cluster in reversed(clusters):
            cluster.stop(binaries)
        shutil.rmtree(work, ignore_errors=True)
        cache.flushdb()


def wait_for_tasks(model: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not model.objects.filter(status__in=["READY", "RUNNING"]).exists():
            return True
        time.sleep(0.5)
    return False


def read_stats(path: Path) -> dict[str, dict[str, str]]:
    with path.open() as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def render(
    *,
    args: argparse.Namespace,
    version: str,
    stats: dict[str, dict[str, str]],
    elapsed: float,
    checks: list[Check],
    loads: tuple[str, str, str, str],
    setup: tuple[float, float],
    judgements: tuple[int, int],
    tasks_before: int,
) -> str:
    lines = [
        f"Locust {version.split()[1] if version else '?'}; {args.users} simultaneous users "
        f"(teachers, leaders 1 in 6, one API caller), {args.duration} s of load "
        f"({elapsed:.0f} s with start and stop), through a round-robin proxy to {args.web} "
        f"gunicorn processes of {args.workers} workers each, one db_worker, Redis database "
        f"{args.redis_db}, a PostgreSQL primary and a streaming replica; all on one 2-core "
        "machine over loopback, shared with other work.",
        "",
        f"Setup (initdb, base backup, migrate, demo, replica caught up): {setup[0]:.0f} s.",
        f"Load average (1/5/15 min): at start `{loads[0]}`; before the load `{loads[1]}`; "
        f"after it `{loads[2]}`; at the end `{loads[3]}`.",
        "",
        "| request | count | failures | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in stats.items():
        shown = name if name != "Aggregated" else "**all requests**"
        lines.append(
            f"| {shown} | {row['Request Count']} | {row['Failure Count']} | "
            f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} |"
        )
    lines += [
        "",
        f"Judgements in the database: {judgements[0]:,} before, {judgements[1]:,} after.",
        "",
        "| check | result | detail |",
        "|---|---|---|",
    ]
    lines += [f"| {c.name} | {'ok' if c.ok else 'FAILED'} | {c.detail} |" for c in checks]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
