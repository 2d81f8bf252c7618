"""Reports benchmark: the leader's dashboard for a school of 1,500 pupils with 2,000,000
judgements, and a batch of 60 PDF reports (time and peak memory).

    .venv/bin/python benchmarks/reports_bench.py                        # SQLite (var/bench/)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nextsteps_reports_bench \
        .venv/bin/python benchmarks/reports_bench.py                    # PostgreSQL

The first run builds the school and keeps it. The standings (what the dashboard reads) are
bulk-inserted directly with their derived values, and the 2,000,000 judgement events are
inserted by one INSERT … SELECT from the standings (about 6.7 events a cell), so the
dashboard is measured against a judgement table of the full size it never scans.

Times are wall-clock and CPU (the process's own): on a shared machine the wall-clock time
includes waiting for a core, so the load average is printed before and after.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import resource
import statistics
import subprocess
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

from nextsteps.accounts.models import Membership, Role, User  # noqa: E402
from nextsteps.curriculum.kernels.spec import FrameworkSpec, ObjectiveSpec, StrandSpec  # noqa: E402
from nextsteps.curriculum.models import Objective  # noqa: E402
from nextsteps.curriculum.services import DEFAULT_SCALE, framework_import  # noqa: E402
from nextsteps.markbook.models import Judgement, Standing  # noqa: E402
from nextsteps.markbook.services import summary_refresh  # noqa: E402
from nextsteps.people.models import Pupil  # noqa: E402
from nextsteps.people.upn import upn_make  # noqa: E402
from nextsteps.reports.pdf import render_reports_pdf  # noqa: E402
from nextsteps.schools.models import AcademicYear, School, Subject  # noqa: E402
from nextsteps.teaching.models import Class, Enrolment  # noqa: E402

URN = 780001
YEARS = (7, 8, 9, 10, 11)
PUPILS_PER_YEAR = 300  # 1,500 pupils
SUBJECTS = ("English", "Mathematics", "Science", "History", "Geography")
OBJECTIVES_PER_YEAR = 40  # per subject; half are core
JUDGEMENTS = 2_000_000


def build() -> School:
    call_command("migrate", verbosity=0)
    existing = School.objects.filter(urn=URN).first()
    if existing is not None:
        if not Judgement.objects.filter(school=existing).exists():
            _judgements(existing)  # a build stopped between standings and judgements
        return existing
    started = time.perf_counter()
    rng = random.Random(URN)  # noqa: S311 - reproducible data, not secrets
    with transaction.atomic():
        school = School.objects.create(
            urn=URN, name="Bench Academy", phase="secondary", la_code="850", estab="4999"
        )
        year = AcademicYear.objects.create(
            school=school,
            name="2026/27",
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2027, 8, 31),
        )
        objectives: list[Objective] = []
        for subject in SUBJECTS:
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
                                key_stage="KS3",
                                core=o % 2 == 0,
                                dimension="knowledge",
                            )
                            for o in range(OBJECTIVES_PER_YEAR)
                        ),
                    )
                    for y in YEARS
                ),
            )
            framework = within(framework_import)(school=school, spec=spec, by=None)
            objectives.extend(framework.objectives.all())
        levels = list(framework.scale.levels.order_by("position"))
        pupils = Pupil.objects.bulk_create(
            Pupil(
                school=school,
                upn=upn_make(la=850, estab=4999, year=20 + n // 1000, serial=n % 1000),
                legal_forename=f"Pupil{n}",
                legal_surname=f"Bench{n % 97}",
                date_of_birth=dt.date(2012, 1, 1),
                gender="F" if n % 2 else "M",
                year_group=YEARS[n % len(YEARS)],
                disadvantaged=n % 4 == 0,
                sen_status="K" if n % 7 == 0 else "N",
                eal=n % 5 == 0,
                admission_date=dt.date(2021, 9, 1),
            )
            for n in range(PUPILS_PER_YEAR * len(YEARS))
        )
        subjects = {s.name: s for s in Subject.objects.filter(school=school)}
        for y in YEARS:
            in_year = [p for p in pupils if p.year_group == y]
            for c in range(10):
                for subject in SUBJECTS:
                    teaching_class = Class.objects.create(
                        school=school, academic_year=year, name=f"{y}{subject[:2]}{c}", year_group=y
                    )
                    teaching_class.subjects.add(subjects[subject])
                    Enrolment.objects.bulk_create(
                        Enrolment(
                            school=school,
                            pupil=p,
                            teaching_class=teaching_class,
                            starts_on=dt.date(2026, 9, 1),
                        )
                        for p in in_year[c * 30 : (c + 1) * 30]
                    )
        now = timezone.now()
        by_year: dict[int | None, list[Objective]] = {}
        for objective in objectives:
            by_year.setdefault(objective.year_group, []).append(objective)
        standings = []
        for pupil in pupils:
            for objective in by_year[pupil.year_group]:
                if rng.random() < 0.15:
                    continue  # not yet assessed
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
    print(f"  {len(standings):,} standings in {time.perf_counter() - started:.0f} s", flush=True)
    _judgements(school)
    return school


def _judgements(school: School) -> None:
    """The judgement events, about 6.7 a standing, by one INSERT … SELECT."""
    started = time.perf_counter()
    copies = -(-JUDGEMENTS // Standing.objects.filter(school=school).count())
    table, standing = Judgement._meta.db_table, Standing._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < %s)
            INSERT INTO {table} (school_id, pupil_id, objective_id, level_id, value, kind, source,
                method, shown_at, recorded_at, note, reason, idempotency_digest)
            SELECT s.school_id, s.pupil_id, s.objective_id, s.level_id, s.value, 'record', 'teacher',
                'observation', s.last_evidence_at, s.last_evidence_at, '', '', ''
            FROM {standing} s CROSS JOIN n WHERE s.school_id = %s
            LIMIT %s
            """,  # noqa: S608 - table names from the models, values parameterised
            [copies, school.pk, JUDGEMENTS],
        )
    print(
        f"  {Judgement.objects.filter(school=school).count():,} judgements in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )


def measure_dashboard(school: School, repeat: int = 5) -> None:
    """The leader's dashboard through the real view (Django's test client, session and access
    checks included): wall-clock and CPU time, and its query count."""
    user, _ = User.objects.get_or_create(username="bench-leader")
    Membership.objects.get_or_create(user=user, school=school, role=Role.LEADER)
    client = Client()
    client.force_login(user)
    url = reverse("leader_dashboard", kwargs={"urn": school.urn})
    refresh, refresh_cpu = [], []
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        summary_refresh(school_id=school.pk)
        refresh.append(time.perf_counter() - started)
        refresh_cpu.append(time.process_time() - started_cpu)
    print(
        f"summary counted afresh (what a view finding it out of date waits for with the inline "
        f"task backend): median {statistics.median(refresh) * 1000:.0f} ms "
        f"(CPU {statistics.median(refresh_cpu) * 1000:.0f} ms) over 3 runs"
    )
    client.get(url)
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        if response.status_code != 200:
            raise SystemExit(f"dashboard answered {response.status_code}")
    reset_queries()  # the build's queries fill Django's capped query log otherwise
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    started = time.perf_counter()
    filtered = client.get(url, {"subject": "Mathematics", "year": "9"})
    drill = time.perf_counter() - started
    print(
        f"leader dashboard: median {statistics.median(times) * 1000:.0f} ms "
        f"(CPU {statistics.median(cpu) * 1000:.0f} ms) over {repeat} runs, "
        f"{len(queries)} queries; drill-down to maths, Year 9: {drill * 1000:.0f} ms "
        f"({filtered.status_code})"
    )
    print(
        f"  standings {Standing.objects.filter(school=school).count():,}, "
        f"judgements {Judgement.objects.filter(school=school).count():,}, "
        f"pupils {Pupil.objects.filter(school=school).count():,}"
    )


def measure_batch(school: School, size: int = 60) -> None:
    """A batch of PDF reports as the background task makes it (report_batch_run's renderer with
    its progress callback); run in a process of its own so its peak memory is its own. Peak
    memory is the process's maximum resident set (tracemalloc would slow the run severalfold)."""
    import weasyprint  # noqa: F401 - loaded before the baseline, as a worker has it loaded

    pupils = list(Pupil.objects.filter(school=school, year_group=9).order_by("pk")[:size])
    baseline = _memory_mib("VmRSS")
    marks: list[float] = []
    started, started_cpu = time.perf_counter(), time.process_time()
    pdf = render_reports_pdf(
        pupils=pupils,
        period="Autumn term 2026",
        progress=lambda n: marks.append(time.perf_counter() - started),
    )
    elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    peak = _memory_mib("VmHWM")
    print(
        f"batch of {len(pupils)} PDF reports: {elapsed:.1f} s wall, {cpu:.1f} s CPU "
        f"({cpu / len(pupils) * 1000:.0f} ms CPU a report), first report laid out after "
        f"{marks[0]:.1f} s, joining and writing {elapsed - marks[-1]:.1f} s; "
        f"{len(pdf) / 1024:.0f} KiB; peak RSS {peak:.0f} MiB ({peak - baseline:.0f} MiB above "
        f"the {baseline:.0f} MiB before the batch)"
    )


def _memory_mib(field: str) -> float:
    """The process's resident memory now (VmRSS) or at its peak (VmHWM), from Linux's
    /proc/self/status. Not getrusage's ru_maxrss: on Linux that carries over the memory of
    the process that started this one, which here is the dashboard run."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    if "--batch" in sys.argv:
        measure_batch(School.objects.get(urn=URN))
        return
    school = build()
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    measure_dashboard(school)
    connection.close()
    subprocess.run([sys.executable, __file__, "--batch"], check=True)  # noqa: S603 - this script
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
