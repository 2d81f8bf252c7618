"""Demo attendance for both demo schools: most pupils in the mid-nineties, a few persistently
absent, so profiles, the leader's breakdowns and reports show attendance as context."""

from __future__ import annotations

import datetime as dt
import random

from nextsteps.people.models import AttendanceSource, Pupil
from nextsteps.people.services import attendance_import_write
from nextsteps.schools.models import School


def _sessions_so_far(today: dt.date, start: int) -> int:
    """Two sessions a school day from 1 September, weekends out (holidays ignored)."""
    first = dt.date(start, 9, 1)
    days = sum(
        1 for n in range(max(0, (today - first).days)) if (first + dt.timedelta(n)).weekday() < 5
    )
    return max(2, 2 * days)


def build_demo_data(*, primary: School, secondary: School, today: dt.date) -> None:
    start = today.year if today.month >= 9 else today.year - 1
    possible = _sessions_so_far(today, start)
    for school in (primary, secondary):
        generator = random.Random(school.urn * 7 + start)  # noqa: S311 - demo data
        rows = []
        for pupil_id in (
            Pupil.objects.filter(school=school, leaving_date__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        ):
            # One pupil in eight misses more than a tenth of sessions.
            missed_share = (
                generator.uniform(0.11, 0.25)
                if generator.random() < 0.125
                else generator.uniform(0, 0.08)
            )
            rows.append(
                {
                    "pupil_id": pupil_id,
                    "year_starting": start,
                    "possible_sessions": possible,
                    "attended_sessions": possible - round(possible * missed_share),
                    "as_of": today,
                    "source": AttendanceSource.DEMO,
                }
            )
        attendance_import_write(school=school, rows=rows)
