"""Sheets of classes and enrolments are read once and written in bulk through the teaching
services: the same answers as row by row, in a number of queries that does not grow."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext

from nextsteps.interop.kernels.sheets import read_table
from nextsteps.interop.sheets_import import SheetSummary, sheet_import
from nextsteps.people.services import staff_import_write
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class, ClassStaff, Enrolment
from tests.conftest import Cast


def sheet(rows: list[list[str]], name: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def import_counted(school: School, kind: str, rows: list[list[str]]) -> tuple[SheetSummary, int]:
    table = read_table(sheet(rows, kind), f"{kind}.csv")
    with CaptureQueriesContext(connection) as queries:
        summary = sheet_import(school=school, kind=kind, table=table, mapping=None, by=None)
    return summary, len(queries.captured_queries)


def classes_sheet(count: int) -> list[list[str]]:
    rows = [["Class", "Year", "Subject", "Teacher"]]
    rows += [
        [f"3 Set {n}", "3", "Mathematics", "rf" if n % 2 else "r.f@example.org"]
        for n in range(count)
    ]
    return rows


def test_classes_get_their_subject_and_teacher_by_code_or_email_in_bounded_queries(
    cast: Cast,
) -> None:
    school = cast.primary
    staff_import_write(
        school=school,
        new=[
            {
                "forename": "Rosalind",
                "surname": "Franklin",
                "code": "RF",
                "email": "R.F@example.org",
            }
        ],
        changes={},
    )
    few, few_queries = import_counted(school, "classes", classes_sheet(2))
    many, many_queries = import_counted(school, "classes", classes_sheet(30))
    assert many_queries == few_queries  # not one query per row
    assert few.counts["classes"]["created"] == 2
    assert many.counts["classes"] == {"created": 28, "updated": 0, "unchanged": 2}
    group = Class.objects.get(school=school, name="3 Set 7")
    assert group.subjects.get().name == "Mathematics"
    assert ClassStaff.objects.get(teaching_class=group).staff.code == "RF"
    assert ClassStaff.objects.filter(teaching_class__name__startswith="3 Set ").count() == 30


def test_a_class_twice_in_a_sheet_is_made_once_and_changed_by_the_later_row(cast: Cast) -> None:
    rows = [
        ["Class", "Year", "Type"],
        ["3 Willow set", "3", "teaching"],
        ["3 Willow set", "4", "form"],
    ]
    summary, _ = import_counted(cast.primary, "classes", rows)
    assert summary.counts["classes"] == {"created": 1, "updated": 1, "unchanged": 0}
    willow = Class.objects.get(school=cast.primary, name="3 Willow set")
    assert (willow.year_group, willow.kind) == (4, Class.Kind.FORM)


def test_enrolments_are_made_then_changed_then_left_alone(cast: Cast) -> None:
    name = cast.four_oak.name
    Enrolment.objects.filter(pupil=cast.amara, teaching_class=cast.four_oak).delete()
    first, _ = import_counted(
        cast.primary, "enrolments", [["UPN", "Class", "From"], [cast.amara.upn, name, "01/09/2026"]]
    )
    ending = [["UPN", "Class", "From", "Until"], [cast.amara.upn, name, "01/09/2026", "20/12/2026"]]
    changed, queries = import_counted(cast.primary, "enrolments", ending)
    again, queries_again = import_counted(cast.primary, "enrolments", ending)
    assert first.counts["enrolments"]["created"] == 1
    assert changed.counts["enrolments"]["updated"] == 1
    assert again.counts["enrolments"] == {"created": 0, "updated": 0, "unchanged": 1}
    place = Enrolment.objects.get(pupil=cast.amara, teaching_class=cast.four_oak)
    assert (place.starts_on, place.ends_on) == (dt.date(2026, 9, 1), dt.date(2026, 12, 20))
    assert queries_again < queries  # nothing to write
