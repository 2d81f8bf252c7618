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
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from nextsteps.judging.kernels.fit_warnings import SkippedRow

COMPARISON_COLUMNS = ("judge", "winner", "loser")
ANCHOR_COLUMNS = ("script", "theta")
IntArray = NDArray[np.int64]


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


@dataclass(frozen=True, eq=False)
class NumberedComparisons:
    """The judgements read from a file as codes, and the rows skipped (with their lines).

    `scripts` and `judges` are the distinct labels sorted as strings; `winner` and `loser`
    index `scripts`, `judge` indexes `judges`, one entry a judgement, read from `lines`. This
    is how `Comparisons` numbers labels, so the codes go to it as they are."""

    scripts: tuple[str, ...]
    judges: tuple[str, ...]
    winner: IntArray
    loser: IntArray
    judge: IntArray
    lines: IntArray
    skipped: list[SkippedRow]

    @classmethod
    def from_file(cls, read: ComparisonsFile) -> NumberedComparisons:
        """Number the labels of judgements read as columns."""
        scripts = sorted({*read.winners, *read.losers})
        judges = sorted(set(read.judges))
        count = len(read.lines)

        def codes(labels: list[str], order: list[str]) -> IntArray:
            number = {label: i for i, label in enumerate(order)}.__getitem__
            return np.fromiter(map(number, labels), dtype=np.int64, count=count)

        return cls(
            scripts=tuple(scripts),
            judges=tuple(judges),
            winner=codes(read.winners, scripts),
            loser=codes(read.losers, scripts),
            judge=codes(read.judges, judges),
            lines=np.array(read.lines, dtype=np.int64),
            skipped=read.skipped,
        )

    def columns(self) -> ComparisonsFile:
        """The judgements as label columns."""
        scripts, judges = self.scripts, self.judges
        return ComparisonsFile(
            judges=[judges[i] for i in self.judge.tolist()],
            winners=[scripts[i] for i in self.winner.tolist()],
            losers=[scripts[i] for i in self.loser.tolist()],
            lines=self.lines.tolist(),
            skipped=self.skipped,
        )


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


def read_numbered_comparisons(path: str | Path) -> NumberedComparisons:
    """`read_comparisons` with the labels numbered, as `Comparisons` takes them.

    A regular file is cut into cells and numbered over its bytes, without a Python string a
    cell; any other is read row by row and then numbered, with the same result."""
    path = Path(path)
    return _number_regular(path) or NumberedComparisons.from_file(_read_rows(path))


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
    """`read_comparisons` for a regular file (see `_number_regular`); None for any other."""
    numbered = _number_regular(path)
    return None if numbered is None else numbered.columns()


# Whitespace that `str.strip` removes, beyond ASCII: a cell that begins with a byte that can
# begin one of these, or ends with a byte that can end one, is decoded and checked in full.
WIDE_SPACES = (
    "\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + ("\u2028\u2029\u202f\u205f\u3000")
)
_ASCII_SPACES = b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "
_MAY_BEGIN_SPACE = np.zeros(256, dtype=bool)
_MAY_END_SPACE = np.zeros(256, dtype=bool)
for _space in [*_ASCII_SPACES, *(ord(c) for c in WIDE_SPACES)]:
    _encoded = chr(_space).encode()
    _MAY_BEGIN_SPACE[_encoded[0]] = _MAY_END_SPACE[_encoded[-1]] = True
# _KEEP[k]: the k most significant bytes of a big-endian 64-bit word.
_KEEP = np.array([(2**64 - 1) ^ (2 ** (64 - 8 * k) - 1) for k in range(9)], dtype=np.uint64)
_LONGEST_LABEL = 64  # bytes; a file with a longer label in a key column is read row by row
_BOM = b"\xef\xbb\xbf"


def _number_regular(path: Path) -> NumberedComparisons | None:
    """`read_numbered_comparisons` for a regular file, over its bytes; None for any other.

    Regular: no quotes and no NUL, so each line (ended by `\n`, `\r\n` or `\r`, as the csv
    module ends rows) is a row and each comma a cell boundary; every row as wide as the
    header; no cell blank or with space around it; no row repeated and no script compared
    with itself; every judge, winner and loser at most 64 bytes of UTF-8. Such a file is cut
    into cells by NumPy over its bytes, and only the distinct labels become Python strings:
    each label's bytes, zero-padded to whole 64-bit big-endian words, sort as the labels do
    (UTF-8's byte order is code point order, and no label holds a NUL), so sorting the words
    numbers the labels as `Comparisons` numbers them. The result is the row reader's, code for
    code. Any other file gets None: the row reader then reads it, skips what it skips and
    names the first mistake.
    """
    try:
        data = path.read_bytes()
        if not data.isascii():
            data.decode("utf-8")  # a file that is not UTF-8 is the row reader's to report
    except (OSError, UnicodeDecodeError):
        return None
    data = data.removeprefix(_BOM)
    if b'"' in data or b"\x00" in data:
        return None
    crlf = b"\r" in data
    if crlf and not _every_return_before_newline(data):
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")  # lines ended by `\r`
        crlf = False
    start = data.find(b"\n") + 1
    if not start or start == len(data):
        return None  # no line after the header
    header = [cell.strip().lower() for cell in data[: start - 1].decode("utf-8").split(",")]
    at = [header.index(c) for c in COMPARISON_COLUMNS if header.count(c) == 1]
    if len(at) < len(COMPARISON_COLUMNS):
        return None
    # One copy: the last line ended, and room to read whole words past the last cell.
    end = len(data) + (not data.endswith(b"\n"))
    data = b"".join([data, b"\n"[: end - len(data)], bytes(_LONGEST_LABEL)])
    cells = _cells(data, start, end, len(header), crlf)
    if cells is None:
        return None
    starts, lengths = cells
    if lengths[:, at].max() > _LONGEST_LABEL:
        return None
    judge, winner, loser = (starts[:, index] for index in at)
    judge_length, winner_length, loser_length = (lengths[:, index] for index in at)
    judges, judge_code = _code_labels(data, judge, judge_length)
    scripts, script_code = _code_labels(
        data, np.concatenate([winner, loser]), np.concatenate([winner_length, loser_length])
    )
    rows = len(starts)
    winner_code, loser_code = script_code[:rows], script_code[rows:]
    if np.any(winner_code == loser_code):
        return None  # a script against itself, which the row reader lists
    if _repeats(data, starts, lengths, judge_code, winner_code, loser_code, len(scripts)):
        return None  # a repeated row, which the row reader lists
    lines = np.arange(2, rows + 2, dtype=np.int64)
    return NumberedComparisons(
        scripts, judges, winner_code, loser_code, judge_code, lines, skipped=[]
    )


def _cells(
    data: bytes, start: int, end: int, width: int, crlf: bool
) -> tuple[IntArray, IntArray] | None:
    """Where each cell of `data[start:end]` begins, and its length, a row of `width` a row;
    None unless every row is `width` cells, none blank or with space around it (as
    `str.strip` sees space).

    `crlf`: lines end `\r\n` or `\n`, and every `\r` is in an `\r\n`; the `\r` is in no
    cell."""
    text = np.frombuffer(data, dtype=np.uint8, count=end)
    body = text[start:]
    newline = body == ord("\n")
    cut = body == ord(",")
    cut |= newline
    ends = np.flatnonzero(cut)
    rows = int(np.count_nonzero(newline))
    if len(ends) != rows * width:
        return None
    ends += start
    line_ends = ends[width - 1 :: width].copy()
    if not (text[line_ends] == ord("\n")).all():
        return None  # a ragged row (the count of commas alone can balance out)
    returns = 0
    if crlf:
        before = text[line_ends - 1] == ord("\r")
        ends[width - 1 :: width] -= before
        returns = int(np.count_nonzero(before))
    starts = np.empty_like(ends)
    starts[0] = start
    np.add(ends[:-1], 1, out=starts[1:])
    starts[width::width] = line_ends[:-1] + 1  # past an `\r\n`, not only its `\r`
    lengths = np.subtract(ends, starts, out=ends)  # ends are starts + lengths from here
    if lengths.min() < 1 or lengths.max() > csv.field_size_limit():
        return None  # a blank cell or row, or a cell the csv module refuses
    spaces = np.less_equal(body, ord(" "), out=cut)
    if np.count_nonzero(spaces) > rows + returns or body.max() >= 0x80:
        # Space or a multi-byte character somewhere: look at each cell's first and last byte.
        ends = starts + lengths
        first, last = text[starts], text[ends - 1]
        suspect = np.flatnonzero(_MAY_BEGIN_SPACE[first] | _MAY_END_SPACE[last])
        for at, stop in zip(starts[suspect].tolist(), ends[suspect].tolist(), strict=True):
            value = data[at:stop].decode("utf-8")
            if value != value.strip():
                return None  # space the row reader would strip
    return starts.reshape(rows, width), lengths.reshape(rows, width)


def _every_return_before_newline(data: bytes) -> bool:
    text = np.frombuffer(data, dtype=np.uint8)
    returns = np.flatnonzero(text[:-1] == ord("\r"))
    return text[-1] != ord("\r") and bool((text[returns + 1] == ord("\n")).all())


def _code_labels(
    buffer: bytes, starts: IntArray, lengths: IntArray
) -> tuple[tuple[str, ...], IntArray]:
    """The distinct labels among the cells, sorted as strings, and each cell's index among them.

    Each label is read as big-endian 64-bit words, bytes past its end zeroed; a label longer
    than one word is ranked word by word, each word's rank joined to the rank so far."""
    stream = np.ndarray(
        shape=(len(buffer) - 7,), dtype=">u8", buffer=buffer, strides=(1,)
    )  # a word starting at every byte
    codes, size, sample = _rank(_word(stream, starts, lengths, 0))
    for word in range(1, -(-int(lengths.max()) // 8)):
        ranks, count, _ = _rank(_word(stream, starts, lengths, word))
        codes, size, sample = _rank(codes * count + ranks)
    firsts, ends = starts[sample], starts[sample] + lengths[sample]
    labels = tuple(
        buffer[first:end].decode("utf-8")
        for first, end in zip(firsts.tolist(), ends.tolist(), strict=True)
    )
    return labels, codes


def _word(
    stream: NDArray[np.uint64], starts: IntArray, lengths: IntArray, word: int
) -> NDArray[np.uint64]:
    """Word `word` of each cell, as a native integer, its bytes past the cell's end zeroed."""
    if word:
        starts, lengths = starts + 8 * word, np.clip(lengths - 8 * word, 0, 8)
    else:
        lengths = np.minimum(lengths, 8)
    words = stream[starts].astype(np.uint64)
    words &= _KEEP[lengths]
    return words


def _rank(key: NDArray[np.uint64] | IntArray) -> tuple[IntArray, int, IntArray]:
    """Each key's rank among the distinct keys, how many there are, and where each first is."""
    order = np.argsort(key)
    ordered = key[order]
    new = np.empty(len(ordered), dtype=bool)
    new[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    ranks = np.cumsum(new) - 1
    codes = np.empty(len(key), dtype=np.int64)
    codes[order] = ranks
    return codes, int(ranks[-1]) + 1, order[new]


def _repeats(
    data: bytes,
    starts: IntArray,
    lengths: IntArray,
    judge: IntArray,
    winner: IntArray,
    loser: IntArray,
    scripts: int,
) -> bool:
    """Whether any row repeats another in every cell.

    Rows that differ in judge, winner or loser differ; only rows that share all three (few, in
    real files) are compared in full, as bytes: with no space around any cell and every row
    as wide, two rows are the same cells exactly when they are the same bytes."""
    key = _pair(_pair(judge, winner, scripts), loser, scripts)
    ordered = np.sort(key)
    shared = ordered[1:][ordered[1:] == ordered[:-1]]
    if not len(shared):
        return False
    rows = np.flatnonzero(np.isin(key, shared))
    first = starts[rows, 0].tolist()
    last = (starts[rows, -1] + lengths[rows, -1]).tolist()
    return len({data[a:b] for a, b in zip(first, last, strict=True)}) < len(rows)


def _pair(first: IntArray, second: IntArray, size: int) -> IntArray:
    """A code for each (first, second), where 0 <= second < size; equal pairs, equal codes."""
    if (int(first.max()) + 1) * size >= 2**63:
        first = np.unique(first, return_inverse=True)[1].reshape(-1)
    return first * size + second


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
