"""Benchmark: choosing the next pair on the judging page, at national scale, through the app.

    .venv/bin/python benchmarks/cj_pairs_bench.py [--scripts 10000] [--judgements 200000]
                                                  [--judges 200] [--calls 2000] [--seed 1]

Builds a throwaway database (SQLite in a temporary folder, or the PostgreSQL database named by
DATABASE_URL, where it creates and drops its own session), with one comparative judgement
session of --scripts scripts and --judgements comparisons, then measures what a request pays:

1. cold: the first pair for a worker that has never seen the session (the state is rebuilt
   from the history: one query for the scripts, one for the comparisons);
2. warm: a pair when nothing has changed since this worker's last choice (no query);
3. after another judge: a pair after another judge recorded a comparison (one query for the
   new comparison, folded into the state);
4. the whole judging page (GET, signed in: access checks, the pair, the two scripts, the
   template), through Django's test client.

Medians and 99th percentiles over --calls calls. The budget is 5 ms for choosing a pair.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scripts", type=int, default=10_000)
    parser.add_argument("--judgements", type=int, default=200_000)
    parser.add_argument("--judges", type=int, default=200)
    parser.add_argument("--calls", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="cj-pairs-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(scratch) / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nextsteps.settings")
    os.environ["MEDIA_ROOT"] = str(Path(scratch) / "media")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; python {sys.version.split()[0]}")
    session, judges, users = build(args)
    try:
        measure(args, session, judges, users)
    finally:
        teardown(session)


def build(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    import datetime as dt

    import numpy as np
    from django.utils import timezone

    from nextsteps.accounts.models import Membership, Role, User
    from nextsteps.judging.models import CJSession, Comparison, Judge, Script
    from nextsteps.people.models import Staff
    from nextsteps.schools.models import School

    started = time.perf_counter()
    school = School.objects.create(
        urn=999_000 + args.seed, name="Benchmark school", phase="secondary"
    )
    session = CJSession.objects.create(
        school=school, title="National writing", task="Write a letter.", seed=args.seed
    )
    staff, users = [], []
    for n in range(args.judges):
        user = User.objects.create(username=f"bench-judge-{school.urn}-{n}")
        Membership.objects.create(user=user, school=school, role=Role.TEACHER)
        staff.append(Staff(school=school, user=user, forename="Judge", surname=str(n)))
        users.append(user)
    Staff.objects.bulk_create(staff)
    judges = Judge.objects.bulk_create(
        Judge(school=school, session=session, staff=s) for s in staff
    )
    scripts = Script.objects.bulk_create(
        (
            Script(
                school=school,
                session=session,
                code=f"S{n:05d}",
                kind="text",
                origin="upload",
                text=f"Script {n}: " + "words " * 60,
            )
            for n in range(args.scripts)
        ),
        batch_size=2000,
    )
    rng = np.random.default_rng(args.seed)
    first = rng.integers(0, args.scripts, args.judgements)
    second = (first + rng.integers(1, args.scripts, args.judgements)) % args.scripts
    who = rng.integers(0, args.judges, args.judgements)
    now = timezone.now()
    rows = (
        Comparison(
            school=school,
            session=session,
            judge=judges[int(j)],
            left=scripts[int(a)],
            right=scripts[int(b)],
            winner=scripts[int(a)],
            shown_at=now - dt.timedelta(seconds=30),
            decided_at=now,
            seconds=30.0,
            token=f"b{k}",
        )
        for k, (a, b, j) in enumerate(zip(first, second, who, strict=True))
    )
    Comparison.objects.bulk_create(rows, batch_size=5000)
    CJSession.objects.filter(pk=session.pk).update(
        script_count=args.scripts,
        comparison_count=args.judgements,
        target_per_script=100,
    )
    session.refresh_from_db()
    print(
        f"built: {args.scripts} scripts, {args.judgements} judgements, {args.judges} judges "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return session, judges, users


def timed(call: Callable[[], object], calls: int) -> list[tuple[float, float]]:
    """(wall, CPU) milliseconds of each call; CPU time leaves out waiting for other processes."""
    times = []
    for _ in range(calls):
        wall, cpu = time.perf_counter(), time.thread_time()
        call()
        times.append(((time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000))
    return times


def report(label: str, times: list[tuple[float, float]]) -> None:
    def spread(values: list[float]) -> str:
        ordered = sorted(values)
        p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
        return f"median {statistics.median(values):8.3f}  p99 {p99:8.3f}"

    wall, cpu = [w for w, _ in times], [c for _, c in times]
    print(f"{label:<42} wall {spread(wall)} ms | CPU {spread(cpu)} ms")


def measure(args: argparse.Namespace, session, judges, users) -> None:  # type: ignore[no-untyped-def]
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from nextsteps.judging import pairs
    from nextsteps.judging.models import Script
    from nextsteps.judging.services.comparative import cj_comparison_record

    judge, other = judges[0], judges[1]

    def cold() -> None:
        pairs.forget(session.pk)
        pairs.next_pair(session, judge)

    report("cold (state rebuilt from 2 queries)", timed(cold, 5))
    report("warm (no query)", timed(lambda: pairs.next_pair(session, judge), args.calls))

    scripts = list(Script.objects.filter(session=session).order_by("pk")[:2000])
    counter = iter(range(10**9))

    def record_elsewhere() -> None:
        k = next(counter)
        left, right = scripts[(2 * k) % 2000], scripts[(2 * k + 1) % 2000]
        cj_comparison_record(
            session=session,
            judge=other,
            left=left,
            right=right,
            winner=left,
            shown_at=timezone.now(),
            seconds=20.0,
            token=f"x{k}",
            by=None,
        )
        session.comparison_count += 1  # what the next request's session row would say

    catch_up = []
    for _ in range(min(args.calls, 500)):
        record_elsewhere()
        catch_up += timed(lambda: pairs.next_pair(session, judge), 1)
    report("after another judge (1 query, folded in)", catch_up)

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(users[0])
    url = f"/school/{session.school.urn}/judging/cj/{session.pk}/judge/"
    if client.get(url).status_code != 200:
        raise SystemExit("the judging page did not answer 200")
    session.refresh_from_db()
    report("whole judging page (GET, signed in)", timed(lambda: client.get(url), 200))


def teardown(session) -> None:  # type: ignore[no-untyped-def]
    from nextsteps.accounts.models import User
    from nextsteps.schools.models import School

    school = School.objects.get(pk=session.school_id)
    User.objects.filter(username__startswith=f"bench-judge-{school.urn}-").delete()
    school.delete()


if __name__ == "__main__":
    main()
