"""Reading a school's copy of the "pupil can" statements from a CSV file.

Pure: no Django import. The format (documented in the app's README and on the import page):
a CSV file, UTF-8, with a header row naming the columns `standard`, `number` and `text` (in any
order and any case; other columns are ignored); one row per statement, for example

    standard,number,text
    WTS,1,"(the first statement of working towards, as worded in your copy)"

`standard` is a code of the framework's structure (PK1 to PK6, WTS, EXS, GDS); `number` counts
the statements of a standard from 1, in the order of the framework. Every problem is collected
and reported with the file, the line and the field; a file with any problem gives no rows.
A standard in the file must be complete (1 to n without gaps, and n as the structure says
where it fixes the count); standards the file leaves out are not touched.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from nextsteps import filereading
from nextsteps.i18n import translate as _
from nextsteps.writing.kernels.rules import Framework

COLUMNS = ("standard", "number", "text")
MAX_TEXT = 1000
MAX_ROWS = 500


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # 0: the file as a whole
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where = _("%(where)s, line %(line)s") % {"where": where, "line": self.line}
        if self.field:
            where = _("%(where)s, %(field)s") % {"where": where, "field": self.field}
        return f"{where}: {self.message}"


class StatementsFileError(ValueError):
    """The file was refused; `problems` names each one. Nothing was taken from it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]))


@dataclass(frozen=True)
class StatementRow:
    line: int
    standard: str
    number: int
    text: str


def read_statements(data: bytes, file: str, framework: Framework) -> list[StatementRow]:
    """The statements in a CSV file, checked whole against the framework's structure."""
    try:
        text = filereading.text(data, file)
    except filereading.Unreadable as unreadable:
        raise StatementsFileError(
            [Problem(file, unreadable.line, unreadable.column, unreadable.message)]
        ) from None
    try:
        records = list(csv.reader(text.splitlines()))
    except csv.Error as error:
        raise StatementsFileError([Problem(file, 0, "", str(error))]) from None
    problems: list[Problem] = []
    header, body = _header(records, file, problems)
    if header is None:
        raise StatementsFileError(problems)
    rows = [row for row in (_row(r, n, header, file, framework, problems) for n, r in body) if row]
    _check_sets(rows, file, framework, problems)
    if not rows and not problems:
        problems.append(Problem(file, 0, "", _("the file has no statements")))
    if len(rows) > MAX_ROWS:
        problems.append(Problem(file, 0, "", _("more than %(n)d statements") % {"n": MAX_ROWS}))
    if problems:
        raise StatementsFileError(problems)
    return rows


def _header(
    records: list[list[str]], file: str, problems: list[Problem]
) -> tuple[dict[str, int] | None, list[tuple[int, list[str]]]]:
    numbered = [(n, r) for n, r in enumerate(records, start=1) if any(c.strip() for c in r)]
    if not numbered:
        problems.append(Problem(file, 0, "", _("the file is empty")))
        return None, []
    line, first = numbered[0]
    names = [cell.strip().lower() for cell in first]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        problems.append(
            Problem(
                file,
                line,
                "",
                _("the first row must name the columns standard, number, text; missing: %(m)s")
                % {"m": ", ".join(missing)},
            )
        )
        return None, []
    return {column: names.index(column) for column in COLUMNS}, numbered[1:]


def _row(
    record: list[str],
    line: int,
    header: dict[str, int],
    file: str,
    framework: Framework,
    problems: list[Problem],
) -> StatementRow | None:
    def cell(column: str) -> str:
        index = header[column]
        return record[index].strip() if index < len(record) else ""

    before = len(problems)
    code = cell("standard").upper()
    if code not in framework.codes:
        problems.append(
            Problem(
                file,
                line,
                "standard",
                _("%(code)r is not a standard of the %(edition)s framework (%(codes)s)")
                % {
                    "code": cell("standard"),
                    "edition": framework.edition,
                    "codes": ", ".join(framework.codes),
                },
            )
        )
    number_text = cell("number")
    number = int(number_text) if number_text.isdigit() else 0
    if number < 1:
        problems.append(
            Problem(
                file,
                line,
                "number",
                _("%(n)r is not a statement number (1, 2, 3…)") % {"n": number_text},
            )
        )
    text = " ".join(cell("text").split())
    if not text:
        problems.append(Problem(file, line, "text", _("the statement's text is empty")))
    elif len(text) > MAX_TEXT:
        problems.append(
            Problem(file, line, "text", _("longer than %(n)d characters") % {"n": MAX_TEXT})
        )
    if len(problems) > before:
        return None
    return StatementRow(line, code, number, text)


def _check_sets(
    rows: list[StatementRow], file: str, framework: Framework, problems: list[Problem]
) -> None:
    """Each standard in the file is complete: 1 to n once each, n as the structure says."""
    seen: dict[tuple[str, int], int] = {}
    for row in rows:
        key = (row.standard, row.number)
        if key in seen:
            problems.append(
                Problem(
                    file,
                    row.line,
                    "number",
                    _("%(code)s statement %(n)d is already on line %(first)d")
                    % {"code": row.standard, "n": row.number, "first": seen[key]},
                )
            )
        else:
            seen[key] = row.line
    for standard in framework.standards:
        numbers = sorted({n for code, n in seen if code == standard.code})
        if not numbers:
            continue
        expected = standard.statements or numbers[-1]
        gaps = [n for n in range(1, expected + 1) if n not in numbers]
        extra = [n for n in numbers if n > expected]
        if gaps or extra:
            problems.append(
                Problem(
                    file,
                    0,
                    "number",
                    _("%(code)s needs statements 1 to %(n)d, each once; %(what)s")
                    % {
                        "code": standard.code,
                        "n": expected,
                        "what": _("missing %(gaps)s") % {"gaps": _numbers(gaps)}
                        if gaps
                        else _("%(extra)s beyond the framework's %(n)d")
                        % {"extra": _numbers(extra), "n": expected},
                    },
                )
            )


def _numbers(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)
