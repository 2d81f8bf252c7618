"""Demo data for the department pages: Kingsmead's current pupils' KS2 results (so the
prior attainment bands have pupils in them) and its maths department's figures by teacher."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from nextsteps.people.models import Pupil
from nextsteps.policy.services import department_settings_ensure, department_settings_update
from nextsteps.progress.models import Ks2Result
from nextsteps.progress.services import results_import
from nextsteps.schools.models import Department, School


def build_department_demo(*, secondary: School, today: dt.date) -> None:
    _ks2_results(secondary, today)
    maths = Department.objects.filter(school=secondary, name__icontains="math").first()
    if maths is not None:
        settings = department_settings_ensure(department=maths)
        if not settings.compare_teachers:
            department_settings_update(
                department=maths,
                by=None,
                guidance_subject=settings.guidance_subject,
                pupils_per_class=settings.pupils_per_class,
                compare_teachers=True,
            )


def _ks2_results(school: School, today: dt.date) -> None:
    """KS2 scaled scores for Years 7 to 9, drawn from the same per-pupil figure the demo sets
    maths by, so that the sets and the prior attainment bands agree as they would in a school."""
    start = today.year if today.month >= 9 else today.year - 1
    pupils = list(
        Pupil.objects.filter(school=school, year_group__in=(7, 8, 9), leaving_date__isnull=True)
        .exclude(pk__in=Ks2Result.objects.filter(school=school).values("pupil_id"))
        .order_by("upn")
    )
    if not pupils:
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["upn", "ks2_year", "ks2_reading", "ks2_maths", "ks2_writing"])
    for pupil in pupils:
        ability = random.Random("ks2" + pupil.upn).gauss(0, 1)  # noqa: S311 - demo data
        noise = random.Random("ks2-scores" + pupil.upn)  # noqa: S311
        reading = round(max(80, min(120, 104 + 6 * ability + noise.gauss(0, 3))))
        maths = round(max(80, min(120, 104 + 6.5 * ability + noise.gauss(0, 3))))
        writing = "GDS" if ability > 1 else ("EXS" if ability > -0.8 else "WTS")
        writer.writerow([pupil.upn, start - (pupil.year_group - 7), reading, maths, writing])
    results_import(
        school=school,
        name="year7-9-ks2-results.csv",
        content=buffer.getvalue().encode("utf-8"),
        by=None,
    )
