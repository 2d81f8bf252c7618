"""Exports conform to the OneRoster CSV binding: headers, values, bulk mode, references."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
from pathlib import Path

import pytest

from nextsteps.interop.kernels import oneroster as orr
from nextsteps.interop.oneroster_export import oneroster_export
from tests.conftest import Cast

# The column lists of the OneRoster CSV bindings (1EdTech's specification text: not shipped with
# nextsteps). Read from the folder NEXTSTEPS_ONEROSTER_SPEC names, else from the project's shared
# reference data beside the repository.
SHARED = Path(
    os.environ.get(
        "NEXTSTEPS_ONEROSTER_SPEC",
        Path(__file__).resolve().parents[3] / "shared" / "data" / "oneroster",
    )
)
SPEC_FILES = {
    "1.1": "oneroster_v1p1_csv_columns_derived.json",
    "1.2": "oneroster_v1p2_csv_columns.json",
}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ENUMS = {
    ("orgs.csv", "type"): orr.ORG_TYPES,
    ("academicSessions.csv", "type"): orr.SESSION_TYPES,
    ("classes.csv", "classType"): orr.CLASS_TYPES,
    ("users.csv", "role"): orr.USER_ROLES,
    ("roles.csv", "role"): orr.USER_ROLES,
    ("roles.csv", "roleType"): frozenset({"primary", "secondary"}),
    ("enrollments.csv", "role"): orr.ENROLMENT_ROLES,
    ("demographics.csv", "sex"): orr.SEXES,
    ("results.csv", "scoreStatus"): frozenset(
        {"exempt", "fully graded", "not submitted", "partially graded", "submitted"}
    ),
}


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.fixture(params=["1.1", "1.2"])
def exported(request: pytest.FixtureRequest, cast: Cast) -> tuple[str, dict[str, bytes]]:
    _record_some_judgements(cast)
    return request.param, oneroster_export(school=cast.primary, version=request.param)


def _record_some_judgements(cast: Cast) -> None:
    from nextsteps.markbook.services import JudgementEntry, judgements_record_bulk
    from nextsteps.teaching.selectors import class_pupils

    objective = cast.maths_framework.objectives.filter(year_group=4).order_by("position").first()
    level = cast.maths_framework.scale.levels.order_by("position").last()
    assert objective is not None and level is not None
    entries = [
        JudgementEntry(pupil=p, objective=objective, level=level)
        for p in class_pupils(cast.four_oak)
    ]
    judgements_record_bulk(entries=entries, by=None, teaching_class=cast.four_oak)


def test_headers_match_the_specification_in_order(exported: tuple[str, dict[str, bytes]]) -> None:
    version, files = exported
    path = SHARED / SPEC_FILES[version]
    if not path.exists():
        pytest.skip(
            f"the OneRoster {version} column list is not at {path}: set NEXTSTEPS_ONEROSTER_SPEC "
            "to the folder that holds it"
        )
    spec = json.loads(path.read_text())["files"]
    for name, data in files.items():
        if name == "manifest.csv":
            continue
        header = rows_of(data)[0]
        expected = [column["name"] for column in spec[name]]
        assert header[: len(expected)] == expected, name
        assert all(extra.startswith("metadata.") for extra in header[len(expected) :]), name


def test_files_are_utf8_without_bom_with_crlf_lines(exported: tuple[str, dict[str, bytes]]) -> None:
    _, files = exported
    for name, data in files.items():
        assert not data.startswith(b"\xef\xbb\xbf"), name
        assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b""), name


def test_manifest_lists_each_file_as_bulk_and_the_version(
    exported: tuple[str, dict[str, bytes]],
) -> None:
    version, files = exported
    manifest = dict(rows_of(files["manifest.csv"])[1:])
    assert manifest["oneroster.version"] == version and manifest["manifest.version"] == "1.0"
    for name in files:
        if name != "manifest.csv":
            assert manifest[f"file.{name.removesuffix('.csv')}"] == "bulk"
    assert {k for k, v in manifest.items() if v == "bulk"} == {
        f"file.{n.removesuffix('.csv')}" for n in files if n != "manifest.csv"
    }


def test_values_conform_and_references_resolve(exported: tuple[str, dict[str, bytes]]) -> None:
    version, files = exported
    ids: dict[str, set[str]] = {}
    tables = {}
    for name, data in files.items():
        if name == "manifest.csv":
            continue
        header, *body = rows_of(data)
        table = [dict(zip(header, row, strict=True)) for row in body]
        tables[name] = table
        ids[name] = {row["sourcedId"] for row in table}
        assert len(ids[name]) == len(table), f"duplicate sourcedId in {name}"
        for number, row in enumerate(table, start=2):
            where = f"{name} line {number}"
            assert row["status"] == "" and row["dateLastModified"] == "", f"{where}: bulk mode"
            for (file, column), allowed in ENUMS.items():
                if file == name and row.get(column):
                    assert row[column] in allowed, f"{where}: {column}={row[column]}"
            for column, value in row.items():
                if value and column.endswith(("Date", "date")) and column != "dateLastModified":
                    assert DATE.match(value), f"{where}: {column}={value}"
                if column in {"enabledUser", "primary"} and value:
                    assert value in {"true", "false"}, f"{where}: {column}={value}"
    assert {r["classSourcedId"] for r in tables["enrollments.csv"]} <= ids["classes.csv"]
    assert {r["userSourcedId"] for r in tables["enrollments.csv"]} <= ids["users.csv"]
    assert {r["courseSourcedId"] for r in tables["classes.csv"]} <= ids["courses.csv"]
    sessions = ids["academicSessions.csv"]
    assert all(set(r["termSourcedIds"].split(",")) <= sessions for r in tables["classes.csv"])
    assert ids["demographics.csv"] <= ids["users.csv"]
    assert {r["lineItemSourcedId"] for r in tables["results.csv"]} <= ids["lineItems.csv"]
    assert {r["studentSourcedId"] for r in tables["results.csv"]} <= ids["users.csv"]
    assert tables["results.csv"], "standings go out as results"
    if version == "1.2":
        assert {r["userSourcedId"] for r in tables["roles.csv"]} == ids["users.csv"]
    pupils = [r for r in tables["users.csv"] if r["identifier"] and r["grades"]]
    assert all(len(r["identifier"]) == 13 for r in pupils), "a pupil's identifier is the UPN"


def test_exported_end_dates_are_exclusive(cast: Cast) -> None:
    files = oneroster_export(school=cast.primary, version="1.2")
    header, *body = rows_of(files["academicSessions.csv"])
    year = next(dict(zip(header, r, strict=True)) for r in body if "schoolYear" in r)
    from nextsteps.schools.models import AcademicYear

    first = AcademicYear.objects.filter(school=cast.primary).order_by("starts_on").first()
    assert first is not None
    assert year["startDate"] == first.starts_on.isoformat()
    assert year["endDate"] == (first.ends_on + dt.timedelta(days=1)).isoformat()
