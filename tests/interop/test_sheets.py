from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from nextsteps.interop.kernels.sheets import FIELDS, normalise, read_table, suggest_mapping
from nextsteps.interop.sheets_import import sheet_import
from nextsteps.people.kernels.problems import ImportProblems
from nextsteps.people.models import Pupil
from nextsteps.people.upn import upn_make
from nextsteps.teaching.models import Class, Enrolment
from tests.conftest import Cast

MIS_HEADERS = [
    "UPN",
    "Legal Surname",
    "Legal Forename",
    "Preferred Forename",
    "Date of Birth",
    "Gender",
    "Year Group",
    "Reg Group",
    "SEN Status",
    "Pupil Premium",
    "FSM",
    "EAL",
]
UPN_A = upn_make(la=938, estab=2101, year=20, serial=901)
UPN_B = upn_make(la=938, estab=2101, year=20, serial=902)


def csv_bytes(rows: list[list[str]]) -> bytes:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return "\ufeff".encode() + buffer.getvalue().encode()


def pupils_sheet() -> list[list[str]]:
    return [
        MIS_HEADERS,
        [
            UPN_A,
            "Ng",
            "Lily",
            "Lil",
            "04/03/2018",
            "F",
            "Year 3",
            "3 Ash",
            "SEN Support",
            "Y",
            "No",
            "TRUE",
        ],
        [UPN_B, "Osei", "Kwame", "", "2018-07-21", "M", "3", "3 Ash", "N", "N", "Yes", "false"],
    ]


def test_common_mis_headers_are_recognised() -> None:
    mapping = suggest_mapping("pupils", MIS_HEADERS)
    assert mapping["upn"] == "UPN" and mapping["legal_surname"] == "Legal Surname"
    assert mapping["disadvantaged"] == "Pupil Premium" and mapping["reg_group"] == "Reg Group"
    assert (
        mapping["sen_status"] == "SEN Status"
        and mapping["eal"] == "EAL"
        and mapping["fsm"] == "FSM"
    )
    assert mapping["date_of_birth"] == "Date of Birth" and mapping["year_group"] == "Year Group"


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("bool", "Y", True),
        ("bool", "no", False),
        ("bool", "TRUE", True),
        ("bool", "", False),
        ("sen", "SEN support", "K"),
        ("sen", "EHCP", "E"),
        ("sen", "n", "N"),
        ("sen", "S", "E"),
        ("year", "Year 4", 4),
        ("year", "R", 0),
        ("year", "N1", -1),
        ("date", "04/03/2018", dt.date(2018, 3, 4)),
        ("date", "2018-03-04", dt.date(2018, 3, 4)),
    ],
)
def test_values_are_normalised(kind: str, text: str, value: object) -> None:
    field = next(f for fields in FIELDS.values() for f in fields if f.kind == kind)
    assert normalise(field, text) == value


def test_pupils_import_from_csv_and_second_run_changes_nothing(cast: Cast) -> None:
    table = read_table(csv_bytes(pupils_sheet()), "pupils.csv")
    summary = sheet_import(school=cast.primary, kind="pupils", table=table, mapping=None, by=None)
    lily = Pupil.objects.get(school=cast.primary, upn=UPN_A)
    assert (lily.preferred_forename, lily.year_group, lily.sen_status) == ("Lil", 3, "K")
    assert lily.disadvantaged and not lily.fsm and lily.eal
    assert Enrolment.objects.filter(pupil=lily, teaching_class__name="3 Ash").exists()
    assert summary.counts["pupils"]["created"] == 2
    again = sheet_import(school=cast.primary, kind="pupils", table=table, mapping=None, by=None)
    assert again.counts["pupils"] == {"created": 0, "updated": 0, "unchanged": 2}


def test_pupils_import_from_xlsx(cast: Cast) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in pupils_sheet():
        sheet.append(row)
    sheet["E2"] = dt.datetime(2018, 3, 4)
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "pupils.xlsx")
    sheet_import(school=cast.primary, kind="pupils", table=table, mapping=None, by=None)
    assert Pupil.objects.get(school=cast.primary, upn=UPN_A).date_of_birth == dt.date(2018, 3, 4)


def test_bad_rows_are_listed_by_line_and_column_and_nothing_is_written(cast: Cast) -> None:
    rows = pupils_sheet()
    rows[1][0] = "X123"
    rows[2][8] = "maybe"
    table = read_table(csv_bytes(rows), "pupils.csv")
    with pytest.raises(ImportProblems) as caught:
        sheet_import(school=cast.primary, kind="pupils", table=table, mapping=None, by=None)
    texts = [str(p) for p in caught.value.problems]
    assert (
        "pupils.csv, line 3, column SEN Status: 'maybe' is not an SEN status"
        in texts[0] + texts[-1]
    )
    assert any(t.startswith("pupils.csv, line 2, column UPN: the UPN 'X123'") for t in texts)
    assert not Pupil.objects.filter(upn=UPN_B).exists()


def test_dry_run_writes_nothing(cast: Cast) -> None:
    table = read_table(csv_bytes(pupils_sheet()), "pupils.csv")
    summary = sheet_import(
        school=cast.primary, kind="pupils", table=table, mapping=None, by=None, dry_run=True
    )
    assert summary.counts["pupils"]["created"] == 2
    assert not Pupil.objects.filter(upn=UPN_A).exists()


def test_classes_and_enrolments_import(cast: Cast) -> None:
    classes = read_table(
        csv_bytes([["Class", "Year", "Subject"], ["3 Maths set 1", "3", "Mathematics"]]), "c.csv"
    )
    sheet_import(school=cast.primary, kind="classes", table=classes, mapping=None, by=None)
    group = Class.objects.get(school=cast.primary, name="3 Maths set 1")
    assert group.subjects.get().name == "Mathematics"
    enrolments = read_table(
        csv_bytes([["UPN", "Class"], [cast.amara.upn, "3 Maths set 1"]]), "e.csv"
    )
    sheet_import(school=cast.primary, kind="enrolments", table=enrolments, mapping=None, by=None)
    assert Enrolment.objects.filter(pupil=cast.amara, teaching_class=group).exists()


def test_enrolment_to_an_unknown_class_is_named(cast: Cast) -> None:
    table = read_table(csv_bytes([["UPN", "Class"], [cast.amara.upn, "Nowhere"]]), "e.csv")
    with pytest.raises(
        ImportProblems, match="e.csv, line 2, column Class: 'Nowhere' is not a class"
    ):
        sheet_import(school=cast.primary, kind="enrolments", table=table, mapping=None, by=None)
