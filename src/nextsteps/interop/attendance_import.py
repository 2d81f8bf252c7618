"""Import pupils' attendance this year from a CSV file (when the school has no Wonde sync).

Columns, in any order, headers in any case: `UPN`, `Possible sessions`, `Attended sessions`,
and optionally `Academic year` (2026/27; the current year when absent). The figures are the
year so far, as the MIS's attendance report gives them. All or nothing: every problem is named
by file, line and column first, and a file with any writes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from nextsteps.accounts.models import Actor, acting_user
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.filereading import Unreadable, lines
from nextsteps.interop.models import ImportRun
from nextsteps.people.kernels.problems import ImportProblems, Problem, ProblemList
from nextsteps.people.models import AttendanceSource, Pupil
from nextsteps.people.services import attendance_import_write
from nextsteps.people.upn import UpnError, upn_clean
from nextsteps.schools.models import School

COLUMNS = {
    "upn": "UPN",
    "possible sessions": "Possible sessions",
    "attended sessions": "Attended sessions",
    "academic year": "Academic year",
}
REQUIRED = ("upn", "possible sessions", "attended sessions")
YEAR = re.compile(r"^(\d{4})/(\d{2})$")


@dataclass
class AttendanceSummary:
    school: str
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def lines(self) -> list[str]:
        head = gettext("Dry run: nothing was written. ") if self.dry_run else ""
        return [
            head
            + gettext(
                "Attendance into %(school)s: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged."
            )
            % {
                "school": self.school,
                "created": self.created,
                "updated": self.updated,
                "unchanged": self.unchanged,
            }
        ]


class _DryRun(Exception):
    pass


def academic_year_start(today: dt.date) -> int:
    return today.year if today.month >= 9 else today.year - 1


def _read(data: bytes, file: str, problems: ProblemList) -> list[tuple[int, dict[str, str]]]:
    try:
        reader = csv.reader(lines(data, file))
        rows = [(reader.line_num, row) for row in reader]
    except (Unreadable, csv.Error) as error:
        raise ImportProblems([Problem(file, 0, "", str(error))]) from error
    if not rows:
        raise ImportProblems([Problem(file, 0, "", gettext("the file is empty"))])
    header = [cell.strip().casefold() for cell in rows[0][1]]
    for name in REQUIRED:
        if name not in header:
            problems.add(
                file,
                1,
                COLUMNS[name],
                gettext("the column %(c)s is missing") % {"c": COLUMNS[name]},
            )
    problems.raise_if_any()
    return [
        (line, {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)})
        for line, row in rows[1:]
        if any(cell.strip() for cell in row)
    ]


def _count(value: str, file: str, line: int, column: str, problems: ProblemList) -> int | None:
    if not value.isdigit():
        problems.add(
            file, line, column, gettext("%(v)r is not a whole number of sessions") % {"v": value}
        )
        return None
    return int(value)


def attendance_import(
    *,
    data: bytes,
    filename: str,
    school: School,
    by: Actor | None,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> AttendanceSummary:
    """Set each listed pupil's attendance for the year; ImportProblems and nothing written."""
    today = today or timezone.localdate()
    problems = ProblemList()
    rows = _read(data, filename, problems)
    upns = {}
    for line, row in rows:
        try:
            upns[line] = upn_clean(row["upn"])
        except UpnError as error:
            problems.add(filename, line, "UPN", gettext("the UPN %(e)s") % {"e": error})
    pupils = dict(
        Pupil.objects.filter(school=school, upn__in=set(upns.values())).values_list("upn", "pk")
    )
    planned: list[dict[str, Any]] = []
    seen: dict[tuple[str, int], int] = {}
    for line, row in rows:
        possible = _count(row["possible sessions"], filename, line, "Possible sessions", problems)
        attended = _count(row["attended sessions"], filename, line, "Attended sessions", problems)
        year = academic_year_start(today)
        if row.get("academic year"):
            match = YEAR.match(row["academic year"])
            if not match or (int(match[1]) + 1) % 100 != int(match[2]):
                problems.add(
                    filename,
                    line,
                    "Academic year",
                    gettext("%(v)r is not an academic year such as 2026/27")
                    % {"v": row["academic year"]},
                )
                continue
            year = int(match[1])
        upn = upns.get(line)
        if upn is None or possible is None or attended is None:
            continue
        if upn not in pupils:
            problems.add(
                filename, line, "UPN", gettext("no pupil here has the UPN %(upn)s") % {"upn": upn}
            )
            continue
        if attended > possible:
            problems.add(
                filename,
                line,
                "Attended sessions",
                gettext("%(a)s attended is more than the %(p)s possible sessions")
                % {"a": attended, "p": possible},
            )
            continue
        if (upn, year) in seen:
            problems.add(
                filename,
                line,
                "UPN",
                gettext("UPN %(upn)s is also on line %(line)s")
                % {"upn": upn, "line": seen[(upn, year)]},
            )
            continue
        seen[(upn, year)] = line
        planned.append(
            {
                "pupil_id": pupils[upn],
                "year_starting": year,
                "possible_sessions": possible,
                "attended_sessions": attended,
                "as_of": today,
                "source": AttendanceSource.FILE,
            }
        )
    problems.raise_if_any()
    summary = AttendanceSummary(school=school.name, dry_run=dry_run)
    try:
        with transaction.atomic(durable=True):
            summary.created, summary.updated = attendance_import_write(school=school, rows=planned)
            summary.unchanged = len(planned) - summary.created - summary.updated
            if dry_run:
                raise _DryRun
            ImportRun.objects.create(
                school=school,
                kind=ImportRun.Kind.ATTENDANCE,
                outcome=ImportRun.Outcome.IMPORTED,
                filename=filename[:255],
                summary={"created": summary.created, "updated": summary.updated},
                by=acting_user(by) if getattr(by, "pk", None) else None,
            )
            audit_write(
                actor=by,
                action=AuditAction.ATTENDANCE_IMPORT,
                school=school,
                target_type="interop.importrun",
                target_label=f"Attendance {filename}"[:200],
                after={"created": summary.created, "updated": summary.updated},
            )
    except _DryRun:
        pass
    return summary
