"""Markbook benchmark: a large trust's evidence, then the markbook page and saving a cell.

    .venv/bin/python benchmarks/markbook_bench.py                       # SQLite (var/bench/)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nextsteps_bench \
        .venv/bin/python benchmarks/markbook_bench.py                   # PostgreSQL
    DATABASE_URL=... .venv/bin/python benchmarks/markbook_bench.py --demo   # a keystroke: demo
    DATABASE_URL=... .venv/bin/python benchmarks/markbook_bench.py --scale  # and scale trust
    .venv/bin/python benchmarks/markbook_bench.py --no-build --split --repeat 150
                                                    # where the page's other time goes

The first run builds the data (about 1,000,000 judgements and their standings) and keeps
it; later runs measure straight away. Reports the median server time of the markbook page
for 32 pupils x 60 objectives, its query count (and that it is the same for a smaller grid),
the ratio to the raw SQL that fetches the same cells, and the median time to save one cell
and get it back.
"""

from __future__ import annotations

import argparse
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
os.environ.setdefault("DEBUG", "false")  # measured as served: no query log, no template debug
if "DATABASE_URL" not in os.environ:
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench' / 'markbook.sqlite3'}"

import django  # noqa: E402

django.setup()

from building import within  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

import nextsteps.wsgi  # noqa: E402, F401 - the application as the server loads it (and freezes)
from nextsteps.accounts.models import Membership, Role, User  # noqa: E402
from nextsteps.curriculum.kernels.spec import FrameworkSpec, ObjectiveSpec, StrandSpec  # noqa: E402
from nextsteps.curriculum.models import Framework  # noqa: E402
from nextsteps.curriculum.services import DEFAULT_SCALE, framework_import  # noqa: E402
from nextsteps.markbook.kernels import mastery  # noqa: E402
from nextsteps.markbook.models import Judgement, JudgementSource, Standing  # noqa: E402
from nextsteps.people.models import Pupil, Staff  # noqa: E402
from nextsteps.people.upn import upn_make  # noqa: E402
from nextsteps.schools.models import AcademicYear, School, Subject, Trust  # noqa: E402
from nextsteps.teaching.models import Class, ClassStaff, Enrolment  # noqa: E402

SCHOOLS, CLASSES, PUPILS_PER_CLASS, OBJECTIVES, EVENTS = 9, 20, 32, 60, 3
BASE_URN = 700000
SCALE_URN = 800000  # the scale trust's first school (benchmarks/scale_data.py)


def build() -> None:
    """A trust of nine schools: 640 pupils each, 60 objectives, three judgements a cell."""
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    trust, _ = Trust.objects.get_or_create(slug="bench", defaults={"name": "Benchmark Trust"})
    for index in range(SCHOOLS):
        if School.objects.filter(urn=BASE_URN + index).exists():
            continue  # built by an earlier run: each school is built in one transaction
        with transaction.atomic():
            build_school(trust, index)
        print(
            f"  school {index + 1}/{SCHOOLS} built ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )


def build_school(trust: Trust, index: int) -> None:
    rng = random.Random(index)
    school = School.objects.create(
        trust=trust,
        urn=BASE_URN + index,
        name=f"Bench School {index}",
        phase="primary",
        la_code="850",
        estab=f"{3000 + index}",
    )
    year = AcademicYear.objects.create(
        school=school, name="2026/27", starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2027, 8, 31)
    )
    spec = FrameworkSpec(
        name="Bench maths",
        subject="Mathematics",
        scale=DEFAULT_SCALE,
        strands=tuple(
            StrandSpec(
                code=f"S{s}",
                name=f"Strand {s}",
                objectives=tuple(
                    ObjectiveSpec(
                        code=f"Y5-{s}-{o:02d}",
                        wording=f"Objective {s}.{o}",
                        year_group=5,
                        key_stage="KS2",
                        core=o % 2 == 0,
                        dimension="knowledge",
                    )
                    for o in range(OBJECTIVES // 6)
                ),
            )
            for s in range(6)
        ),
    )
    framework = within(framework_import)(school=school, spec=spec, by=None)
    subject = Subject.objects.get(school=school, name="Mathematics")
    objectives = list(framework.objectives.order_by("position"))
    levels = list(framework.scale.levels.order_by("position"))
    user = User.objects.create(username=f"bench-teacher-{index}")
    Membership.objects.create(user=user, school=school, role=Role.TEACHER)
    staff = Staff.objects.create(
        school=school, user=user, forename="Bench", surname=f"Teacher{index}"
    )
    pupils = Pupil.objects.bulk_create(
        Pupil(
            school=school,
            upn=upn_make(la=850, estab=3000 + index, year=22, serial=n),
            legal_forename=f"Pupil{n}",
            legal_surname=f"School{index}",
            date_of_birth=dt.date(2016, 1, 1),
            gender="F",
            year_group=5,
            admission_date=dt.date(2021, 9, 1),
        )
        for n in range(CLASSES * PUPILS_PER_CLASS)
    )
    for c in range(CLASSES):
        teaching_class = Class.objects.create(
            school=school, academic_year=year, name=f"5-{c}", year_group=5
        )
        teaching_class.subjects.add(subject)
        ClassStaff.objects.create(school=school, teaching_class=teaching_class, staff=staff)
        Enrolment.objects.bulk_create(
            Enrolment(
                school=school, pupil=p, teaching_class=teaching_class, starts_on=dt.date(2026, 9, 1)
            )
            for p in pupils[c * PUPILS_PER_CLASS : (c + 1) * PUPILS_PER_CLASS]
        )
    judgements, standings = [], []
    start = dt.datetime(2026, 9, 8, 9, tzinfo=dt.UTC)
    for pupil in pupils:
        for objective in objectives:
            events = []
            for e in range(EVENTS):
                level = levels[min(3, max(0, rng.randrange(4)))]
                when = start + dt.timedelta(days=7 * e + rng.randrange(5))
                events.append(
                    mastery.Evidence(value=level.value, shown_at=when, recorded_at=when, sequence=e)
                )
                judgements.append(
                    Judgement(
                        school=school,
                        pupil=pupil,
                        objective=objective,
                        level=level,
                        value=level.value,
                        source=JudgementSource.TEACHER,
                        method="observation",
                        recorded_by=user,
                        shown_at=when,
                        recorded_at=when,
                    )
                )
            result = mastery.standing(
                events, method="decaying_average", parameter=65, mastery_threshold=Decimal(3)
            )
            level = max(
                (lv for lv in levels if lv.value <= (result.value or 0)),
                key=lambda lv: lv.value,
                default=levels[0],
            )
            standings.append(
                Standing(
                    school=school,
                    pupil=pupil,
                    objective=objective,
                    value=result.value,
                    level=level,
                    mastered=result.mastered,
                    evidence_count=result.count,
                    last_evidence_at=events[-1].shown_at,
                    last_recorded_by=user,
                )
            )
    Judgement.objects.bulk_create(judgements, batch_size=5000)
    Standing.objects.bulk_create(standings, batch_size=5000)


CPU: dict[str, float] = {}  # the median CPU time of the last measurement


def median_ms(action, repeat: int) -> float:  # type: ignore[no-untyped-def]
    """The median wall-clock time of an action; its median CPU time goes in CPU["last"]
    (the process's own time: what the request costs, less the waiting for a shared core)."""
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        action()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    CPU["last"] = statistics.median(cpu)
    return statistics.median(times)


def timed(action) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """One action's wall-clock and CPU time in milliseconds."""
    started, started_cpu = time.perf_counter(), time.process_time()
    action()
    return (time.perf_counter() - started) * 1000, (time.process_time() - started_cpu) * 1000


def medians(times: list[tuple[float, float]]) -> tuple[float, float]:
    """The median wall-clock and CPU time of timed actions."""
    wall, cpu = (statistics.median(column) for column in zip(*times, strict=True))
    return wall, cpu


def counter(log: list[str]):  # type: ignore[no-untyped-def]
    """A database execute wrapper that notes every statement a request runs."""

    def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        log.append(sql)
        return execute(sql, params, many, context)

    return wrapper


RAW_SQL = """
SELECT s.pupil_id, s.objective_id, s.value, s.level_id, s.mastered, s.evidence_count
FROM markbook_standing s
JOIN teaching_enrolment e ON e.pupil_id = s.pupil_id
JOIN curriculum_objective o ON o.id = s.objective_id
WHERE e.teaching_class_id = %s AND o.framework_id = %s AND o.year_group = 5
"""


def raw_sql_for(objective_ids: list[int]) -> str:
    """The raw SQL for some of the grid's columns (one strand's), by their ids."""
    return f"{RAW_SQL.rstrip()} AND s.objective_id IN ({', '.join(['%s'] * len(objective_ids))})"


def measure(repeat: int) -> None:
    school = School.objects.get(urn=BASE_URN)
    teaching_class = Class.objects.filter(school=school).order_by("pk").first()
    assert teaching_class is not None
    framework = Framework.objects.get(school=school)
    client = Client()
    client.force_login(User.objects.get(username="bench-teacher-0"))
    url = reverse("markbook", kwargs={"urn": school.urn, "class_id": teaching_class.pk})
    full = f"{url}?framework={framework.pk}&year=5"
    strand = framework.strands.order_by("position").first()
    assert strand is not None
    small = f"{full}&strand={strand.pk}"
    assert client.get(full).status_code == 200
    big_queries: list[str] = []
    small_queries: list[str] = []
    with connection.execute_wrapper(counter(big_queries)):
        response = client.get(full)
    with connection.execute_wrapper(counter(small_queries)):
        assert client.get(small).status_code == 200
    assert response.status_code == 200
    from nextsteps.markbook.selectors import markbook

    book = markbook(teaching_class=teaching_class, framework=framework, year=5)
    cells = len(book.rows) * len(book.objectives)

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL, [teaching_class.pk, framework.pk])
            cursor.fetchall()

    strand_ids = list(strand.objectives.values_list("pk", flat=True))
    strand_sql = raw_sql_for(strand_ids)

    def raw_strand() -> None:
        with connection.cursor() as cursor:
            cursor.execute(strand_sql, [teaching_class.pk, framework.pk, *strand_ids])
            cursor.fetchall()

    # The pages and the raw SQL in turn, so that a change in the machine's speed during the
    # run (a shared virtual machine's cores) weighs on all alike.
    page_times: list[tuple[float, float]] = []
    raw_times: list[tuple[float, float]] = []
    small_times: list[tuple[float, float]] = []
    raw_small_times: list[tuple[float, float]] = []
    for _ in range(repeat):
        page_times.append(timed(lambda: client.get(full)))
        raw_times.append(timed(raw))
        small_times.append(timed(lambda: client.get(small)))
        raw_small_times.append(timed(raw_strand))
    page, page_cpu = medians(page_times)
    raw_ms, raw_cpu = medians(raw_times)
    small_ms, _ = medians(small_times)
    raw_small_ms, _ = medians(raw_small_times)
    save, save_queries = keystroke(client, cell_urls(school, teaching_class, book), repeat)
    print(
        f"database: {connection.vendor}; judgements: {Judgement.objects.count():,}; standings: {Standing.objects.count():,}"
    )
    print(
        f"markbook grid: {len(book.rows)} pupils x {len(book.objectives)} objectives = {cells:,} cells"
    )
    print(
        f"queries: {len(big_queries)} for the full grid, {len(small_queries)} for a 32 x 10 grid (one strand)"
    )
    print(f"markbook page median: {page:.1f} ms (CPU {page_cpu:.1f} ms) over {repeat} requests")
    print(f"markbook page size: {len(response.content):,} bytes")
    print(
        f"raw SQL for the same cells median: {raw_ms:.2f} ms (CPU {raw_cpu:.2f} ms); page / raw "
        f"SQL = {page / raw_ms:.1f}x wall-clock, {page_cpu / raw_cpu:.1f}x CPU"
    )
    # What each further cell costs: the full grid less one strand's, the page's and the raw
    # SQL's. The rest of the page (signing the request in, the page around the grid, its other
    # queries) is the same for any grid.
    more = cells - len(book.rows) * len(strand_ids)
    page_more, raw_more = page - small_ms, raw_ms - raw_small_ms
    print(
        f"one strand ({len(book.rows)} x {len(strand_ids)}): page {small_ms:.1f} ms, raw SQL "
        f"{raw_small_ms:.2f} ms; the {more:,} cells more cost the page {page_more:.1f} ms and "
        f"the raw SQL {raw_more:.2f} ms"
        + (f" = {page_more / raw_more:.1f}x" if raw_more > 0 else "")
        + f"; the page's cost for any grid: {page - page_more * cells / more:.1f} ms"
    )
    print(
        f"record a judgement (the markbook's own request), median: {save:.1f} ms (CPU "
        f"{CPU['last']:.1f} ms) over {repeat} requests, {save_queries} queries"
    )


def least_requests(framework: Framework) -> tuple[str, str]:
    """The names of two requests served through the product's whole request handling (its
    middleware, the session, the person signed in), added to the URLs for the measurement:
    one that does nothing, and one that does only what no markbook page can do without, the
    class's access check and the grid's standings rows (the page's own prepared query)."""
    from django.http import HttpRequest, HttpResponse
    from django.urls import clear_url_caches, path
    from django.utils import timezone

    from nextsteps import access, urls
    from nextsteps.markbook import permissions, selectors

    @access.signed_in
    def nothing(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
        return HttpResponse(str(request.user.pk))

    @access.signed_in
    def grid_rows(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
        _school, teaching_class = permissions.get_class(request.user, urn, class_id)
        rows = selectors.GRID_ROWS(
            (False, True),
            class_id=teaching_class.pk,
            on=timezone.localdate(),
            framework_id=framework.pk,
            strand_id=0,
            year=5,
        )
        return HttpResponse(str(len(rows)))

    urls.urlpatterns += [
        path("bench/<int:urn>/<int:class_id>/nothing", nothing, name="bench_nothing"),
        path("bench/<int:urn>/<int:class_id>/grid-rows", grid_rows, name="bench_grid_rows"),
    ]
    clear_url_caches()
    return "bench_nothing", "bench_grid_rows"


def round_trip_ms(repeat: int, busy_ms: float) -> float:
    """The median time of one trivial statement (a school by its key), each after `busy_ms` of
    Python work, as a page's statements come between its Python work: a database process left
    idle takes longer to answer on a virtual machine's cores."""
    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            end = time.perf_counter() + busy_ms / 1000
            while time.perf_counter() < end:
                pass
            started = time.perf_counter()
            cursor.execute("SELECT id FROM schools_school WHERE urn = %s", [BASE_URN])
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


LEAST = "a signed-in request with the class's access check and the grid's query, nothing else"


def measure_split(repeat: int) -> None:
    """Where the page's time goes that is not the grid's: the page, the raw SQL, the same
    request without its template, a signed-in page with the layout and little else, the layout
    alone, a signed-in request with no template, and the least any markbook page must do
    (`least_requests`), each in turn, `repeat` times."""
    from django.http import HttpResponse
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from nextsteps.markbook import views

    school = School.objects.get(urn=BASE_URN)
    teaching_class = Class.objects.filter(school=school).order_by("pk").first()
    assert teaching_class is not None
    framework = Framework.objects.get(school=school)
    teacher = User.objects.get(username="bench-teacher-0")
    client = Client()
    client.force_login(teacher)
    kwargs = {"urn": school.urn, "class_id": teaching_class.pk}
    page = f"{reverse('markbook', kwargs=kwargs)}?framework={framework.pk}&year=5"
    poll = f"{reverse('markbook_changes', kwargs=kwargs)}?since=2100-01-01T00:00:00Z"
    privacy = reverse("privacy_notice")
    render_with_parts = views.render_with_parts
    nothing, grid_rows = least_requests(framework)

    def data_only(request, template, context, parts):  # type: ignore[no-untyped-def]
        return HttpResponse(parts["grid_head"] + parts["grid_data"])

    def without_template() -> None:
        views.render_with_parts = data_only  # type: ignore[assignment]
        try:
            client.get(page)
        finally:
            views.render_with_parts = render_with_parts

    def layout() -> None:
        request = RequestFactory().get(page)
        request.user = teacher
        request.session = client.session
        request._messages = []  # type: ignore[attr-defined]
        render_to_string("web/base.html", {}, request)

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL, [teaching_class.pk, framework.pk])
            cursor.fetchall()

    actions = {
        "the whole page": lambda: client.get(page),
        "the raw SQL for the same cells": raw,
        "the same request without its template": without_template,
        "a signed-in page with the layout and little else (the privacy notice)": lambda: client.get(
            privacy
        ),
        "the layout (web/base.html) alone, with its navigation": layout,
        "a signed-in request with no template (the markbook's changes poll)": lambda: client.get(
            poll
        ),
        "a signed-in request that does nothing": lambda: client.get(
            reverse(nothing, kwargs=kwargs)
        ),
        LEAST: lambda: client.get(reverse(grid_rows, kwargs=kwargs)),
    }
    for action in actions.values():  # warm: sessions, caches, prepared statements
        for _ in range(10):
            action()
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeat):
        for name, action in actions.items():
            times[name].append(timed(action)[0])
    raw_ms = statistics.median(times["the raw SQL for the same cells"])
    print(f"database: {connection.vendor}; medians of {repeat}, each in turn:")
    for name, found in times.items():
        ms = statistics.median(found)
        print(f"  {name}: {ms:.2f} ms ({ms / raw_ms:.2f}x the raw SQL)")
    least = statistics.median(times[LEAST])
    print(
        f"within 3x the raw SQL, a page has {3 * raw_ms:.2f} ms; the least it must do takes "
        f"{least:.2f} ms, leaving {3 * raw_ms - least:.2f} ms for everything else (the whole page "
        f"takes {statistics.median(times['the whole page']) - least:.2f} ms more than the least)"
    )
    print(
        "one trivial statement: "
        + ", ".join(
            f"{round_trip_ms(max(repeat, 100), busy):.3f} ms after {busy} ms of Python work"
            for busy in (0, 1, 2)
        )
    )


def cell_urls(school: School, teaching_class: Class, book) -> list[str]:  # type: ignore[no-untyped-def]
    """Each cell of the grid, pupil by pupil: a teacher's presses move from cell to cell."""
    return [
        reverse(
            "markbook_cell",
            kwargs={
                "urn": school.urn,
                "class_id": teaching_class.pk,
                "pupil_id": row.pupil.pk,
                "objective_id": objective.pk,
            },
        )
        for objective in book.objectives
        for row in book.rows
    ]


def keystroke(client: Client, cells: list[str], repeat: int) -> tuple[float, int]:
    """The markbook's own write: an htmx POST with a fresh idempotency key, answered with the
    cell, each press on the next cell down the grid (one cell pressed again and again would
    gather a history no real cell has). Median server time, and the statements one such
    request runs."""
    presses = iter(range(10**6))

    def press() -> None:
        n = next(presses)
        response = client.post(
            cells[n % len(cells)],
            {"position": n % 4 + 1, "idempotency_key": f"bench-{time.time_ns()}-{n}"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200, response.status_code

    press()
    log: list[str] = []
    with connection.execute_wrapper(counter(log)):
        press()
    return median_ms(press, repeat), len(log)


def measure_demo(repeat: int) -> None:
    """The same write on the demo school (4 Oak, in Mathematics), to compare."""
    school = School.objects.get(urn=990101)
    framework = Framework.objects.filter(school=school, subject__name="Mathematics").first()
    assert framework is not None
    measure_write(
        "demo",
        Class.objects.get(school=school, name="4 Oak"),
        User.objects.get(username="teacher"),
        framework,
        repeat,
    )


def measure_scale(repeat: int) -> None:
    """The same write on the scale trust's first school (`benchmarks/scale_data.py`: 30
    schools, 10,000,000 judgements), its first teacher's class, to compare with the demo."""
    school = School.objects.filter(urn=SCALE_URN).first()
    assert school is not None, "no scale data: run benchmarks/scale_data.py first"
    first = ClassStaff.objects.filter(school=school).select_related("staff__user").first()
    framework = Framework.objects.filter(school=school).order_by("pk").first()
    assert first is not None and first.staff.user is not None and framework is not None
    measure_write("scale trust", first.teaching_class, first.staff.user, framework, repeat)


def measure_write(
    where: str, teaching_class: Class, teacher: User, framework: Framework, repeat: int
) -> None:
    """A teacher's presses down their class's grid: the median server time and statements."""
    from nextsteps.markbook.selectors import markbook

    client = Client()
    client.force_login(teacher)
    book = markbook(
        teaching_class=teaching_class, framework=framework, year=teaching_class.year_group
    )
    urls = cell_urls(teaching_class.school, teaching_class, book)
    save, queries = keystroke(client, urls, repeat)
    print(
        f"database: {connection.vendor} ({where}); judgements: {Judgement.objects.count():,}; "
        f"record a judgement, median: {save:.1f} ms (CPU {CPU['last']:.1f} ms) over {repeat} "
        f"requests, {queries} queries"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--no-build", action="store_true", help="measure the schools built so far")
    parser.add_argument(
        "--demo", action="store_true", help="measure the write on a demo database instead"
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help="measure the write on the scale trust (benchmarks/scale_data.py) instead",
    )
    parser.add_argument(
        "--split",
        action="store_true",
        help="measure where the page's time goes besides the grid (with --no-build)",
    )
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    if args.demo:
        measure_demo(args.repeat)
    elif args.scale:
        measure_scale(args.repeat)
    elif args.split:
        measure_split(args.repeat)
    else:
        if not args.no_build:
            build()
        measure(args.repeat)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
