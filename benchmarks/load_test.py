"""Load run: many teachers recording judgements and opening markbooks at once, against gunicorn
and PostgreSQL on this machine (loopback only, bounded time). Not part of `make test`.

    .venv/bin/python benchmarks/scale_data.py        # once: 30 schools, 10,000,000 judgements
    .venv/bin/python benchmarks/load_test.py --users 60 --duration 120

Starts `nextsteps serve --production` (gunicorn) on a free loopback port against the scale
database, runs locust headless (benchmarks/locustfile.py), then checks that every judgement
the server accepted is in the database. Prints throughput and p50/p95/p99 latency per request
kind as a Markdown table (also written to var/bench/load-report.md).
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "src"))
SCALE_URL = os.environ.get(
    "SCALE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nextsteps_scale"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(workers: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DATABASE_URL": SCALE_URL,
            "DATABASE_CONN_MAX_AGE": "60",
            # Plain HTTP on loopback, as behind a TLS-terminating proxy but without its cookies'
            # Secure flag (the load client would not send Secure cookies over http).
            "NEXTSTEPS_PRODUCTION": "false",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "WEB_CONCURRENCY": str(workers),
            "LOG_LEVEL": "ERROR",
        }
    )
    return env


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise SystemExit(f"the server did not answer {url} within {seconds:.0f} s")


def locust_command(args: argparse.Namespace, host: str, csv_prefix: Path) -> list[str]:
    """Locust, headless, with benchmarks/locustfile.py: `args.users` people arriving at
    `args.spawn_rate` a second for `args.duration` seconds; its statistics to `csv_prefix`."""
    return [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "benchmarks" / "locustfile.py"),
        "--headless",
        "-u",
        str(args.users),
        "-r",
        str(args.spawn_rate),
        "-t",
        f"{args.duration}s",
        "--stop-timeout",
        "10",
        "--host",
        host,
        "--csv",
        str(csv_prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]


def teachers(limit: int) -> list[tuple[str, int, int]]:
    os.environ["DATABASE_URL"] = SCALE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nextsteps.settings")
    import django

    django.setup()
    from nextsteps.teaching.models import ClassStaff

    links = (
        ClassStaff.objects.filter(staff__user__username__startswith="scale-")
        .select_related("staff__user", "school")
        .order_by("school__urn", "teaching_class_id")
    )
    picked = list(links)
    step = max(1, len(picked) // limit)
    return [
        (c.staff.user.username, c.school.urn, c.teaching_class_id) for c in picked[::step][:limit]
    ]


def accepted_in_database(keys: list[str]) -> int:
    from nextsteps.markbook.models import Judgement

    found = 0
    for start in range(0, len(keys), 1000):
        found += Judgement.objects.filter(idempotency_key__in=keys[start : start + 1000]).count()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=60, help="simultaneous teachers")
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", type=int, default=120, help="seconds of load (bounded)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--steady",
        action="store_true",
        help="count the requests only once every teacher has arrived and signed in (the "
        "sustained load; signing in is measured by benchmarks/sign_in_bench.py)",
    )
    args = parser.parse_args(argv)
    cast = teachers(args.users)
    if not cast:
        raise SystemExit("no scale data: run benchmarks/scale_data.py first")
    from nextsteps.markbook.models import Judgement

    before = Judgement.objects.count()
    port = free_port()
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(  # noqa: S603 - our own command
        [
            str(BIN / "nextsteps"),
            "serve",
            "--production",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=server_env(args.workers),
        stdout=subprocess.DEVNULL,
        stderr=(out / "load-server.log").open("w"),
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        with tempfile.TemporaryDirectory() as accepted_dir:
            env = dict(os.environ)
            env.update(
                {
                    "LOAD_TEACHERS": ";".join(f"{u},{urn},{c}" for u, urn, c in cast),
                    "ACCEPTED_KEYS_DIR": accepted_dir,
                    "LOAD_STEADY": "1" if getattr(args, "steady", False) else "",
                }
            )
            started = time.monotonic()
            run = subprocess.run(  # noqa: S603
                locust_command(args, f"http://127.0.0.1:{port}", out / "load"),
                env=env,
                capture_output=True,
                text=True,
                timeout=args.duration + 180,
                check=False,
            )
            elapsed = time.monotonic() - started
            keys = [k for f in Path(accepted_dir).glob("*.txt") for k in f.read_text().split()]
            timings = [
                line.split(",")
                for f in Path(accepted_dir).glob("timings-*.csv")
                for line in f.read_text().splitlines()
            ]
    finally:
        server.terminate()
        server.wait(timeout=30)
    found = accepted_in_database(keys)
    after = Judgement.objects.count()
    version = subprocess.run(  # noqa: S603 - our own locust
        [str(BIN / "locust"), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    report = render(
        out / "load_stats.csv", args, len(cast), elapsed, keys, found, before, after, version
    ) + windows(timings)
    (out / "load-report.md").write_text(report)
    print(report)
    if run.returncode not in (0, 1):
        print(run.stderr[-3000:], file=sys.stderr)
    if not keys:
        # A run that recorded nothing measured nothing: say so, rather than report "all".
        print(
            "No judgement was recorded: the teachers found no cells in their markbook pages "
            "(see GRID_DATA in benchmarks/locustfile.py).",
            file=sys.stderr,
        )
        return 1
    return 0 if found == len(keys) else 1


def render(
    stats: Path,
    args: argparse.Namespace,
    teachers_used: int,
    elapsed: float,
    keys: list[str],
    found: int,
    before: int,
    after: int,
    version: str,
) -> str:
    lines = [
        f"Locust {version.split()[1] if version else '?'}; {args.users} simultaneous teachers "
        f"({teachers_used} accounts across the trust), {args.duration} s of load, gunicorn with "
        f"{args.workers} workers, PostgreSQL 15, all on one 2-core machine over loopback"
        + (
            "; counted from when every teacher had signed in and opened the markbook (--steady)."
            if getattr(args, "steady", False)
            else "."
        ),
        "",
        "| request | count | failures | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    with stats.open() as handle:
        for row in csv.DictReader(handle):
            name = row["Name"] if row["Name"] != "Aggregated" else "**all requests**"
            lines.append(
                f"| {name} | {row['Request Count']} | {row['Failure Count']} | "
                f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} |"
            )
    lines += [
        "",
        f"Accepted judgements: {len(keys):,}; found in the database afterwards: {found:,} "
        f"({'all' if found == len(keys) else 'MISSING ' + str(len(keys) - found)}). "
        f"Judgements in the database: {before:,} before, {after:,} after.",
    ]
    return "\n".join(lines) + "\n"


WINDOW = 10  # seconds


def windows(timings: list[list[str]], kind: str = "record a judgement") -> str:
    """The p99 of one kind of request started in each ten seconds of the count, as a line of
    the report: a stall shows in its window, where the whole run's p99 would average it away."""
    starts = [(float(start), float(ms)) for start, name, ms in timings if name == kind]
    if not starts:
        return ""
    first = min(start for start, _ in starts)
    by_window: dict[int, list[float]] = {}
    for start, ms in starts:
        by_window.setdefault(int((start - first) // WINDOW), []).append(ms)
    # The last window is cut short by the end of the run: left out unless it is the only one.
    whole = sorted(by_window)[:-1] or sorted(by_window)
    p99 = [statistics.quantiles(by_window[w], n=100)[98] for w in whole if len(by_window[w]) > 1]
    if not p99:
        return ""
    return (
        f"\n{kind}, p99 in each {WINDOW} s of the count ({len(p99)} windows): "
        + ", ".join(f"{value:.0f}" for value in p99)
        + f" ms; the highest {max(p99):.0f} ms.\n"
    )


if __name__ == "__main__":
    sys.exit(main())
