"""Test marks from a spreadsheet: matched by header, every bad cell named, all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from nextsteps.assessments import demo, selectors
from nextsteps.assessments.models import Assessment, Mark
from nextsteps.assessments.services import QuestionRow, assessment_create
from nextsteps.interop.kernels.sheets import read_table
from nextsteps.interop.models import ImportRun
from nextsteps.interop.sheets_marks import marks_sheet_import
from nextsteps.people.kernels.problems import ImportProblems
from nextsteps.people.models import Pupil
from nextsteps.people.upn import upn_make
from nextsteps.teaching.models import Class
from tests.conftest import Cast


def sheet(rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def multiplication(cast: Cast) -> tuple[Assessment, list[Pupil]]:
    test = Assessment.objects.get(school=cast.primary, name=demo.MULTIPLICATION_TEST)
    return test, selectors.cohort(test, selectors.assessment_classes(test))


def marks(test: Assessment) -> dict[tuple[int, str], int]:
    return {
        (pupil_id, label): value
        for pupil_id, label, value in Mark.objects.filter(assessment=test).values_list(
            "pupil_id", "question__label", "marks"
        )
    }


def header(test: Assessment) -> list[str]:
    return ["UPN", "Pupil", *[f"Q{q.label}" for q in test.questions.order_by("position")]]


def test_marks_per_question_import_and_a_second_run_changes_nothing(cast: Cast) -> None:
    test, pupils = multiplication(cast)
    first, second = pupils[0], pupils[1]
    before = marks(test)
    full = [1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 2]  # full marks on every question
    data = sheet(
        [
            header(test),
            [first.upn, first.name, *full],
            [second.upn, second.name, 0, 0, "", "", "", "", "", "", "", "", "", ""],
        ]
    )
    summary = marks_sheet_import(
        assessment=test, table=read_table(data, "marks.csv"), mapping=None, by=None
    )
    after = marks(test)
    assert [after[(first.pk, str(n))] for n in range(1, 13)] == full
    assert after[(second.pk, "1")] == 0 and after[(second.pk, "2")] == 0
    # empty cells leave the marks as they were
    assert after[(second.pk, "3")] == before[(second.pk, "3")]
    counts = summary.counts["marks"]
    assert counts["created"] + counts["updated"] + counts["unchanged"] == 14
    assert ImportRun.objects.filter(school=cast.primary, filename="marks.csv").exists()
    again = marks_sheet_import(
        assessment=test, table=read_table(data, "marks.csv"), mapping=None, by=None
    )
    assert again.counts["marks"] == {"created": 0, "updated": 0, "unchanged": 14}
    assert "Spreadsheet of marks for Multiplication" in again.lines()[0]


def test_marks_import_from_xlsx(cast: Cast) -> None:
    test, pupils = multiplication(cast)
    book = Workbook()
    worksheet = book.active
    assert worksheet is not None
    worksheet.append(["UPN", "Question 10", "Question 11"])
    worksheet.append([pupils[2].upn, 3, 0])
    buffer = io.BytesIO()
    book.save(buffer)
    marks_sheet_import(
        assessment=test,
        table=read_table(buffer.getvalue(), "marks.xlsx"),
        mapping=None,
        by=cast.user("admin"),
    )
    after = marks(test)
    assert (after[(pupils[2].pk, "10")], after[(pupils[2].pk, "11")]) == (3, 0)


def test_bad_cells_are_named_by_line_and_column_and_nothing_is_written(cast: Cast) -> None:
    test, pupils = multiplication(cast)
    sitting = {p.pk for p in pupils}
    elsewhere = Pupil.objects.filter(school=cast.primary).exclude(pk__in=sitting).first()
    assert elsewhere is not None
    stranger = upn_make(la=938, estab=2101, year=20, serial=977)  # valid, but no such pupil
    before = marks(test)
    data = sheet(
        [
            ["UPN", "Q1", "Q10", "Total", "Q13"],
            [pupils[0].upn, "1", "4", "", ""],  # question 10 is worth 3
            [pupils[1].upn, "one", "2", "", ""],
            [pupils[2].upn, "1.5", "-1", "", ""],
            [stranger, "1", "1", "", ""],
            [elsewhere.upn, "1", "1", "", ""],
            ["A12345678901X", "1", "1", "", ""],  # wrong check letter
            [pupils[0].upn, "0", "0", "", ""],  # the same pupil again
        ]
    )
    with pytest.raises(ImportProblems) as refused:
        marks_sheet_import(
            assessment=test, table=read_table(data, "marks.csv"), mapping=None, by=None
        )
    described = refused.value.describe()
    for expected in (
        f"marks.csv, line 1, column Q13: {test} has no question Q13",
        "marks.csv, line 2, column Q10: 4 is more than the 3 marks available",
        "marks.csv, line 3, column Q1: 'one' is not a number of marks",
        "marks.csv, line 4, column Q1: 1.5 is not a whole number of marks",
        "marks.csv, line 4, column Q10: -1 is negative; marks start at 0",
        f"marks.csv, line 5, column UPN: no pupil here has the UPN {stranger}",
        f"marks.csv, line 6, column UPN: {elsewhere.name} ({elsewhere.upn}) is not in a class "
        f"sitting {test}",
        "marks.csv, line 7, column UPN: the UPN",
        f"marks.csv, line 8, column UPN: the UPN {pupils[0].upn} is also on line 2",
    ):
        assert expected in described, expected
    assert marks(test) == before


def test_a_total_that_is_not_the_sum_of_the_questions_is_refused(cast: Cast) -> None:
    test, pupils = multiplication(cast)
    row = [pupils[0].upn, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 2]  # 22 marks
    data = sheet([[*header(test)[:1], *header(test)[2:], "Total"], [*row, 21]])
    with pytest.raises(ImportProblems, match="line 2, column Total: the total 21 is not the sum"):
        marks_sheet_import(
            assessment=test, table=read_table(data, "marks.csv"), mapping=None, by=None
        )
    ok = sheet([[*header(test)[:1], *header(test)[2:], "Total"], [*row, 22]])
    marks_sheet_import(assessment=test, table=read_table(ok, "marks.csv"), mapping=None, by=None)
    assert sum(v for (p, _), v in marks(test).items() if p == pupils[0].pk) == 22


def spelling_test(cast: Cast) -> Assessment:
    return assessment_create(
        school=cast.primary,
        name="Weekly spelling test",
        taken_on=multiplication(cast)[0].taken_on,
        classes=[cast.four_oak],
        by=None,
        questions=[QuestionRow("1", 20)],
    )


def test_a_total_is_the_mark_of_a_one_question_test(cast: Cast) -> None:
    test = spelling_test(cast)
    pupils = selectors.cohort(test, [cast.four_oak])
    data = sheet([["UPN", "Score"], [pupils[0].upn, 17], [pupils[1].upn, 20]])
    summary = marks_sheet_import(
        assessment=test, table=read_table(data, "spelling.csv"), mapping=None, by=None
    )
    assert summary.counts["marks"]["created"] == 2
    assert marks(test) == {(pupils[0].pk, "1"): 17, (pupils[1].pk, "1"): 20}
    too_many = sheet([["UPN", "Total"], [pupils[0].upn, 21]])
    with pytest.raises(ImportProblems, match="line 2, column Total: 21 is more than the 20"):
        marks_sheet_import(
            assessment=test, table=read_table(too_many, "spelling.csv"), mapping=None, by=None
        )


def test_a_total_alone_cannot_be_shared_between_questions(cast: Cast) -> None:
    test, pupils = multiplication(cast)
    data = sheet([["UPN", "Total"], [pupils[0].upn, 20]])
    with pytest.raises(ImportProblems, match="a total alone cannot be shared"):
        marks_sheet_import(
            assessment=test, table=read_table(data, "marks.csv"), mapping=None, by=None
        )


def test_dry_run_counts_and_writes_nothing(cast: Cast) -> None:
    test, pupils = multiplication(cast)
    before = marks(test)
    current = before[(pupils[0].pk, "10")]
    data = sheet([["UPN", "Q10"], [pupils[0].upn, (current + 1) % 4]])
    summary = marks_sheet_import(
        assessment=test, table=read_table(data, "m.csv"), mapping=None, by=None, dry_run=True
    )
    assert summary.counts["marks"]["updated"] == 1
    assert "Dry run" in summary.lines()[0]
    assert marks(test) == before


def test_command_line_imports_marks_by_test_name(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    test, pupils = multiplication(cast)
    path = tmp_path / "marks.csv"
    path.write_bytes(sheet([["UPN", "Q12"], [pupils[3].upn, 2]]))
    urn = str(cast.primary.urn)
    call_command(
        "import_data", "marks", str(path), "--school", urn, "--assessment", test.name, verbosity=0
    )
    assert "Spreadsheet of marks for" in capsys.readouterr().out
    assert marks(test)[(pupils[3].pk, "12")] == 2
    path.write_bytes(sheet([["UPN", "Q12"], [pupils[3].upn, 9]]))
    with pytest.raises(CommandError, match="marks.csv, line 2, column Q12: 9 is more than"):
        call_command(
            "import_data", "marks", str(path), "--school", urn, "--assessment", str(test.pk)
        )
    with pytest.raises(CommandError, match="has no test with the id or name 'Nothing'"):
        call_command("import_data", "marks", str(path), "--school", urn, "--assessment", "Nothing")


def test_data_page_previews_dry_runs_and_imports_marks(cast: Cast) -> None:
    test, pupils = multiplication(cast)
    client = cast.client("admin")
    url = f"/school/{cast.primary.urn}/data/spreadsheet/"
    home = client.get(f"/school/{cast.primary.urn}/data/")
    assert demo.MULTIPLICATION_TEST.encode() in home.content
    missing = client.post(
        url, {"kind": "marks", "file": SimpleUploadedFile("m.csv", b"UPN,Q1\r\n")}
    )
    assert missing.status_code == 302
    data = sheet([["UPN", "Q1", "Q2"], [pupils[4].upn, 0, 1]])
    upload = SimpleUploadedFile("m.csv", data, content_type="text/csv")
    assert client.post(url, {"kind": "marks", "assessment": test.pk, "file": upload}).status_code
    mapping = client.get(url)
    html = mapping.content.decode()
    assert "Question 1 (out of 1)" in html and "Marks for Multiplication" in html
    questions = {q.label: q.pk for q in test.questions.all()}
    chosen = {
        "map_upn": "UPN",
        f"map_question-{questions['1']}": "Q1",
        f"map_question-{questions['2']}": "Q2",
    }
    dry = client.post(url, {**chosen, "action": "dry_run"})
    assert b"Dry run" in dry.content
    done = client.post(url, {**chosen, "action": "import"})
    assert done.status_code == 200 and b"Spreadsheet of marks" in done.content
    after = marks(test)
    assert (after[(pupils[4].pk, "1")], after[(pupils[4].pk, "2")]) == (0, 1)


def test_data_page_refuses_a_bad_marks_file_listing_the_problems(cast: Cast) -> None:
    test, pupils = multiplication(cast)
    client = cast.client("admin")
    url = f"/school/{cast.primary.urn}/data/spreadsheet/"
    data = sheet([["UPN", "Q1"], [pupils[0].upn, 5]])
    upload = SimpleUploadedFile("m.csv", data, content_type="text/csv")
    client.post(url, {"kind": "marks", "assessment": test.pk, "file": upload})
    question = test.questions.get(label="1")
    refused = client.post(
        url, {"map_upn": "UPN", f"map_question-{question.pk}": "Q1", "action": "import"}
    )
    assert refused.status_code == 422
    assert b"5 is more than the 1 marks available" in refused.content


def test_marks_of_another_schools_test_cannot_be_chosen(cast: Cast) -> None:
    other = assessment_create(
        school=cast.other,
        name="Northfield quiz",
        taken_on=dt.date(2026, 10, 9),
        classes=list(Class.objects.filter(school=cast.other)),
        by=None,
    )
    client = cast.client("admin")
    upload = SimpleUploadedFile("m.csv", b"UPN,Q1\r\n", content_type="text/csv")
    response = client.post(
        f"/school/{cast.primary.urn}/data/spreadsheet/",
        {"kind": "marks", "assessment": other.pk, "file": upload},
    )
    assert response.status_code == 302
    assert client.get(f"/school/{cast.primary.urn}/data/spreadsheet/").status_code == 302
