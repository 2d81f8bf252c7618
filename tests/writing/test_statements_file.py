"""The statements import format: good files read; bad ones refused whole, naming line and field."""

from __future__ import annotations

import pytest

from nextsteps.writing.demo import demo_csv
from nextsteps.writing.kernels import rules
from nextsteps.writing.kernels.statements_file import StatementsFileError, read_statements

FRAMEWORK = rules.framework_for(2027)


def problems(data: bytes, name: str = "ours.csv") -> list[str]:
    with pytest.raises(StatementsFileError) as refused:
        read_statements(data, name, FRAMEWORK)
    return [str(p) for p in refused.value.problems]


def test_the_demo_file_reads_in_framework_order() -> None:
    rows = read_statements(demo_csv(), "demo.csv", FRAMEWORK)
    assert [(r.standard, r.number) for r in rows[:2]] == [("WTS", 1), ("WTS", 2)]
    assert len(rows) == 7 + 9 + 4


def test_columns_in_any_order_and_case_with_a_bom_and_extra_columns() -> None:
    lines = ["\ufeffText,Notes,NUMBER,Standard"]
    lines += [f'"Can do thing {n}",x,{n},pk2' for n in (2, 1, 3)]
    rows = read_statements("\n".join(lines).encode(), "pk.csv", FRAMEWORK)
    assert sorted((r.standard, r.number) for r in rows) == [("PK2", 1), ("PK2", 2), ("PK2", 3)]
    assert rows[0].text == "Can do thing 2"


def test_a_missing_column_is_named_on_line_1() -> None:
    assert problems(b"standard,text\nWTS,hello\n") == [
        "ours.csv, line 1: the first row must name the columns standard, number, text; "
        "missing: number"
    ]


def test_each_bad_cell_is_named_by_line_and_field() -> None:
    found = problems(b"standard,number,text\nXYZ,1,a\nWTS,one,b\nWTS,2,\n")
    assert found[0].startswith("ours.csv, line 2, standard: 'XYZ' is not a standard")
    assert found[1].startswith("ours.csv, line 3, number: 'one' is not a statement number")
    assert found[2] == "ours.csv, line 4, text: the statement's text is empty"


def test_a_standard_must_be_complete_and_counted_as_the_structure_says() -> None:
    rows = "\n".join(f"WTS,{n},s{n}" for n in range(1, 7))  # WTS has 7
    found = problems(f"standard,number,text\n{rows}\n".encode())
    assert found == ["ours.csv, number: WTS needs statements 1 to 7, each once; missing 7"]
    rows = "\n".join(f"GDS,{n},s{n}" for n in range(1, 6))  # GDS has 4
    found = problems(f"standard,number,text\n{rows}\n".encode())
    assert found == [
        "ours.csv, number: GDS needs statements 1 to 4, each once; 5 beyond the framework's 4"
    ]


def test_a_duplicate_names_the_first_line() -> None:
    found = problems(b"standard,number,text\nPK1,1,a\nPK1,1,b\n")
    assert found == ["ours.csv, line 3, number: PK1 statement 1 is already on line 2"]


def test_a_gap_in_a_pre_key_stage_standard_is_refused() -> None:
    found = problems(b"standard,number,text\nPK3,1,a\nPK3,3,c\n")
    assert found == ["ours.csv, number: PK3 needs statements 1 to 3, each once; missing 2"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "ours.csv: the file is empty"),
        (b"standard,number,text\n", "ours.csv: the file has no statements"),
        (b"\xff\xfes\x00", "ours.csv, line 1: the file is UTF-16"),
        (b"standard,number,text\nWTS,1,caf\xe9\n", "ours.csv, line 2: character"),
    ],
)
def test_unreadable_or_empty_files_are_refused(data: bytes, expected: str) -> None:
    assert problems(data)[0].startswith(expected)
