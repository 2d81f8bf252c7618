"""Benchmark: a Wonde sync of a 1,500-pupil secondary against a local Wonde server.

    .venv/bin/python benchmarks/wonde_bench.py                     # SQLite, data in var/bench/
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/wonde_bench.py

The school has 1,500 pupils in years 7-11, 50 forms, 250 classes of 30 (five subjects a
year), 3,000 contacts and 94 staff, with attendance for every pupil. It measures the first sync
(everything created) and an unchanged re-sync asking for everything (`--full`), each with the
requests made to Wonde and the rows written outside the sync's own log line.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nextsteps.settings")
os.environ.setdefault("NEXTSTEPS_VAR_DIR", str(ROOT / "var" / "bench-wonde"))
Path(os.environ["NEXTSTEPS_VAR_DIR"]).mkdir(parents=True, exist_ok=True)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from tests.interop.wonde_server import TOKEN, WondeData, WondeServer, build_school  # noqa: E402

from nextsteps.interop.wonde_client import WondeClient  # noqa: E402
from nextsteps.interop.wonde_sync import wonde_sync  # noqa: E402
from nextsteps.schools.models import AcademicYear, School  # noqa: E402
from nextsteps.teaching.models import Class  # noqa: E402

URN = 990555
BOOKKEEPING = ("interop_importrun", "audit_auditevent", "interop_wondeschool")


def data_writes(queries: list[dict[str, str]]) -> int:
    return sum(
        1
        for q in queries
        if re.match(r"(?i)^\s*(insert|update|delete)", q["sql"])
        and not any(t in q["sql"] for t in BOOKKEEPING)
    )


def run(server: WondeServer, *, full: bool) -> tuple[float, int, int, list[str]]:
    client = WondeClient(server.url, TOKEN)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        summary = wonde_sync(urn=URN, by=None, client=client, full=full)
        elapsed = time.perf_counter() - started
    return elapsed, client.requests, data_writes(queries.captured_queries), summary.lines()


def main() -> None:
    call_command("migrate", verbosity=0)
    # A fresh start each run: a school's classes and years are protected from a cascade.
    Class.objects.filter(school__urn=URN).delete()
    AcademicYear.objects.filter(school__urn=URN).delete()
    School.objects.filter(urn=URN).delete()
    data = build_school(WondeData(urn=URN), pupils=1500, per_class=30)
    print(f"load average before: {os.getloadavg()}")
    print(f"database: {connection.vendor}")
    with WondeServer(data) as server:
        for label, full in (("first sync", True), ("unchanged re-sync (--full)", True)):
            seconds, requests, writes, lines = run(server, full=full)
            print(f"{label}: {seconds:.1f} s, {requests} requests, {writes} data writes")
            print("\n".join(f"  {line}" for line in lines))
        seconds, requests, writes, _lines = run(server, full=False)
        print(f"unchanged daily delta: {seconds:.1f} s, {requests} requests, {writes} data writes")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
