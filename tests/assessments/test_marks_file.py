"""Reading marks files: both layouts, CSV and XLSX, and every bad cell reported."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from nextsteps.assessments.kernels.marksfile import MarksFileRefused, column_letter, parse_marks

QUESTIONS = {"1": 2, "2": 3, "3a": 1}
PUPILS = {"A123": 1, "B456": 2}


def problems(data: bytes) -> list[str]:
    with pytest.raises(MarksFileRefused) as refused:
        parse_marks(data, questions=QUESTIONS, pupils=PUPILS)
    return [str(p) for p in refused.value.problems]


def test_a_row_per_pupil_file_reads_every_mark_and_skips_empty_cells() -> None:
    data = b"\xef\xbb\xbfUPN,Pupil,Q1,Q2,Q3a\nA123,Amara,2,1,\nb456,Ben,0,3,1\n"
    cells = parse_marks(data, questions=QUESTIONS, pupils=PUPILS)
    assert [(c.pupil, c.question, c.marks, c.row) for c in cells] == [
        (1, "1", 2, 2),
        (1, "2", 1, 2),
        (2, "1", 0, 3),
        (2, "2", 3, 3),
        (2, "3a", 1, 3),
    ]


def test_a_row_per_mark_file_reads_too() -> None:
    data = b"upn,question,mark\nA123,1,2\nA123,Question 3a,0\n"
    cells = parse_marks(data, questions=QUESTIONS, pupils=PUPILS)
    assert [(c.pupil, c.question, c.marks) for c in cells] == [(1, "1", 2), (1, "3a", 0)]


def test_every_bad_cell_is_listed_by_row_and_column() -> None:
    data = b"UPN,Q1,Q2,Q9\nA123,5,-1,\nZ999,1,two,\nB456,1.5,2,\n"
    assert problems(data) == [
        "row 1, column D (Q9): there is no question 'Q9' on this test",
        "row 2, column B (Q1): 5 is more than the 2 marks question 1 is worth",
        "row 2, column C (Q2): -1 is negative; marks start at 0",
        "row 3, column A (UPN): no pupil with UPN Z999 sits this test in your classes",
        "row 3, column C (Q2): 'two' is not a number of marks",
        "row 4, column B (Q1): 1.5 is not a whole number of marks",
    ]


def test_an_unknown_question_in_a_row_per_mark_file_names_its_row() -> None:
    assert problems(b"UPN,Question,Mark\nA123,7,1\nA123,1,1\nA123,1,2\n") == [
        "row 2, column B (Question): there is no question '7' on this test",
        "row 4: question 1 for this pupil is also on row 3",
    ]


def test_a_file_without_a_upn_column_is_refused() -> None:
    assert problems(b"Name,Q1\nAmara,1\n") == [
        "row 1: there is no UPN column, so the pupils cannot be found"
    ]


def test_an_empty_or_binary_file_is_refused() -> None:
    assert problems(b"") == ["the file is empty"]
    assert problems(b"\xff\xfe\x00bad") == [
        "row 1: the file marks.csv cannot be read: "
        "the file is UTF-16 or UTF-32 text; save it as CSV UTF-8 (or UTF-8 text)"
    ]
    assert problems(b"Name,Q1\nAm\x00ara,1\n") == [
        "row 2: the file marks.csv cannot be read: character 3 is a NUL (byte 0), which no "
        "text file holds; is it the right file, saved as text?"
    ]
    assert problems(b"PK\x03\x04 not really a workbook") == [
        "the file marks.xlsx cannot be read: "
        "this is not a zip file, or it was cut short (File is not a zip file)"
    ]


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_excel_file_reads_like_a_csv_with_numbers_as_whole_marks() -> None:
    data = xlsx([["UPN", "Pupil", "1", "2"], ["A123", "Amara", 2, 3.0], ["B456", "Ben", None, 1]])
    cells = parse_marks(data, questions=QUESTIONS, pupils=PUPILS)
    assert [(c.pupil, c.question, c.marks) for c in cells] == [
        (1, "1", 2),
        (1, "2", 3),
        (2, "2", 1),
    ]


def test_bad_cells_in_an_excel_file_are_located_too() -> None:
    data = xlsx([["UPN", "1"], ["A123", 3]])
    assert problems(data) == ["row 2, column B (1): 3 is more than the 2 marks question 1 is worth"]


def test_column_letters_follow_spreadsheets() -> None:
    assert [column_letter(n) for n in (1, 26, 27, 52, 53)] == ["A", "Z", "AA", "AZ", "BA"]
