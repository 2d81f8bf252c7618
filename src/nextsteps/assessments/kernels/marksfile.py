"""Reading a marks file (CSV or XLSX) and checking every cell before anything is saved.

Two layouts, told apart by the header row:

- **a row per pupil** (what the downloadable template holds): `UPN`, optionally `Pupil` and
  `Class` (ignored), then one column per question, headed with the question's label (`Q3`
  matches question `3`);
- **a row per mark**: `UPN`, `Question`, `Mark`.

An empty cell is "not marked" and leaves the mark as it is. Every bad cell is reported with
its spreadsheet row and column (`row 5, column D (Q3)`); a file with any problem is refused
whole. Pure functions on bytes and plain data; no Django.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from nextsteps import filereading
from nextsteps.assessments.kernels.conversion import gettext_noop

XLSX_MAGIC = b"PK\x03\x04"
PUPIL_COLUMNS = {"upn", "pupil upn", "unique pupil number"}
IGNORED_COLUMNS = {"pupil", "name", "pupil name", "class", "total"}


@dataclass(frozen=True)
class CellProblem:
    """One bad cell (or a whole-file problem when row is 0)."""

    row: int
    column: int
    header: str
    message: str
    params: dict[str, object] = field(default_factory=dict)

    @property
    def column_letter(self) -> str:
        return column_letter(self.column) if self.column else ""

    def text(self, translate: object = None) -> str:
        template = translate(self.message) if callable(translate) else self.message
        return str(template) % self.params

    def __str__(self) -> str:
        if not self.row:
            return self.text()
        where = f"row {self.row}"
        if self.column:
            where += f", column {self.column_letter}"
            if self.header:
                where += f" ({self.header})"
        return f"{where}: {self.text()}"


class MarksFileRefused(ValueError):
    def __init__(self, problems: list[CellProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]))


@dataclass(frozen=True)
class MarkCell:
    pupil: int
    question: str
    marks: int
    row: int


def column_letter(number: int) -> str:
    """Spreadsheet column letters: 1 → A, 27 → AA."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_rows(data: bytes, filename: str = "") -> Iterator[list[str]]:
    """The rows of a CSV (UTF-8, with or without a byte-order mark) or XLSX file, as text."""
    try:
        if data.startswith(XLSX_MAGIC):
            yield from filereading.workbook_rows(data, filename or "marks.xlsx", _cell_text)
            return
        yield from csv.reader(filereading.lines(data, filename or "marks.csv"))
    except filereading.Unreadable as error:
        # Not text, not a workbook, or a NUL: the whole file is refused, saying where.
        problem = CellProblem(
            error.line,
            0,
            error.column,
            gettext_noop("the file %(file)s cannot be read: %(problem)s"),
            {"file": error.file, "problem": error.message},
        )
        raise MarksFileRefused([problem]) from error
    except csv.Error as error:
        raise MarksFileRefused(
            [
                CellProblem(
                    0,
                    0,
                    "",
                    gettext_noop("the CSV file cannot be read: %(error)s"),
                    {"error": str(error)},
                )
            ]
        ) from error


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _normal(text: str) -> str:
    return " ".join(text.strip().lower().split())


def question_lookup(labels: Mapping[str, int]) -> dict[str, str]:
    """Header spellings that name each question: `3`, `Q3`, `q 3`, `Question 3`."""
    lookup: dict[str, str] = {}
    for label in labels:
        key = _normal(label)
        for spelling in (key, f"q{key}", f"q {key}", f"question {key}"):
            lookup.setdefault(spelling, label)
    return lookup


def parse_marks(
    data: bytes,
    *,
    questions: Mapping[str, int],
    pupils: Mapping[str, int],
    filename: str = "",
) -> list[MarkCell]:
    """Every mark in the file, or MarksFileRefused listing every bad cell.

    `questions` maps each question label to its maximum mark; `pupils` maps the UPN of each
    pupil who sits the test (and whose marks this person may enter) to their key.
    """
    rows = read_rows(data, filename)
    header = next(rows, None)
    if header is None or not any(cell.strip() for cell in header):
        raise MarksFileRefused([CellProblem(0, 0, "", gettext_noop("the file is empty"))])
    names = [_normal(cell) for cell in header]
    if {"question", "mark"} <= set(names):
        cells, problems = _long(rows, header, names, questions, pupils)
    else:
        cells, problems = _wide(rows, header, names, questions, pupils)
    problems += _duplicates(cells)
    if problems:
        raise MarksFileRefused(sorted(problems, key=lambda p: (p.row, p.column)))
    return cells


def _pupil_column(header: list[str], names: list[str]) -> tuple[int | None, list[CellProblem]]:
    for index, name in enumerate(names):
        if name in PUPIL_COLUMNS:
            return index, []
    return None, [
        CellProblem(1, 0, "", gettext_noop("there is no UPN column, so the pupils cannot be found"))
    ]


def _wide(
    rows: Iterator[list[str]],
    header: list[str],
    names: list[str],
    questions: Mapping[str, int],
    pupils: Mapping[str, int],
) -> tuple[list[MarkCell], list[CellProblem]]:
    upn_at, problems = _pupil_column(header, names)
    lookup = question_lookup(questions)
    columns: dict[int, str] = {}
    for index, name in enumerate(names):
        if index == upn_at or name in IGNORED_COLUMNS or not name:
            continue
        if name in lookup:
            columns[index] = lookup[name]
        else:
            problems.append(
                CellProblem(
                    1,
                    index + 1,
                    header[index].strip(),
                    gettext_noop("there is no question %(label)r on this test"),
                    {"label": header[index].strip()},
                )
            )
    cells: list[MarkCell] = []
    for number, row in enumerate(rows, start=2):
        if upn_at is None or not any(cell.strip() for cell in row):
            continue
        pupil = _pupil(row, upn_at, header, number, pupils, problems)
        for index, label in columns.items():
            value = row[index].strip() if index < len(row) else ""
            if value == "":
                continue
            marks = _marks(value, questions[label], label, number, index, header[index], problems)
            if pupil is not None and marks is not None:
                cells.append(MarkCell(pupil=pupil, question=label, marks=marks, row=number))
    return cells, problems


def _long(
    rows: Iterator[list[str]],
    header: list[str],
    names: list[str],
    questions: Mapping[str, int],
    pupils: Mapping[str, int],
) -> tuple[list[MarkCell], list[CellProblem]]:
    upn_at, problems = _pupil_column(header, names)
    question_at, mark_at = names.index("question"), names.index("mark")
    lookup = question_lookup(questions)
    cells: list[MarkCell] = []
    for number, row in enumerate(rows, start=2):
        if upn_at is None or not any(cell.strip() for cell in row):
            continue
        row = row + [""] * (len(header) - len(row))
        pupil = _pupil(row, upn_at, header, number, pupils, problems)
        asked = row[question_at].strip()
        label = lookup.get(_normal(asked))
        if label is None:
            problems.append(
                CellProblem(
                    number,
                    question_at + 1,
                    header[question_at].strip(),
                    gettext_noop("there is no question %(label)r on this test"),
                    {"label": asked},
                )
            )
        value = row[mark_at].strip()
        if value == "" or label is None:
            continue
        marks = _marks(value, questions[label], label, number, mark_at, header[mark_at], problems)
        if pupil is not None and marks is not None:
            cells.append(MarkCell(pupil=pupil, question=label, marks=marks, row=number))
    return cells, problems


def _pupil(
    row: list[str],
    upn_at: int,
    header: list[str],
    number: int,
    pupils: Mapping[str, int],
    problems: list[CellProblem],
) -> int | None:
    upn = row[upn_at].strip().upper() if upn_at < len(row) else ""
    pupil = pupils.get(upn)
    if pupil is None:
        message = (
            gettext_noop("the UPN is missing")
            if not upn
            else gettext_noop("no pupil with UPN %(upn)s sits this test in your classes")
        )
        problems.append(
            CellProblem(number, upn_at + 1, header[upn_at].strip(), message, {"upn": upn})
        )
    return pupil


def _marks(
    value: str,
    maximum: int,
    label: str,
    number: int,
    index: int,
    heading: str,
    problems: list[CellProblem],
) -> int | None:
    def problem(message: str, **params: object) -> None:
        problems.append(
            CellProblem(number, index + 1, heading.strip(), message, {"value": value, **params})
        )

    if value.isdigit():  # the usual case, without the cost of a Decimal
        if int(value) <= maximum:
            return int(value)
        problem(
            gettext_noop("%(value)s is more than the %(max)s marks question %(label)s is worth"),
            max=maximum,
            label=label,
        )
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        problem(gettext_noop("%(value)r is not a number of marks"))
        return None
    if not amount.is_finite() or amount != amount.to_integral_value():
        problem(gettext_noop("%(value)s is not a whole number of marks"))
    elif amount < 0:
        problem(gettext_noop("%(value)s is negative; marks start at 0"))
    elif amount > maximum:
        problem(
            gettext_noop("%(value)s is more than the %(max)s marks question %(label)s is worth"),
            max=maximum,
            label=label,
        )
    else:
        return int(amount)
    return None


def _duplicates(cells: list[MarkCell]) -> list[CellProblem]:
    seen: dict[tuple[int, str], int] = {}
    problems = []
    for cell in cells:
        key = (cell.pupil, cell.question)
        if key in seen:
            problems.append(
                CellProblem(
                    cell.row,
                    0,
                    "",
                    gettext_noop("question %(label)s for this pupil is also on row %(first)s"),
                    {"label": cell.question, "first": seen[key]},
                )
            )
        else:
            seen[key] = cell.row
    return problems
