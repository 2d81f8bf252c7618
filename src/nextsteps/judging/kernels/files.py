"""Reading comparative-judgement CSV files, with errors that name the file, line and column.

Comparisons: a header row with at least `judge`, `winner` and `loser` (any order, any case,
extra columns such as `seconds` ignored), then one judgement a row. Real exports hold rows that
compare a script with itself and rows repeated exactly (every column the same, judge and time
included); those are skipped and listed, never fitted. Two judgements of the same pair that
differ in any column (another judge, another time) are both kept. Anchors: `script` and
`theta`. Files are UTF-8, with or without the byte-order mark spreadsheets add.
"""

from __future__ import annotations

import csv
import itertools
import math
import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from nextsteps.judging.kernels.fit_warnings import SkippedRow

COMPARISON_COLUMNS = ("judge", "winner", "loser")
ANCHOR_COLUMNS = ("script", "theta")


class InputError(ValueError):
    """A problem in an input file, located by file, line and (where there is one) column."""

    def __init__(self, path: str, line: int | None, column: str | None, message: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.path]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class ComparisonRow(NamedTuple):
    """One judgement: `judge` preferred `winner` to `loser`, read from `line` of the file.

    A named tuple rather than a dataclass: a file of 100,000 judgements makes 100,000 of
    them, and a tuple is made in C."""

    judge: str
    winner: str
    loser: str
    line: int


@dataclass(frozen=True)
class ComparisonsFile:
    """The judgements read from a file, as columns, and the rows skipped (with their lines)."""

    judges: list[str]
    winners: list[str]
    losers: list[str]
    lines: list[int]
    skipped: list[SkippedRow]

    @property
    def rows(self) -> list[ComparisonRow]:
        """The judgements one a row."""
        columns = zip(self.judges, self.winners, self.losers, self.lines, strict=True)
        return [ComparisonRow(*row) for row in columns]


@dataclass(frozen=True)
class AnchorRow:
    """A script whose scale value is fixed, read from `line` of the file."""

    script: str
    theta: float
    line: int


@dataclass(frozen=True)
class _Record:
    line: int
    values: dict[str, str]
    cells: tuple[str, ...]


def _records(path: Path, required: Sequence[str]) -> Iterator[_Record]:
    """Yield the non-blank data rows of a CSV file as required-column dictionaries."""
    name = str(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            positions = _header(name, reader, required)
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                yield _record(name, reader.line_num, row, positions)
    except UnicodeDecodeError as error:
        raise InputError(name, None, None, f"is not UTF-8 text ({error.reason})") from error
    except csv.Error as error:
        raise InputError(name, None, None, f"is not a readable CSV file ({error})") from error
    except OSError as error:
        raise InputError(name, None, None, f"cannot be read ({error.strerror})") from error


def _header(name: str, reader: Iterator[list[str]], required: Sequence[str]) -> dict[str, int]:
    """Find each required column in the header row (case and surrounding spaces ignored)."""
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        raise InputError(
            name, 1, None, f"the file is empty: expected a header row with {_list(required)}"
        )
    names = [cell.strip().lower() for cell in header]
    positions: dict[str, int] = {}
    for column in required:
        found = [index for index, cell in enumerate(names) if cell == column]
        if not found:
            raise InputError(
                name, 1, column, f"missing column (the header needs {_list(required)})"
            )
        if len(found) > 1:
            raise InputError(name, 1, column, "the column appears more than once")
        positions[column] = found[0]
    return positions


def _record(name: str, line: int, row: list[str], positions: dict[str, int]) -> _Record:
    values: dict[str, str] = {}
    for column, index in positions.items():
        value = row[index].strip() if index < len(row) else ""
        if not value:
            raise InputError(name, line, column, "the value is missing")
        values[column] = value
    return _Record(line, values, tuple(cell.strip() for cell in row))


def _list(columns: Sequence[str]) -> str:
    return ", ".join(f"'{column}'" for column in columns)


def read_comparisons(path: str | Path) -> ComparisonsFile:
    """Read a comparisons CSV (`judge, winner, loser`), skipping self-comparisons and repeats.

    Exports run to 100,000 rows and more, and reading them was most of `cj fit`'s time: a
    regular file is read in whole columns, any other row by row, with the same result.
    """
    path = Path(path)
    return _read_regular(path) or _read_rows(path)


def _read_rows(path: Path) -> ComparisonsFile:
    """`read_comparisons` row by row, for any file, naming the first mistake.

    One pass with the csv module's C reader and no per-row objects beyond the row itself: the
    same checks as `_records` (blank rows ignored, a missing value named by line and column).
    """
    name = str(path)
    judges: list[str] = []
    winners: list[str] = []
    losers: list[str] = []
    lines: list[int] = []
    skipped: list[SkippedRow] = []
    seen: dict[tuple[str, ...], int] = {}
    strip = str.strip
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            positions = _header(name, reader, COMPARISON_COLUMNS)
            at = [positions[column] for column in COMPARISON_COLUMNS]
            judge, winner, loser = at
            needed = max(at)
            for row in reader:
                cells = tuple(map(strip, row))
                if not (cells and cells[-1]):
                    cells = _trimmed(cells)
                    if not cells:
                        continue  # a blank row
                line = reader.line_num
                if len(cells) <= needed:
                    cells_or_blank = [cells[i] if i < len(cells) else "" for i in at]
                    _missing(name, line, cells_or_blank)
                who, won, lost = cells[judge], cells[winner], cells[loser]
                if not (who and won and lost):
                    _missing(name, line, [who, won, lost])
                first = seen.setdefault(cells, line)
                if first != line:
                    skipped.append(SkippedRow(name, line, repeats=first))
                elif won == lost:
                    skipped.append(SkippedRow(name, line, script=won))
                else:
                    judges.append(who)
                    winners.append(won)
                    losers.append(lost)
                    lines.append(line)
    except UnicodeDecodeError as error:
        raise InputError(name, None, None, f"is not UTF-8 text ({error.reason})") from error
    except csv.Error as error:
        raise InputError(name, None, None, f"is not a readable CSV file ({error})") from error
    except OSError as error:
        raise InputError(name, None, None, f"cannot be read ({error.strerror})") from error
    if not lines:
        message = "the file has a header but no comparisons" + (
            " (every row was skipped)" if skipped else ""
        )
        raise InputError(name, None, None, message)
    return ComparisonsFile(judges, winners, losers, lines, skipped)


def _read_regular(path: Path) -> ComparisonsFile | None:
    """`read_comparisons` for a regular file, in whole columns; None for any other file.

    Regular: no quotes and no NUL, so each line (ended by `\n`, `\r\n` or `\r`, as the csv
    module ends rows) is a row and each comma a cell boundary; every row as wide as the
    header; no cell blank or with space around it; no row repeated and no script compared
    with itself. Such a file is split into cells and columns by a few calls that each run over
    the whole text in C, and the result is the row reader's, value for value. Any other file
    gets None: the row reader then reads it, skips what it skips and names the first mistake.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    if '"' in text or "\x00" in text:
        return None
    head, _, body = text.partition("\n")
    header = [cell.strip().lower() for cell in head.split(",")]
    at = [header.index(c) for c in COMPARISON_COLUMNS if header.count(c) == 1]
    rows = body.removesuffix("\n").split("\n") if body else []
    if len(at) < len(COMPARISON_COLUMNS) or not rows:
        return None
    width = len(header)
    if set(map(str.count, rows, itertools.repeat(","))) != {width - 1}:
        return None  # a ragged or blank row
    cells = ",".join(rows).split(",")
    columns = [cells[index::width] for index in range(width)]
    for column in columns:
        distinct = set(column)
        if "" in distinct or any(value != value.strip() for value in distinct):
            return None  # a missing value, or spaces the row reader would strip
    judges, winners, losers = (columns[index] for index in at)
    if len(set(rows)) != len(rows) or any(map(operator.eq, winners, losers)):
        return None  # repeated rows or self-comparisons, which the row reader lists
    return ComparisonsFile(judges, winners, losers, list(range(2, len(rows) + 2)), [])


def _missing(name: str, line: int, values: list[str]) -> None:
    """Raise for the first of judge, winner and loser that is blank, if any is."""
    for column, value in zip(COMPARISON_COLUMNS, values, strict=True):
        if not value:
            raise InputError(name, line, column, "the value is missing")


def _trimmed(cells: tuple[str, ...]) -> tuple[str, ...]:
    """The row without trailing empty cells, so that `A,B,C` and `A,B,C,` are the same row."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def read_anchors(path: str | Path) -> list[AnchorRow]:
    """Read an anchors CSV (`script, theta`): finite numbers, each script once."""
    path = Path(path)
    rows: list[AnchorRow] = []
    seen: dict[str, int] = {}
    for record in _records(path, ANCHOR_COLUMNS):
        script, text = record.values["script"], record.values["theta"]
        theta = _number(str(path), record.line, text)
        if script in seen:
            message = f"script '{script}' is already anchored on line {seen[script]}"
            raise InputError(str(path), record.line, "script", message)
        seen[script] = record.line
        rows.append(AnchorRow(script, theta, record.line))
    if not rows:
        raise InputError(str(path), None, None, "the file has a header but no anchors")
    return rows


def _number(name: str, line: int, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise InputError(name, line, "theta", f"'{text}' is not a number")
    return value
