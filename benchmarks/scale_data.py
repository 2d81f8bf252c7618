"""Scale data: a trust of 30 schools and 10,000,000 judgements, on PostgreSQL, for load runs.

    .venv/bin/python benchmarks/scale_data.py                 # builds (or finds) the data
    .venv/bin/python benchmarks/scale_data.py --reset         # drops the database first
    .venv/bin/python benchmarks/scale_data.py --judgements 1000000   # a smaller trust

The database is `nextsteps_scale` on 127.0.0.1:5432 (SCALE_DATABASE_URL to change it). Each
school has 600 pupils in 20 classes (Years 3 to 6), a mathematics framework of 60 objectives
a year, and 20 teachers (`scale-<urn>-<n>`, password `scale-password`) who each teach a class.
The small tables go through the product's own services; the judgements are written with COPY
(foreign-key triggers off, secondary indexes built afterwards) and the standings derived from
them in SQL by the framework's method ("latest"), then checked against the product's own
`standings_refresh` on a sample of cells.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/nextsteps_scale"
os.environ["DATABASE_URL"] = os.environ.get("SCALE_DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nextsteps.settings")
os.environ.setdefault("SIGN_IN_THROTTLE", "false")

import dj_database_url  # noqa: E402
import psycopg  # noqa: E402

SCHOOLS = 30
CLASSES = 20  # five a year, Years 3 to 6
PUPILS_PER_CLASS = 30
YEARS = (3, 4, 5, 6)
OBJECTIVES_PER_YEAR = 60
BASE_URN = 800000
TEACHER_PASSWORD = "scale-password"  # noqa: S105 - a benchmark account on a loopback database
TRUST_SLUG = "scale"
START = dt.datetime(2026, 9, 7, 8, 30, tzinfo=dt.UTC)
METHODS = ("observation", "conversation", "questioning", "task", "book_work")


def log(message: str, started: float) -> None:
    print(f"[{time.perf_counter() - started:7.1f} s] {message}", flush=True)


def ensure_database(url: str, reset: bool) -> None:
    params = dj_database_url.parse(url)
    name = params["NAME"]
    with psycopg.connect(
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reset:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def build_schools(started: float) -> None:
    """Schools, frameworks, teachers, classes and pupils, through the product's services."""
    from building import within
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from nextsteps.accounts.models import Membership, Role, User
    from nextsteps.curriculum.kernels.spec import FrameworkSpec, ObjectiveSpec, StrandSpec
    from nextsteps.curriculum.models import Framework
    from nextsteps.curriculum.services import DEFAULT_SCALE, framework_import
    from nextsteps.people.models import Pupil, Staff
    from nextsteps.people.upn import upn_make
    from nextsteps.schools.models import AcademicYear, School, Subject, Trust
    from nextsteps.teaching.models import Class, ClassStaff, Enrolment

    password = make_password(TEACHER_PASSWORD)
    trust, _ = Trust.objects.get_or_create(
        slug=TRUST_SLUG, defaults={"name": "Scale Learning Trust"}
    )
    spec = FrameworkSpec(
        name="Primary mathematics (scale)",
        subject="Mathematics",
        scale=DEFAULT_SCALE,
        calculation_method="latest",
        calculation_parameter=None,
        strands=tuple(
            StrandSpec(
                code=f"S{s}",
                name=f"Strand {s}",
                objectives=tuple(
                    ObjectiveSpec(
                        code=f"Y{y}-S{s}-{o:02d}",
                        wording=f"Year {y} objective {s}.{o}",
                        year_group=y,
                        key_stage="KS2",
                        core=o % 2 == 0,
                        dimension="knowledge",
                    )
                    for y in YEARS
                    for o in range(OBJECTIVES_PER_YEAR // 6)
                ),
            )
            for s in range(6)
        ),
    )
    for index in range(SCHOOLS):
        urn = BASE_URN + index
        if School.objects.filter(urn=urn).exists():
            continue
        with transaction.atomic():
            school = School.objects.create(
                trust=trust,
                urn=urn,
                name=f"Scale Primary {index + 1:02d}",
                phase="primary",
                la_code="851",
                estab=f"{4000 + index}",
            )
            year = AcademicYear.objects.create(
                school=school,
                name="2026/27",
                starts_on=dt.date(2026, 9, 1),
                ends_on=dt.date(2027, 8, 31),
            )
            within(framework_import)(school=school, spec=spec, by=None)
            Framework.objects.filter(school=school).update(
                calculation_method="latest", calculation_parameter=None
            )
            subject = Subject.objects.get(school=school, name="Mathematics")
            pupils = Pupil.objects.bulk_create(
                Pupil(
                    school=school,
                    upn=upn_make(la=851, estab=4000 + index, year=20 + y, serial=n),
                    legal_forename=f"Pupil{n:03d}",
                    legal_surname=f"Y{y}S{index:02d}",
                    date_of_birth=dt.date(2026 - 5 - y, 1 + n % 12, 1 + n % 28),
                    gender="FM"[n % 2],
                    year_group=y,
                    admission_date=dt.date(2026 - y - 1, 9, 1),
                    disadvantaged=n % 4 == 0,
                    sen_status="K" if n % 7 == 0 else "N",
                    eal=n % 5 == 0,
                )
                for y in YEARS
                for n in range(CLASSES // len(YEARS) * PUPILS_PER_CLASS)
            )
            users = User.objects.bulk_create(
                User(
                    username=f"scale-{urn}-{c:02d}",
                    password=password,
                    first_name="Teacher",
                    last_name=f"{c:02d}",
                )
                for c in range(CLASSES)
            )
            Membership.objects.bulk_create(
                Membership(user=u, school=school, role=Role.TEACHER) for u in users
            )
            staff = Staff.objects.bulk_create(
                Staff(
                    school=school,
                    user=u,
                    title="Ms",
                    forename="Teacher",
                    surname=f"{c:02d} of {urn}",
                )
                for c, u in enumerate(users)
            )
            by_year = {y: [p for p in pupils if p.year_group == y] for y in YEARS}
            per_year = CLASSES // len(YEARS)
            for c in range(CLASSES):
                y = YEARS[c // per_year]
                teaching_class = Class.objects.create(
                    school=school,
                    academic_year=year,
                    name=f"{y}{'ABCDE'[c % per_year]}",
                    year_group=y,
                )
                teaching_class.subjects.add(subject)
                ClassStaff.objects.create(
                    school=school, teaching_class=teaching_class, staff=staff[c]
                )
                members = by_year[y][
                    (c % per_year) * PUPILS_PER_CLASS : (c % per_year + 1) * PUPILS_PER_CLASS
                ]
                Enrolment.objects.bulk_create(
                    Enrolment(
                        school=school,
                        pupil=p,
                        teaching_class=teaching_class,
                        starts_on=dt.date(2026, 9, 1),
                    )
                    for p in members
                )
        log(f"school {index + 1}/{SCHOOLS} set up", started)


def secondary_indexes(cursor: psycopg.Cursor) -> list[tuple[str, str]]:
    rows = cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        LEFT JOIN pg_constraint c ON c.conname = i.indexname
        WHERE i.tablename = 'markbook_judgement' AND c.oid IS NULL
        """
    ).fetchall()
    return [(name, definition) for name, definition in rows]


def copy_judgements(total: int, started: float) -> None:
    """COPY the judgements: every pupil's objectives for their year, 9 or 10 events a cell."""
    from django.db import connection

    from nextsteps.curriculum.models import Objective, ScaleLevel
    from nextsteps.schools.models import School
    from nextsteps.teaching.models import ClassStaff, Enrolment

    schools = list(School.objects.filter(trust__slug=TRUST_SLUG).order_by("urn"))
    cells_per_school = CLASSES * PUPILS_PER_CLASS * OBJECTIVES_PER_YEAR
    per_school = [
        total // len(schools) + (1 if i < total % len(schools) else 0) for i in range(len(schools))
    ]
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor:
        indexes = secondary_indexes(cursor)
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        cursor.execute(
            "SET session_replication_role = replica"
        )  # our ids are consistent by construction
        written = 0
        for index, school in enumerate(schools):
            rng = random.Random(school.urn)
            objectives: dict[int, list[int]] = {}
            for objective_id, year in Objective.objects.filter(school=school).values_list(
                "pk", "year_group"
            ):
                objectives.setdefault(year, []).append(objective_id)
            levels = list(
                ScaleLevel.objects.filter(school=school, scale__kind="teacher")
                .order_by("position")
                .values_list("pk", "value")
            )
            teacher_of = dict(
                ClassStaff.objects.filter(school=school).values_list(
                    "teaching_class_id", "staff__user_id"
                )
            )
            enrolments = list(
                Enrolment.objects.filter(school=school).values_list(
                    "pupil_id", "teaching_class_id", "pupil__year_group"
                )
            )
            base, extra = divmod(per_school[index], cells_per_school)
            cell = 0
            with cursor.copy(
                "COPY markbook_judgement (school_id, pupil_id, objective_id, level_id, value, kind, source, "
                "method, recorded_by_id, teaching_class_id, shown_at, recorded_at, note, reason, "
                "idempotency_digest) FROM STDIN"
            ) as copy:
                buffer = io.StringIO()
                for pupil_id, class_id, year in enrolments:
                    teacher = teacher_of[class_id]
                    ability = rng.random()
                    for objective_id in objectives[year]:
                        events = base + (1 if cell < extra else 0)
                        cell += 1
                        for event in range(events):
                            step = min(
                                len(levels) - 1,
                                int(ability * len(levels) + event * 0.25 + rng.random()),
                            )
                            level_id, value = levels[step]
                            shown = START + dt.timedelta(
                                days=event * 21 + rng.randrange(14), minutes=rng.randrange(420)
                            )
                            buffer.write(
                                f"{school.pk}\t{pupil_id}\t{objective_id}\t{level_id}\t{value}\trecord\tteacher\t"
                                f"{METHODS[event % 5]}\t{teacher}\t{class_id}\t{shown.isoformat()}\t{shown.isoformat()}\t\t\t\n"
                            )
                            written += 1
                    if buffer.tell() > 4_000_000:
                        copy.write(buffer.getvalue())
                        buffer = io.StringIO()
                copy.write(buffer.getvalue())
            raw.commit()
            log(
                f"judgements for school {index + 1}/{len(schools)} copied ({written:,} so far)",
                started,
            )
        cursor.execute("SET session_replication_role = DEFAULT")
        for name, definition in indexes:
            cursor.execute(definition)
            raw.commit()
            log(f"index {name} built", started)


STANDINGS_SQL = """
INSERT INTO markbook_standing (school_id, pupil_id, objective_id, value, level_id, mastered,
                               evidence_count, last_evidence_at, last_recorded_by_id, updated_at)
SELECT j.school_id, j.pupil_id, j.objective_id, j.value, j.level_id, j.value >= sc.mastery_threshold,
       agg.n, agg.last_shown, j.recorded_by_id, now()
FROM (SELECT DISTINCT ON (pupil_id, objective_id) *
      FROM markbook_judgement WHERE school_id = %(school)s
      ORDER BY pupil_id, objective_id, shown_at DESC, recorded_at DESC, id DESC) j
JOIN (SELECT pupil_id, objective_id, count(*) AS n, max(shown_at) AS last_shown
      FROM markbook_judgement WHERE school_id = %(school)s GROUP BY pupil_id, objective_id) agg
  ON agg.pupil_id = j.pupil_id AND agg.objective_id = j.objective_id
JOIN curriculum_objective o ON o.id = j.objective_id
JOIN curriculum_framework f ON f.id = o.framework_id
JOIN curriculum_scale sc ON sc.id = f.scale_id
"""


def derive_standings(started: float) -> None:
    from django.db import connection

    from nextsteps.schools.models import School

    for index, school_id in enumerate(
        School.objects.filter(trust__slug=TRUST_SLUG).order_by("urn").values_list("pk", flat=True)
    ):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM markbook_standing WHERE school_id = %s", [school_id])
            cursor.execute(STANDINGS_SQL, {"school": school_id})
        if index % 10 == 9:
            log(f"standings for {index + 1} schools derived", started)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def check_sample(started: float, cells: int = 200) -> None:
    """The SQL-derived standings equal the product's own calculation on a random sample."""
    from django.db import transaction

    from nextsteps.markbook.models import Standing
    from nextsteps.markbook.services import standings_refresh

    rng = random.Random(7)
    top = Standing.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    sample = list(
        Standing.objects.filter(pk__in=[rng.randrange(1, top + 1) for _ in range(cells * 2)])[
            :cells
        ]
    )
    mismatched = []
    for standing in sample:
        with transaction.atomic():
            standings_refresh({(standing.pupil_id, standing.objective_id)})
            fresh = Standing.objects.get(pk=standing.pk)
            transaction.set_rollback(True)
        if (fresh.value, fresh.level_id, fresh.evidence_count, fresh.mastered) != (
            standing.value,
            standing.level_id,
            standing.evidence_count,
            standing.mastered,
        ):
            mismatched.append((standing.pk, standing.value, fresh.value))
    if mismatched:
        raise SystemExit(f"standings differ from the product's calculation: {mismatched[:5]}")
    log(f"{len(sample)} sampled standings match standings_refresh", started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reset", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--judgements", type=int, default=10_000_000)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    ensure_database(os.environ["DATABASE_URL"], args.reset)
    import django

    django.setup()
    from django.core.management import call_command

    from nextsteps.markbook.models import Judgement
    from nextsteps.schools.models import School

    call_command("migrate", verbosity=0)
    log("database migrated", started)
    build_schools(started)
    existing = Judgement.objects.filter(school__trust__slug=TRUST_SLUG).count()
    if existing >= args.judgements:
        log(f"{existing:,} judgements already here; nothing to copy", started)
    else:
        if existing:
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE markbook_standing, markbook_judgement CASCADE")
        copy_judgements(args.judgements, started)
        derive_standings(started)
    check_sample(started)
    schools = School.objects.filter(trust__slug=TRUST_SLUG).count()
    total = Judgement.objects.filter(school__trust__slug=TRUST_SLUG).count()
    log(f"ready: {schools} schools, {total:,} judgements", started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
