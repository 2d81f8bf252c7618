"""Tests benchmark: question-level analysis of a year group, and a 10,000-row marks upload.

    .venv/bin/python benchmarks/assessments_bench.py                     # SQLite (var/bench/)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nextsteps_bench_assessments \
        .venv/bin/python benchmarks/assessments_bench.py                 # PostgreSQL

The first run builds a school with a year group of 240 pupils (8 classes of 30) sitting a
40-question test, every cell marked, and a second test sat by 250 pupils (10 classes of 25)
for the upload; later runs reuse them. Reports:

1. the analysis (`selectors.analysis`) of the whole year group: its query count, the same
   count for 20 pupils × 5 questions, and the median and 95th percentile time of --runs runs;
   the analysis page as a whole (server time, through the test client) and its query count;
2. uploading a 10,000-row marks file (a row per mark: UPN, question, mark; 250 pupils × 40
   questions) as CSV and as XLSX, through the same code the upload page runs (read, check
   every cell, save in one transaction): the median time of --upload-runs runs, each changing
   every mark, and the peak traced memory (tracemalloc, in a separate run).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nextsteps.settings")
os.environ.setdefault("SIGN_IN_THROTTLE", "false")
if "DATABASE_URL" not in os.environ:
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench' / 'assessments.sqlite3'}"

import django  # noqa: E402

django.setup()

from building import within  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from tests.assessments.cohort import build_year_group  # noqa: E402

from nextsteps.accounts.models import Membership, Role, User  # noqa: E402
from nextsteps.assessments import selectors, services  # noqa: E402
from nextsteps.assessments.kernels.marksfile import parse_marks  # noqa: E402
from nextsteps.assessments.models import Assessment, Mark  # noqa: E402
from nextsteps.curriculum.kernels.spec import FrameworkSpec, ObjectiveSpec, StrandSpec  # noqa: E402
from nextsteps.curriculum.services import DEFAULT_SCALE, framework_import  # noqa: E402
from nextsteps.people.models import Staff  # noqa: E402
from nextsteps.schools.models import School, Trust  # noqa: E402
from nextsteps.teaching.models import ClassStaff  # noqa: E402

URN = 710000
MB = 1024 * 1024


def build() -> School:
    """The bench school, its objectives, the year group's test and the upload test."""
    call_command("migrate", verbosity=0)
    school = School.objects.filter(urn=URN).first()
    if school is not None:
        return school
    with transaction.atomic():
        trust = Trust.objects.create(name="Assessments bench", slug="assessments-bench")
        school = School.objects.create(
            trust=trust,
            urn=URN,
            name="Bench Academy",
            phase="secondary",
            la_code="850",
            estab="4500",
        )
        spec = FrameworkSpec(
            name="Bench maths",
            subject="Mathematics",
            scale=DEFAULT_SCALE,
            strands=(
                StrandSpec(
                    code="S",
                    name="Number",
                    objectives=tuple(
                        ObjectiveSpec(
                            code=f"Y7-N-{o:02d}",
                            wording=f"Objective {o}",
                            year_group=7,
                            key_stage="KS3",
                            core=True,
                            dimension="knowledge",
                        )
                        for o in range(10)
                    ),
                ),
            ),
        )
        within(framework_import)(school=school, spec=spec, by=None)
        build_year_group(school, label="Year", classes=8, per_class=30, questions=40, estab=4501)
        build_year_group(school, label="Small", classes=2, per_class=10, questions=5, estab=4502)
        upload = build_year_group(
            school, label="Upload", classes=10, per_class=25, questions=40, estab=4503
        )
        user = User.objects.create(username="bench-assessments-teacher")
        Membership.objects.create(user=user, school=school, role=Role.TEACHER)
        staff = Staff.objects.create(school=school, user=user, forename="Bench", surname="Teacher")
        ClassStaff.objects.bulk_create(
            ClassStaff(school=school, teaching_class=c, staff=staff) for c in upload.classes
        )
        leader = User.objects.create(username="bench-assessments-leader")
        Membership.objects.create(user=leader, school=school, role=Role.LEADER)
    return school


def timed(call: Callable[[], Any], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def queries(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def analysis_figures(school: School, runs: int) -> None:
    year = Assessment.objects.get(school=school, name="Year test")
    small = Assessment.objects.get(school=school, name="Small test")
    classes = selectors.assessment_classes(year)
    small_classes = selectors.assessment_classes(small)
    pupils = len(selectors.cohort(year, classes))
    question_count = year.questions.count()
    selectors.analysis(year, classes)  # warm up
    big = queries(lambda: selectors.analysis(year, classes))
    little = queries(lambda: selectors.analysis(small, small_classes))
    times = timed(lambda: selectors.analysis(year, classes), runs)
    print(
        f"\n1. Question-level analysis: {pupils} pupils x {question_count} questions "
        f"({pupils * question_count:,} marks), {runs} runs"
    )
    print(f"   queries: {big} (20 pupils x 5 questions: {little})")
    print(
        f"   median {ms(statistics.median(times))}, "
        f"p95 {ms(sorted(times)[int(0.95 * (runs - 1))])}, best {ms(min(times))}"
    )
    client = Client()
    client.force_login(User.objects.get(username="bench-assessments-leader"))
    url = f"/school/{school.urn}/assessments/{year.pk}/analysis/"
    small_url = f"/school/{school.urn}/assessments/{small.pk}/analysis/"
    if client.get(url).status_code != 200:
        raise SystemExit(f"{url} did not answer 200")
    page_queries = queries(lambda: client.get(url))
    small_page_queries = queries(lambda: client.get(small_url))
    page_times = timed(lambda: client.get(url), max(runs // 2, 5))
    print(
        f"   the page: median {ms(statistics.median(page_times))} server time, "
        f"{page_queries} queries (20 x 5: {small_page_queries})"
    )


def marks_file(assessment: Assessment, flip: int, xlsx: bool) -> bytes:
    """A row per mark for every pupil and question; `flip` moves every mark so all change."""
    pupils = selectors.cohort(assessment, selectors.assessment_classes(assessment))
    questions = list(assessment.questions.order_by("position"))
    rows = [["UPN", "Question", "Mark"]]
    for p_index, pupil in enumerate(pupils):
        for q_index, question in enumerate(questions):
            rows.append(
                [
                    pupil.upn,
                    question.label,
                    str((p_index + q_index + flip) % (question.max_marks + 1)),
                ]
            )
    if xlsx:
        book = Workbook()
        sheet = book.active
        assert sheet is not None  # noqa: S101 - a new workbook has a sheet
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode()


def upload(assessment: Assessment, data: bytes, user: User) -> int:
    """What the upload page does with a file (views.import_marks), without the HTTP layer."""
    questions = {q.label: q for q in assessment.questions.all()}
    pupils = {
        p.upn.upper(): p.pk
        for p in selectors.cohort(assessment, selectors.assessment_classes(assessment))
    }
    cells = parse_marks(
        data, questions={k: q.max_marks for k, q in questions.items()}, pupils=pupils
    )
    changes = [services.MarkChange(c.pupil, questions[c.question], c.marks) for c in cells]
    return services.marks_save(
        assessment=assessment, changes=changes, by=user, action="marks.upload"
    )


def upload_figures(school: School, runs: int) -> None:
    assessment = Assessment.objects.get(school=school, name="Upload test")
    user = User.objects.get(username="bench-assessments-teacher")
    print("\n2. Uploading a 10,000-row marks file (UPN, Question, Mark)")
    flip = Mark.objects.filter(assessment=assessment).count()
    for label, xlsx in (("CSV", False), ("XLSX", True)):
        files = [marks_file(assessment, flip + n, xlsx) for n in range(runs + 1)]
        rows = len(files[0].decode().splitlines()) - 1 if not xlsx else 10_000
        times, changed = [], []
        for data in files[:runs]:
            started = time.perf_counter()
            changed.append(upload(assessment, data, user))
            times.append(time.perf_counter() - started)
        tracemalloc.start()
        upload(assessment, files[runs], user)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        again = files[runs]
        same = timed(lambda again=again: upload(assessment, again, user), runs)
        flip += runs + 1
        print(
            f"   {label} ({len(files[0]) / 1024:.0f} KB, {rows:,} rows): median "
            f"{statistics.median(times):.2f} s over {runs} runs "
            f"(each changing {statistics.median(changed):,.0f} marks), "
            f"peak traced memory {peak / MB:.1f} MB; the same file again, nothing to "
            f"change: {statistics.median(same):.2f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=25, help="analysis runs (default 25)")
    parser.add_argument(
        "--upload-runs", type=int, default=3, help="upload runs per format (default 3)"
    )
    args = parser.parse_args()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"nextsteps assessments benchmark · {engine} · Python {platform.python_version()} "
        f"· {platform.machine()}"
    )
    started = time.perf_counter()
    school = build()
    print(f"data ready in {time.perf_counter() - started:.1f} s")
    analysis_figures(school, args.runs)
    upload_figures(school, args.upload_runs)


if __name__ == "__main__":
    main()
