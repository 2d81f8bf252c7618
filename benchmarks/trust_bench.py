"""Trust benchmark: the trust dashboard over 30 schools (24 primaries of 210 pupils, six
secondaries of 600), with their standings.

    .venv/bin/python benchmarks/trust_bench.py                          # SQLite (var/bench/)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nextsteps_reports_bench \\
        .venv/bin/python benchmarks/trust_bench.py                      # PostgreSQL

The first run builds the trust and keeps it (beside reports_bench.py's school, in the same
database). Objectives come through the framework import; standings are bulk-inserted with
their derived values (85% of cells assessed), as in reports_bench.py. The trust view never
reads judgements, so none are made. Times are wall-clock and CPU of this process (the web
process: Django's test client runs the view here); the load average is printed beside them.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nextsteps.settings")
os.environ.setdefault("SIGN_IN_THROTTLE", "false")
if "DATABASE_URL" not in os.environ:
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench' / 'reports.sqlite3'}"

import django  # noqa: E402

django.setup()

from building import within  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from nextsteps.accounts.models import TrustMembership, User  # noqa: E402
from nextsteps.curriculum.kernels.spec import FrameworkSpec, ObjectiveSpec, StrandSpec  # noqa: E402
from nextsteps.curriculum.models import Objective  # noqa: E402
from nextsteps.curriculum.services import DEFAULT_SCALE, framework_import  # noqa: E402
from nextsteps.markbook.models import Standing  # noqa: E402
from nextsteps.people.models import Pupil  # noqa: E402
from nextsteps.people.upn import upn_make  # noqa: E402
from nextsteps.schools.models import School, Trust  # noqa: E402

SLUG = "bench-trust"
FIRST_URN = 781000
PRIMARY = ((1, 2, 3, 4, 5, 6), 35, ("English", "Mathematics", "Science"))
SECONDARY = ((7, 8, 9, 10, 11), 120, ("English", "Mathematics", "Science", "History", "Geography"))
OBJECTIVES_PER_YEAR = 20  # per subject; half are core


def build() -> Trust:
    call_command("migrate", verbosity=0)
    existing = Trust.objects.filter(slug=SLUG).first()
    if existing is not None:
        return existing
    started = time.perf_counter()
    rng = random.Random(FIRST_URN)  # noqa: S311 - reproducible data, not secrets
    now = timezone.now()
    with transaction.atomic():
        trust = Trust.objects.create(name="Bench Learning Trust", slug=SLUG)
        for n in range(30):
            secondary = n >= 24
            years, per_year, subjects = SECONDARY if secondary else PRIMARY
            school = School.objects.create(
                trust=trust,
                urn=FIRST_URN + n,
                name=f"Bench {'Academy' if secondary else 'Primary'} {n + 1:02d}",
                phase="secondary" if secondary else "primary",
                la_code="851",
                estab=f"{3000 + n}",
            )
            objectives: list[Objective] = []
            for subject in subjects:
                spec = FrameworkSpec(
                    name=f"Bench {subject}",
                    subject=subject,
                    scale=DEFAULT_SCALE,
                    strands=tuple(
                        StrandSpec(
                            code=f"Y{y}",
                            name=f"Year {y}",
                            objectives=tuple(
                                ObjectiveSpec(
                                    code=f"{subject[:3]}-{y}-{o:02d}",
                                    wording=f"{subject} objective {y}.{o}",
                                    year_group=y,
                                    key_stage="KS2" if y <= 6 else "KS3",
                                    core=o % 2 == 0,
                                    dimension="knowledge",
                                )
                                for o in range(OBJECTIVES_PER_YEAR)
                            ),
                        )
                        for y in years
                    ),
                )
                framework = within(framework_import)(school=school, spec=spec, by=None)
                objectives.extend(framework.objectives.all())
            levels = list(framework.scale.levels.order_by("position"))
            pupils = Pupil.objects.bulk_create(
                Pupil(
                    school=school,
                    upn=upn_make(la=851, estab=3000 + n, year=20 + k // 1000, serial=k % 1000),
                    legal_forename=f"Pupil{k}",
                    legal_surname=f"Trust{k % 89}",
                    date_of_birth=dt.date(2014, 1, 1),
                    gender="F" if k % 2 else "M",
                    year_group=years[k % len(years)],
                    disadvantaged=k % 4 == 0,
                    sen_status="K" if k % 7 == 0 else "N",
                    eal=k % 5 == 0,
                    admission_date=dt.date(2021, 9, 1),
                )
                for k in range(per_year * len(years))
            )
            by_year: dict[int | None, list[Objective]] = {}
            for objective in objectives:
                by_year.setdefault(objective.year_group, []).append(objective)
            standings = []
            for pupil in pupils:
                for objective in by_year[pupil.year_group]:
                    if rng.random() < 0.15:
                        continue
                    level = levels[rng.randrange(len(levels))]
                    standings.append(
                        Standing(
                            school=school,
                            pupil=pupil,
                            objective=objective,
                            value=level.value,
                            level=level,
                            mastered=level.value >= Decimal(3),
                            evidence_count=rng.randrange(1, 12),
                            last_evidence_at=now - dt.timedelta(days=rng.randrange(90)),
                        )
                    )
            Standing.objects.bulk_create(standings, batch_size=5000)
    print(
        f"  30 schools, {Pupil.objects.filter(school__trust=trust).count():,} pupils, "
        f"{Standing.objects.filter(school__trust=trust).count():,} standings in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return trust


def measure(trust: Trust, repeat: int = 5) -> None:
    """The trust dashboard through the real view: wall-clock and CPU time, and queries."""
    user, _ = User.objects.get_or_create(username="bench-trust-leader")
    TrustMembership.objects.get_or_create(user=user, trust=trust)
    client = Client()
    client.force_login(user)
    url = reverse("trust_dashboard", kwargs={"trust": trust.slug})
    started, started_cpu = time.perf_counter(), time.process_time()
    first = client.get(url)
    print(
        f"first view (any school's figures out of date counted first): {(time.perf_counter() - started) * 1000:.0f}"
        f" ms (CPU {(time.process_time() - started_cpu) * 1000:.0f} ms), {first.status_code}"
    )
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        if response.status_code != 200:
            raise SystemExit(f"trust dashboard answered {response.status_code}")
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    started = time.perf_counter()
    filtered = client.get(url, {"group": "disadvantaged"})
    grouped = time.perf_counter() - started
    print(
        f"trust dashboard: median {statistics.median(times) * 1000:.0f} ms "
        f"(CPU {statistics.median(cpu) * 1000:.0f} ms) over {repeat} runs, {len(queries)} "
        f"queries; disadvantaged pupils only: {grouped * 1000:.0f} ms ({filtered.status_code})"
    )


def main() -> None:
    trust = build()
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    measure(trust)
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
