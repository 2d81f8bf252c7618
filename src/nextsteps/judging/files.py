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
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from nextsteps.judging.fit_warnings import SkippedRow

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


@dataclass(frozen=True)
class ComparisonRow:
    """One judgement: `judge` preferred `winner` to `loser`, read from `line` of the file."""

    judge: str
    winner: str
    loser: str
    line: int


@dataclass(frozen=True)
class ComparisonsFile:
    """The judgements read from a file, and the rows skipped (with their lines)."""

    rows: list[ComparisonRow]
    skipped: list[SkippedRow]


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
    """Read a comparisons CSV (`judge, winner, loser`), skipping self-comparisons and repeats."""
    path = Path(path)
    rows: list[ComparisonRow] = []
    skipped: list[SkippedRow] = []
    seen: dict[tuple[str, ...], int] = {}
    for record in _records(path, COMPARISON_COLUMNS):
        row = ComparisonRow(line=record.line, **record.values)
        first = seen.setdefault(_trimmed(record.cells), record.line)
        if first != record.line:
            skipped.append(SkippedRow(str(path), record.line, repeats=first))
        elif row.winner == row.loser:
            skipped.append(SkippedRow(str(path), record.line, script=row.winner))
        else:
            rows.append(row)
    if not rows:
        message = "the file has a header but no comparisons" + (
            " (every row was skipped)" if skipped else ""
        )
        raise InputError(str(path), None, None, message)
    return ComparisonsFile(rows, skipped)


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
