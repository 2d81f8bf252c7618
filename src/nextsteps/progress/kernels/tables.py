"""Reading and checking the reference tables and pupil files (CSV).

Every problem is an `InputError` naming the file, the line and the column, so that a data
manager can open the file and fix it. Nothing is half-read: a reader either returns the whole
table or raises.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO, Any

import numpy as np

from nextsteps.i18n import translate as _
from nextsteps.progress.kernels import arrow
from nextsteps.progress.kernels.ks4_models import current_model
from nextsteps.progress.kernels.measures import (
    A8_COLUMNS,
    KS2_SUBJECTS,
    P8_MEASURES,
    Bands,
    FloatArray,
    Grouping,
    GroupTable,
    IntArray,
)

DATA_DIR = Path(__file__).parent.parent / "data"
# Greatest possible points in the model in force: English and maths 2 × 9, EBacc and open 3 × 9.
A8_MAXIMUM = current_model().maximum
KS2_SCALED_RANGE = (80.0, 120.0)
# STA outcome codes that mean "no usable result" (absent, disapplied, just arrived, left,
# missing, maladministration, unable to access the test, lost, taken in the past or future):
# the subject is left out without an error.
KS2_NO_RESULT_CODES = frozenset({"A", "D", "F", "J", "L", "M", "P", "Q", "T", "U", "X"})
GROUP_COLUMNS = ("disadvantaged", "sen", "eal", "gender")
YES = frozenset({"y", "yes", "1", "true", "t"})
NO = frozenset({"n", "no", "0", "false", "f"})
SEN_LABELS = {"k": "SEN support", "e": "EHC plan", "s": "EHC plan"}
GENDER_LABELS = {"m": "male", "male": "male", "boy": "male"}
GENDER_LABELS |= {"f": "female", "female": "female", "girl": "female"}
NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class TextFile:
    """CSV text already in memory (an upload), named as the person knows the file."""

    name: str
    text: str

    def __str__(self) -> str:
        return self.name


# Readers take a path or an uploaded file's text; `str(source)` names it in errors.
TableFile = Path | str | TextFile


class InputError(ValueError):
    """A problem in an input file, located by file, line and column."""

    def __init__(self, path: str, line: int | None, column: str | None, message: str) -> None:
        self.path, self.line, self.column, self.message = path, line, column, message
        place = [path]
        if line is not None:
            place.append(_("line %(line)s") % {"line": line})
        if column is not None:
            place.append(_("column %(column)s") % {"column": column})
        super().__init__(f"{', '.join(place)}: {message}")


class CellError(ValueError):
    """A bad cell; the reader adds the file, line and column."""


@dataclass(frozen=True)
class Row:
    """One data row: its line number and its cells, found by (lower-case) column name."""

    line: int
    cells: list[str]
    columns: Mapping[str, int]  # shared by every row of a file

    def get(self, column: str) -> str:
        """The stripped cell, "" if the column or the cell is absent."""
        index = self.columns.get(column)
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index].strip()


def iter_rows(path: TableFile, required: Sequence[str]) -> Iterator[Row]:
    """Rows of a CSV file, after checking that the required columns are there."""
    name = str(path)
    try:
        with open_text(path) as handle:
            reader = csv.reader(handle)
            header = [cell.strip().lower() for cell in next(reader, [])]
            check_header(name, header, required)
            columns = {column: index for index, column in enumerate(header) if column}
            for cells in reader:
                if any(text.strip() for text in cells[len(header) :]):
                    raise InputError(name, reader.line_num, None, _("more cells than columns"))
                if not any(text.strip() for text in cells):
                    continue  # blank lines, often at the end of spreadsheet exports
                yield Row(reader.line_num, cells, columns)
    except FileNotFoundError:
        raise InputError(name, None, None, _("file not found")) from None
    except UnicodeDecodeError:
        raise InputError(name, None, None, _("not UTF-8 text (save it as CSV UTF-8)")) from None
    except csv.Error as error:
        raise InputError(
            name, None, None, _("not valid CSV: %(error)s") % {"error": error}
        ) from None


def open_text(path: TableFile) -> IO[str]:
    """A text handle on a file, or on an uploaded file's text."""
    if isinstance(path, TextFile):
        return io.StringIO(path.text.removeprefix("\ufeff"), newline="")
    return open(path, encoding="utf-8-sig", newline="")


def check_header(name: str, header: list[str], required: Sequence[str]) -> None:
    """Refuse a file with no header, a repeated column or a missing required column."""
    if not header:
        raise InputError(name, 1, None, _("the file is empty; expected a header row"))
    seen: set[str] = set()
    for column in header:
        if column and column in seen:
            raise InputError(name, 1, column, _("column appears twice"))
        seen.add(column)
    for column in required:
        if column not in seen:
            raise InputError(name, 1, column, _("missing column"))


def cell(name: str, row: Row, column: str, parse: Callable[[str], float]) -> float:
    """Parse one cell, turning a `CellError` into an `InputError` that says where."""
    try:
        return parse(row.get(column))
    except CellError as error:
        raise InputError(name, row.line, column, str(error)) from None


def number(text: str) -> float:
    """A finite number."""
    try:
        value = float(text)
    except ValueError:
        raise CellError(_("expected a number, found %(text)s") % {"text": repr(text)}) from None
    if not math.isfinite(value):
        raise CellError(_("expected a number, found %(text)s") % {"text": repr(text)})
    return value


def optional_number(text: str) -> float:
    """A finite number, or NaN for an empty cell."""
    return math.nan if text == "" else number(text)


def bounded(low: float, high: float) -> Callable[[str], float]:
    """A parser for a number in [low, high]."""

    def parse(text: str) -> float:
        value = number(text)
        if not low <= value <= high:
            raise CellError(
                _("%(text)s is outside %(low)s–%(high)s")
                % {"text": text, "low": f"{low:g}", "high": f"{high:g}"}
            )
        return value

    return parse


def optional(parse: Callable[[str], float]) -> Callable[[str], float]:
    """A parser that reads an empty cell as NaN (no value) and anything else with `parse`."""
    return lambda text: math.nan if text == "" else parse(text)


def positive(text: str) -> float:
    """A number above zero (a standard deviation)."""
    value = number(text)
    if value <= 0:
        raise CellError(_("expected a number above 0, found %(text)s") % {"text": repr(text)})
    return value


# --- prior attainment group tables ------------------------------------------------------


def read_bands(name: str, rows: list[Row], above: str, upto: str) -> Bands:
    """Band bounds from rows in order; refuse gaps, overlaps and empty bands."""
    lower = [cell(name, row, above, optional_number) for row in rows]
    upper = [cell(name, row, upto, optional_number) for row in rows]
    for i, row in enumerate(rows):
        check_band(name, row, i, len(rows), (lower[i], upper[i]), (above, upto))
        if i and lower[i] != upper[i - 1]:
            kind = _("a gap") if lower[i] > upper[i - 1] else _("an overlap")
            message = _(
                "band starts at %(start)s but the band before ends at %(end)s (%(kind)s)"
            ) % {"start": f"{lower[i]:g}", "end": f"{upper[i - 1]:g}", "kind": kind}
            raise InputError(name, row.line, above, message)
    return Bands(
        np.nan_to_num(np.array(lower, dtype=np.float64), nan=-np.inf),
        np.nan_to_num(np.array(upper, dtype=np.float64), nan=np.inf),
    )


def check_band(
    name: str, row: Row, i: int, count: int, bounds: tuple[float, float], columns: Sequence[str]
) -> None:
    """Only the first band may be open below and only the last open above."""
    low, high = bounds
    if math.isnan(low) and i > 0:
        raise InputError(
            name, row.line, columns[0], _("only the first band may have no lower bound")
        )
    if math.isnan(high) and i < count - 1:
        raise InputError(
            name, row.line, columns[1], _("only the last band may have no upper bound")
        )
    if low >= high:
        raise InputError(
            name,
            row.line,
            columns[1],
            _("band is empty (%(low)s to %(high)s)") % {"low": f"{low:g}", "high": f"{high:g}"},
        )


def read_pag_numbers(name: str, rows: list[Row]) -> IntArray:
    """Group numbers: whole and unique."""
    seen: dict[int, int] = {}
    for row in rows:
        text = row.get("pag")
        if not text.isdigit():
            raise InputError(
                name,
                row.line,
                "pag",
                _("expected a group number, found %(text)s") % {"text": repr(text)},
            )
        if int(text) in seen:
            message = _("group %(group)s appears twice (first on line %(line)s)") % {
                "group": text,
                "line": seen[int(text)],
            }
            raise InputError(name, row.line, "pag", message)
        seen[int(text)] = row.line
    return np.array(list(seen), dtype=np.int64)


def read_group_table(
    path: TableFile, bound_columns: tuple[str, str], value_columns: Sequence[str]
) -> tuple[GroupTable, list[Row]]:
    """A prior attainment group table: numbers, contiguous bands, a value per column."""
    name = str(path)
    rows = list(iter_rows(path, ["pag", *bound_columns, *value_columns]))
    if not rows:
        raise InputError(name, None, None, _("no prior attainment groups in the file"))
    pags = read_pag_numbers(name, rows)
    bands = read_bands(name, rows, *bound_columns)
    values = {
        column: np.array([cell(name, row, column, optional_number) for row in rows])
        for column in value_columns
    }
    return GroupTable(pags, bands, values), rows


def read_p8_estimates(path: TableFile) -> GroupTable:
    """A Progress 8 estimates table in the form of the DfE's `progress8_estimates_YYYY.csv`.

    A group with every estimate empty has no estimate (a trust may have no such pupils);
    one with only some empty is refused.
    """
    table, rows = read_group_table(path, ("ks2_mean_above", "ks2_mean_upto"), A8_COLUMNS)
    for i, row in enumerate(rows):
        blank = [np.isnan(table.values[column][i]) for column in A8_COLUMNS]
        if any(blank) and not all(blank):
            column = A8_COLUMNS[blank.index(True)]
            raise InputError(str(path), row.line, column, _("estimate missing for this group"))
    return table


def read_ks1_ks2_table(path: TableFile) -> tuple[GroupTable, dict[str, float]]:
    """A KS1–KS2 table: groups by KS1 average, national KS2 averages and national SDs."""
    name = str(path)
    sd_columns = [f"{subject}_sd" for subject in KS2_SUBJECTS]
    table, rows = read_group_table(
        path, ("ks1_aps_above", "ks1_aps_upto"), [*KS2_SUBJECTS, *sd_columns]
    )
    national_sd: dict[str, float] = {}
    for subject, column in zip(KS2_SUBJECTS, sd_columns, strict=True):
        first = cell(name, rows[0], column, positive)
        for row in rows[1:]:
            if cell(name, row, column, positive) != first:
                message = _(
                    "the national SD must be the same on every row (line 2 has %(first)s)"
                ) % {"first": f"{first:g}"}
                raise InputError(name, row.line, column, message)
        national_sd[subject] = first
    values = {subject: table.values[subject] for subject in KS2_SUBJECTS}
    return GroupTable(table.pags, table.bands, values), national_sd


def read_national_sd(path: TableFile, measures: Sequence[str] = P8_MEASURES) -> dict[str, float]:
    """National SDs in the form of the DfE's `progress8_sd_YYYY.csv` (measure, national_sd)."""
    name = str(path)
    found: dict[str, float] = {}
    for row in iter_rows(path, ["measure", "national_sd"]):
        measure = row.get("measure").lower()
        if measure not in measures:
            raise InputError(
                name,
                row.line,
                "measure",
                _("unknown measure %(measure)s") % {"measure": repr(measure)},
            )
        if measure in found:
            raise InputError(
                name,
                row.line,
                "measure",
                _("%(measure)s appears twice") % {"measure": measure},
            )
        found[measure] = cell(name, row, "national_sd", positive)
    for measure in measures:
        if measure not in found:
            raise InputError(
                name, None, "measure", _("no row for %(measure)s") % {"measure": measure}
            )
    return found


def read_caps(path: TableFile, pags: IntArray) -> dict[str, FloatArray]:
    """Floors on extremely negative scores (pag, measure, floor), aligned to `pags`."""
    name = str(path)
    position = {int(pag): i for i, pag in enumerate(pags)}
    floors = {measure: np.full(len(pags), np.nan) for measure in P8_MEASURES}
    for row in iter_rows(path, ["pag", "measure", "floor"]):
        pag, measure = row.get("pag"), row.get("measure").lower()
        if not pag.isdigit() or int(pag) not in position:
            raise InputError(
                name,
                row.line,
                "pag",
                _("group %(pag)s is not in the estimates") % {"pag": repr(pag)},
            )
        if measure not in floors:
            raise InputError(
                name,
                row.line,
                "measure",
                _("unknown measure %(measure)s") % {"measure": repr(measure)},
            )
        floors[measure][position[int(pag)]] = cell(name, row, "floor", optional_number)
    return floors


# --- outcome code tables ----------------------------------------------------------------


def read_nominal(path: TableFile) -> dict[int, dict[str, float]]:
    """KS2 nominal scores by KS2 year and outcome code (the DfE's `ks2_nominal_scores.csv`)."""
    name = str(path)
    table: dict[int, dict[str, float]] = {}
    for row in iter_rows(path, ["ks2_year", "outcome", "nominal_score"]):
        year_text, outcome = row.get("ks2_year"), row.get("outcome").upper()
        if not year_text.isdigit():
            raise InputError(
                name,
                row.line,
                "ks2_year",
                _("expected a year, found %(year)s") % {"year": repr(year_text)},
            )
        year = table.setdefault(int(year_text), {})
        if not outcome or outcome in year:
            raise InputError(
                name,
                row.line,
                "outcome",
                _("outcome %(outcome)s empty or repeated") % {"outcome": repr(outcome)},
            )
        year[outcome] = cell(name, row, "nominal_score", number)
    return table


def nominal_for_year(
    path: TableFile, table: Mapping[int, Mapping[str, float]], year: int | None
) -> dict[str, float] | None:
    """The nominal scores for one KS2 year; None when no year was given."""
    if year is None:
        return None
    if year not in table:
        years = ", ".join(str(known) for known in sorted(table)) or _("none")
        message = _("no nominal scores for KS2 year %(year)s (the table has %(years)s)") % {
            "year": year,
            "years": years,
        }
        raise InputError(str(path), None, "ks2_year", message)
    return dict(table[year])


def read_points(path: TableFile) -> dict[str, float]:
    """Outcome points (outcome, points); an empty points cell marks "no usable result"."""
    name = str(path)
    points: dict[str, float] = {}
    for row in iter_rows(path, ["outcome", "points"]):
        outcome = row.get("outcome").upper()
        if not outcome or outcome in points:
            raise InputError(
                name,
                row.line,
                "outcome",
                _("outcome %(outcome)s empty or repeated") % {"outcome": repr(outcome)},
            )
        points[outcome] = cell(name, row, "points", optional_number)
    return points


# --- pupil files ------------------------------------------------------------------------


@dataclass(frozen=True)
class Ks2Codes:
    """How KS2 cells are read: nominal scores for one year, and which codes exist at all."""

    nominal: Mapping[str, float] | None
    nominal_codes: frozenset[str]  # codes of any year: they need --ks2-year
    writing_points: Mapping[str, float] = field(default_factory=dict)

    def code(self, code: str) -> float | None:
        """Points for a code below the test or with no result (NaN); None if not a code."""
        if self.nominal is not None and code in self.nominal:
            return self.nominal[code]
        if code in KS2_NO_RESULT_CODES:
            return math.nan
        if code in self.nominal_codes:
            raise CellError(
                _("%(code)s needs a nominal score: give --ks2-year (and --nominal)")
                % {"code": code}
            )
        return None

    def score(self, text: str) -> float:
        """A KS2 test result: scaled score (80–120) or code as points; NaN if none."""
        if text == "":
            return math.nan
        points = self.code(text.upper())
        if points is not None:
            return points
        try:
            value = float(text)
        except ValueError:
            raise CellError(_("unknown KS2 outcome code %(text)s") % {"text": repr(text)}) from None
        low, high = KS2_SCALED_RANGE
        if not low <= value <= high:
            raise CellError(
                _("KS2 score %(text)s is outside 80–120 and not a known code") % {"text": text}
            )
        return value

    def writing(self, text: str) -> float:
        """KS2 writing teacher assessment: a code from the writing table or a nominal code."""
        if text == "":
            return math.nan
        code = text.upper()
        if code in self.writing_points:
            return self.writing_points[code]
        points = self.code(code)
        if points is None:
            raise CellError(_("unknown KS2 writing outcome code %(text)s") % {"text": repr(text)})
        return points


@dataclass
class Groupings:
    """Accumulates group labels row by row, as small integer codes."""

    present: list[str]
    codes: dict[str, list[int]] = field(default_factory=dict)
    labels: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, name: str, row: Row) -> None:
        """Read this row's group labels."""
        for column in self.present:
            label = cell_label(name, row, column)
            index = self.labels.setdefault(column, {}).setdefault(label, len(self.labels[column]))
            self.codes.setdefault(column, []).append(index)

    def build(self) -> list[Grouping]:
        """The groupings read."""
        return [
            Grouping(
                column,
                np.array(self.codes.get(column, []), dtype=np.int64),
                tuple(self.labels.get(column, {})),
            )
            for column in self.present
        ]


def cell_label(name: str, row: Row, column: str) -> str:
    """A group label: yes/no for flags, SEN provision, gender; blank is "not recorded"."""
    text = row.get(column)
    lowered = text.lower()
    if lowered == "":
        return NOT_RECORDED
    if column == "gender":
        return GENDER_LABELS.get(lowered, lowered)
    if column == "sen" and lowered in SEN_LABELS:
        return SEN_LABELS[lowered]
    if lowered in YES:
        return "yes"
    if lowered in NO:
        return "no"
    expected = _("Y, N, K (SEN support) or E (EHC plan)") if column == "sen" else _("Y or N")
    raise InputError(
        name,
        row.line,
        column,
        _("expected %(expected)s, found %(text)s") % {"expected": expected, "text": repr(text)},
    )


class PupilFile:
    """A pupil file read into columns.

    The column reader keeps the pupil_ids as one Arrow string array (`pupil_id_texts`): the
    list of them and the line numbers are made only when something asks for them (the JSON
    report does; the CSV, written from the arrays, does not).
    """

    def __init__(
        self,
        pupil_ids: list[str] | None,
        lines: list[int] | None,
        columns: dict[str, FloatArray],
        groupings: list[Grouping],
        pupil_id_texts: Any = None,
    ) -> None:
        if pupil_ids is None and pupil_id_texts is None:
            raise ValueError("a pupil file needs its pupil_ids")
        self._pupil_ids, self._lines = pupil_ids, lines
        self.columns, self.groupings = columns, groupings
        # The pupil_ids as an Arrow string array, when the file was read by columns.
        self.pupil_id_texts = pupil_id_texts

    @property
    def count(self) -> int:
        """How many pupils the file has."""
        if self._pupil_ids is not None:
            return len(self._pupil_ids)
        return len(self.pupil_id_texts)

    @cached_property
    def pupil_ids(self) -> list[str]:
        """Each pupil's id, in file order."""
        if self._pupil_ids is not None:
            return self._pupil_ids
        ids: list[str] = self.pupil_id_texts.to_pylist()
        return ids

    @cached_property
    def lines(self) -> list[int]:
        """The line of the file each pupil is on (one a line after the header, when not
        given)."""
        return self._lines if self._lines is not None else list(range(2, self.count + 2))


BASICS_COLUMNS = ("english_grade", "maths_grade")  # optional: the grades behind Basics


def read_pupils(
    path: TableFile,
    parsers: Mapping[str, Callable[[str], float]],
    optional_columns: Mapping[str, Callable[[str], float]] | None = None,
) -> PupilFile:
    """Pupil rows: a unique pupil_id, each parsed column, and any group columns present.

    `optional_columns` are read when the header has them (and then every row is checked).
    A regular file is read column by column (`read_pupil_columns`); anything irregular, and
    every file with a mistake in it, row by row, which finds and names the first mistake.
    """
    fast = read_pupil_columns(path, parsers, optional_columns)
    if fast is not None:
        return fast
    name = str(path)
    ids: list[str] = []
    lines: list[int] = []
    first_line: dict[str, int] = {}
    values: dict[str, list[float]] = {column: [] for column in parsers}
    # A column holds few distinct texts (scores 80–120, grade points): parse each once.
    known: dict[str, dict[str, float]] = {column: {} for column in parsers}
    groupings: Groupings | None = None
    parsers = dict(parsers)
    for row in iter_rows(path, ["pupil_id", *parsers]):
        if groupings is None:
            groupings = Groupings([c for c in GROUP_COLUMNS if c in row.columns])
            for column, parse in (optional_columns or {}).items():
                if column in row.columns:
                    parsers[column] = parse
                    values[column], known[column] = [], {}
        pupil_id = check_pupil_id(name, row, first_line)
        for column, parse in parsers.items():
            text = row.get(column)
            value = known[column].get(text)
            if value is None:
                value = known[column][text] = cell(name, row, column, parse)
            values[column].append(value)
        groupings.add(name, row)
        ids.append(pupil_id)
        lines.append(row.line)
    if not ids:
        raise InputError(name, None, None, _("no pupils in the file"))
    arrays = {column: np.array(column_values) for column, column_values in values.items()}
    return PupilFile(ids, lines, arrays, groupings.build() if groupings else [])


class Irregular(Exception):
    """The file is not one the column reader takes: the row reader reads it instead."""


# What `str.strip()` strips: every character for which `str.isspace()` is true.
SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
BLOCK_SIZE = 1 << 20  # bytes Arrow's reader parses at a time (tests make it small)
BOM = b"\xef\xbb\xbf"


def read_pupil_columns(
    path: TableFile,
    parsers: Mapping[str, Callable[[str], float]],
    optional_columns: Mapping[str, Callable[[str], float]] | None = None,
) -> PupilFile | None:
    """`read_pupils` for a regular file, column by column; None for any other file.

    Regular: UTF-8, every row as wide as the header and on one line of the file (no blank
    rows, no line breaks inside cells), every pupil_id present and once, every cell valid.
    Apache Arrow's CSV reader splits the file into columns in C, dictionary-encoding each
    column read as it goes (block by block, on every core): each distinct text (a few
    hundred among hundreds of thousands of cells) is stripped and parsed once, and the column
    becomes numbers by indexing the parsed values with the codes. The pupil_ids stay one
    Arrow array, checked for repeats by `distinct_texts`. The result is the row reader's,
    value for value; a file that is not regular gets None, and the row reader then reads it
    (and names the first mistake, if that is why).
    """
    try:
        if isinstance(path, TextFile):
            data = path.text.removeprefix("\ufeff").encode("utf-8")
        else:
            data = Path(path).read_bytes().removeprefix(BOM)
        return _read_columns(str(path), data, parsers, optional_columns or {})
    except (OSError, UnicodeError, csv.Error, CellError, InputError, Irregular):
        return None  # the row reader says what is wrong


def _read_columns(
    name: str,
    data: bytes,
    parsers: Mapping[str, Callable[[str], float]],
    optional_columns: Mapping[str, Callable[[str], float]],
) -> PupilFile:
    import pyarrow as pa  # only the commands that read whole files need Arrow
    import pyarrow.csv as pa_csv

    end = data.find(b"\n")
    first_line = data if end < 0 else data[:end]
    header = [cell.strip().lower() for cell in next(csv.reader([first_line.decode()]), [])]
    check_header(name, header, ["pupil_id", *parsers])
    columns = {column: index for index, column in enumerate(header) if column}
    readers = dict(parsers) | {c: f for c, f in optional_columns.items() if c in columns}
    groups = [c for c in GROUP_COLUMNS if c in columns]
    # The columns read are dictionary-encoded by Arrow's reader as it reads, block by block
    # on every core; the rest are still read as text, so that any cell not UTF-8 is refused.
    coded = {columns[column] for column in [*readers, *groups]} - {columns["pupil_id"]}
    names = [f"c{index}" for index in range(len(header))]
    types = {
        name: pa.dictionary(pa.int32(), pa.string()) if index in coded else pa.string()
        for index, name in enumerate(names)
    }
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(data),
            read_options=pa_csv.ReadOptions(skip_rows=1, column_names=names, block_size=BLOCK_SIZE),
            parse_options=pa_csv.ParseOptions(ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(column_types=types),
        )
    except pa.ArrowInvalid as error:
        raise Irregular from error  # ragged rows, or not UTF-8
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if table.num_rows == 0 or lines != table.num_rows + 1:
        raise Irregular  # no pupils, or a line break inside a cell, or a lone carriage return
    # Each block has its own dictionary; one for the whole file keeps the order in which
    # each text first appears (the row reader's order of group labels).
    table = table.unify_dictionaries()

    def encoded(column: str) -> tuple[list[str], Any]:
        """The distinct texts of a column, in the order they first appear, and each cell's."""
        codes = table.column(columns[column]).combine_chunks()
        if codes.null_count:
            raise Irregular
        return codes.dictionary.to_pylist(), codes.indices.to_numpy()

    id_texts = arrow.trim(table.column(columns["pupil_id"]), SPACE).combine_chunks()
    if not distinct_texts(id_texts):
        raise Irregular  # a pupil_id missing or repeated
    arrays: dict[str, FloatArray] = {}
    for column, parse in readers.items():
        texts, indices = encoded(column)
        values = np.array([parse(text.strip()) for text in texts], dtype=np.float64)
        arrays[column] = values[indices]
    groupings = []
    for column in groups:
        texts, indices = encoded(column)
        labels: dict[str, int] = {}
        coded_labels = [
            labels.setdefault(cell_label(name, Row(0, [text], {column: 0}), column), len(labels))
            for text in texts
        ]
        codes = np.array(coded_labels, dtype=np.int64)[indices]
        groupings.append(Grouping(column, codes, tuple(labels)))
    return PupilFile(None, None, arrays, groupings, id_texts)


def distinct_texts(texts: Any) -> bool:
    """Whether an Arrow string array has no null, no empty text and no text twice.

    Each text is hashed from its bytes eight at a time, in NumPy, and the hashes sorted:
    600,000 texts take milliseconds, where a Python set of them takes a tenth of a second.
    Texts with distinct hashes are distinct; only when two hashes are the same are the texts
    themselves compared (a set of them), so the answer is always exact.
    """
    count = len(texts)
    if texts.null_count or count == 0:
        return False
    offsets = np.frombuffer(texts.buffers()[1], np.int32, count + 1, texts.offset * 4)
    lengths = np.diff(offsets)
    if lengths.min() <= 0:
        return False  # an empty text
    data = texts.buffers()[2]
    padded = np.zeros(data.size + 8, np.uint8)
    padded[: data.size] = np.frombuffer(data, np.uint8)
    # words[i] is the 8 bytes from byte i on, read as one little-endian number.
    words = np.ndarray((data.size,), np.dtype("<u8"), padded, 0, (1,))
    hashes = lengths.astype(np.uint64) * HASH_MULTIPLIER
    starts = offsets[:-1]
    for first in range(0, int(lengths.max()), 8):
        word = words[np.minimum(starts + first, data.size - 1)]  # past a text's end: unused
        left = lengths - first  # bytes of the text from this word on (8 or more: all)
        short = (left > 0) & (left < 8)
        word[left <= 0] = 0
        word[short] &= (np.uint64(1) << (8 * left[short]).astype(np.uint64)) - np.uint64(1)
        hashes = (hashes ^ word) * HASH_MULTIPLIER
    hashes = np.sort(hashes ^ (hashes >> np.uint64(29)))
    if not np.any(hashes[1:] == hashes[:-1]):
        return True
    ids = texts.to_pylist()
    return len(set(ids)) == len(ids)


HASH_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # odd: multiplying by it loses nothing


def check_pupil_id(name: str, row: Row, first_line: dict[str, int]) -> str:
    """A pupil_id that is present and not repeated."""
    pupil_id = row.get("pupil_id")
    if not pupil_id:
        raise InputError(name, row.line, "pupil_id", _("pupil_id is empty"))
    if pupil_id in first_line:
        message = _("pupil %(pupil)s appears twice (first on line %(line)s)") % {
            "pupil": pupil_id,
            "line": first_line[pupil_id],
        }
        raise InputError(name, row.line, "pupil_id", message)
    first_line[pupil_id] = row.line
    return pupil_id


BASICS_PARSERS = {column: optional(bounded(0.0, 9.0)) for column in BASICS_COLUMNS}


def read_p8_pupils(path: TableFile, codes: Ks2Codes | None) -> PupilFile:
    """A Progress 8 pupil file: KS2 reading and maths, Attainment 8 and its elements.

    Without `codes` the prior attainment is a school's own baseline instead: a `baseline`
    column on the KS2 scale (80–120; blank for a pupil without one).
    """
    parsers: dict[str, Callable[[str], float]] = {}
    if codes is None:
        parsers["baseline"] = optional(bounded(*KS2_SCALED_RANGE))
    else:
        parsers |= {"ks2_reading": codes.score, "ks2_maths": codes.score}
    parsers |= {column: bounded(0.0, A8_MAXIMUM[column]) for column in A8_COLUMNS}
    pupils = read_pupils(path, parsers, BASICS_PARSERS)
    check_attainment8_sums(str(path), pupils)
    return pupils


def read_attainment_pupils(path: TableFile) -> PupilFile:
    """A pupil file's Attainment 8 and elements alone (a cohort with no KS2 baseline)."""
    parsers = {column: bounded(0.0, A8_MAXIMUM[column]) for column in A8_COLUMNS}
    pupils = read_pupils(path, parsers, BASICS_PARSERS)
    check_attainment8_sums(str(path), pupils)
    return pupils


def check_attainment8_sums(name: str, pupils: PupilFile) -> None:
    """Attainment 8 must be the sum of its four elements (to the nearest 0.01)."""
    columns = pupils.columns
    elements = columns["english"] + columns["maths"] + columns["ebacc"] + columns["open"]
    wrong = np.flatnonzero(np.abs(columns["attainment8"] - elements) > 0.005)
    if len(wrong):
        i = int(wrong[0])
        message = _("attainment8 %(total)s is not the sum of the elements (%(sum)s)") % {
            "total": f"{columns['attainment8'][i]:g}",
            "sum": f"{elements[i]:g}",
        }
        raise InputError(name, pupils.lines[i], "attainment8", message)


def outcome_parser(points: Mapping[str, float], what: str) -> Callable[[str], float]:
    """A parser for outcome codes from a points table; blank is no usable result."""

    def parse(text: str) -> float:
        if text == "":
            return math.nan
        code = text.upper()
        if code not in points:
            raise CellError(
                _("unknown %(what)s outcome code %(text)s") % {"what": what, "text": repr(text)}
            )
        return points[code]

    return parse


def read_ks2_pupils(path: TableFile, ks1_points: Mapping[str, float], codes: Ks2Codes) -> PupilFile:
    """A KS1–KS2 pupil file: KS1 outcomes, KS2 reading and maths scores, KS2 writing TA."""
    ks1 = outcome_parser(ks1_points, "KS1")
    parsers: dict[str, Callable[[str], float]] = {
        "ks1_reading": ks1,
        "ks1_writing": ks1,
        "ks1_maths": ks1,
        "ks2_reading": codes.score,
        "ks2_writing": codes.writing,
        "ks2_maths": codes.score,
    }
    return read_pupils(path, parsers)
