"""Reading a school's results files (CSV) and checking every cell before anything is saved.

Plain Python with no Django import: the service looks up the school's pupils and the
reference tables and passes them in. Every bad cell is reported (not only the first), each
naming the file, the line and the column, in the kernel's `InputError` form; a file with any
error is refused whole.

Two forms (column names are case-insensitive; other columns are ignored):

- results: `upn` and any of the stages — KS1 `ks1_year, ks1_reading, ks1_writing,
  ks1_maths`; KS2 `ks2_year, ks2_reading, ks2_maths` (and `ks2_writing`); KS4 `ks4_year,
  attainment8, english, maths, ebacc, open` (and, for Basics, `english_grade, maths_grade`:
  the better of English language and literature, and maths). A stage is read when its year
  column is there; a row with that year empty has no result for the stage.
- qualifications: `upn, ks4_year, subject, kind, grade`, one row per qualification after
  discounting; Attainment 8 is worked out from them by the kernel.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from nextsteps.progress.kernels.attainment8 import Kind, Qualification, attainment8
from nextsteps.progress.kernels.ks4_models import shipped_models
from nextsteps.progress.kernels.tables import (
    A8_MAXIMUM,
    CellError,
    InputError,
    Ks2Codes,
    Row,
    TextFile,
    iter_rows,
    outcome_parser,
)

MAX_ERRORS = 100
YEARS = (1995, 2100)
KS1_COLUMNS = ("ks1_reading", "ks1_writing", "ks1_maths")
KS2_COLUMNS = ("ks2_reading", "ks2_maths")
KS4_COLUMNS = ("attainment8", "english", "maths", "ebacc", "open")
BASICS_COLUMNS = ("english_grade", "maths_grade")  # optional, with ks4_year
STAGES = {"ks1_year": KS1_COLUMNS, "ks2_year": KS2_COLUMNS, "ks4_year": KS4_COLUMNS}
QUALIFICATION_COLUMNS = ("upn", "ks4_year", "subject", "kind", "grade")
# Kinds as written in a file: the kernel's names, with spaces or underscores, any case.
KIND_NAMES = {kind.value.replace("_", " "): kind for kind in Kind} | {"mathematics": Kind.MATHS}


class UploadErrors(Exception):
    """Every problem found in a file; nothing from it was saved."""

    def __init__(self, errors: Sequence[InputError], more: int = 0) -> None:
        self.errors = list(errors)
        self.more = more
        super().__init__("; ".join(str(error) for error in self.errors))


@dataclass(frozen=True)
class ResultRules:
    """What a results file is checked against: the school's pupils and the code tables."""

    school: str
    pupils: Mapping[str, int]  # UPN → pupil id
    ks1_points: Mapping[str, float]
    writing_points: Mapping[str, float]
    nominal: Mapping[int, Mapping[str, float]]  # KS2 year → outcome → nominal score


@dataclass(frozen=True)
class Ks1Row:
    pupil_id: int
    year: int
    reading: str
    writing: str
    maths: str


@dataclass(frozen=True)
class Ks2Row:
    pupil_id: int
    year: int
    reading: str
    maths: str
    writing: str


@dataclass(frozen=True)
class Ks4Row:
    pupil_id: int
    year: int
    points: dict[str, Decimal | None]  # attainment8, the four elements, the Basics grades
    qualifications: tuple[tuple[str, str, Decimal], ...] = ()  # (subject, kind, points)


@dataclass
class ParsedResults:
    ks1: list[Ks1Row] = field(default_factory=list)
    ks2: list[Ks2Row] = field(default_factory=list)
    ks4: list[Ks4Row] = field(default_factory=list)


@dataclass
class Collector:
    """Gathers errors cell by cell, up to a limit, then counts the rest."""

    name: str
    errors: list[InputError] = field(default_factory=list)
    more: int = 0

    def add(self, line: int | None, column: str | None, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(InputError(self.name, line, column, message))
        else:
            self.more += 1

    def cell(self, row: Row, column: str, parse: Callable[[str], str]) -> str | None:
        """The parsed cell, or None after noting why it is wrong."""
        try:
            return parse(row.get(column))
        except CellError as error:
            self.add(row.line, column, str(error))
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise UploadErrors(self.errors, self.more)


def rows_of(upload: TextFile, required: Sequence[str], collector: Collector) -> Iterator[Row]:
    """The file's rows; a file-level problem (no header, bad CSV) is an error of its own."""
    try:
        yield from iter_rows(upload, required)
    except InputError as error:
        collector.errors.append(error)


# --- cells -----------------------------------------------------------------------------


def year_cell(text: str) -> str:
    if not text.isdigit() or not YEARS[0] <= int(text) <= YEARS[1]:
        raise CellError(_("expected a year such as 2024, found %(text)s") % {"text": repr(text)})
    return text


def decimal_points(text: str, maximum: float) -> Decimal:
    """Points from 0 to `maximum` with at most 2 decimal places."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError(_("expected points, found %(text)s") % {"text": repr(text)}) from None
    if not value.is_finite() or not 0 <= value <= Decimal(str(maximum)):
        raise CellError(
            _("%(text)s is outside 0–%(maximum)s") % {"text": text, "maximum": f"{maximum:g}"}
        )
    if value != value.quantize(Decimal("0.01")):
        raise CellError(_("%(text)s has more than 2 decimal places") % {"text": text})
    return value.quantize(Decimal("0.01"))


def ks2_test_cell(codes: Ks2Codes, year: int | None) -> Callable[[str], str]:
    """A KS2 test result as stored: a scaled score 80–120 or a known code (upper case)."""

    def parse(text: str) -> str:
        code = text.upper()
        if code in codes.nominal_codes and (codes.nominal is None or code not in codes.nominal):
            raise CellError(
                _(
                    "%(code)s needs the KS2 %(year)s nominal scores, which are not loaded "
                    "(add them under Reference tables)"
                )
                % {"code": code, "year": year}
            )
        value = codes.score(text)
        if text == "" or math.isnan(value) or code in (codes.nominal or {}):
            return code
        return f"{value:g}"

    return parse


def ks2_writing_cell(codes: Ks2Codes) -> Callable[[str], str]:
    def parse(text: str) -> str:
        codes.writing(text)
        return text.upper()

    return parse


def ks1_cell(points: Mapping[str, float]) -> Callable[[str], str]:
    check = outcome_parser(points, "KS1")

    def parse(text: str) -> str:
        check(text)
        return text.upper()

    return parse


class PupilLookup:
    """UPN cells: a pupil of this school, once per file."""

    def __init__(self, rules: ResultRules, collector: Collector) -> None:
        self.rules, self.collector = rules, collector
        self.first_line: dict[str, int] = {}

    def find(self, row: Row, *, once: bool = True) -> int | None:
        upn = row.get("upn").upper().replace(" ", "")
        if not upn:
            self.collector.add(row.line, "upn", _("UPN is empty"))
            return None
        if once and upn in self.first_line:
            message = _("UPN %(upn)s appears twice (first on line %(line)s)") % {
                "upn": upn,
                "line": self.first_line[upn],
            }
            self.collector.add(row.line, "upn", message)
            return None
        self.first_line.setdefault(upn, row.line)
        pupil_id = self.rules.pupils.get(upn)
        if pupil_id is None:
            self.collector.add(
                row.line,
                "upn",
                _("no pupil with UPN %(upn)s at %(school)s")
                % {"upn": upn, "school": self.rules.school},
            )
        return pupil_id


# --- results files ---------------------------------------------------------------------


def parse_results(upload: TextFile, rules: ResultRules) -> ParsedResults:
    """Every row's KS1, KS2 and KS4 results, or `UploadErrors` listing each bad cell."""
    collector = Collector(upload.name)
    lookup = PupilLookup(rules, collector)
    parsed = ParsedResults()
    stages: list[str] | None = None
    every_code = frozenset(code for scores in rules.nominal.values() for code in scores)
    for row in rows_of(upload, ["upn"], collector):
        if stages is None:
            stages = check_stages(row, collector)
            if stages is None:
                break
        pupil_id = lookup.find(row)
        if "ks1_year" in stages:
            ks1 = parse_ks1(row, rules, collector)
            if ks1 and pupil_id:
                parsed.ks1.append(Ks1Row(pupil_id, *ks1))
        if "ks2_year" in stages:
            ks2 = parse_ks2(row, rules, every_code, collector)
            if ks2 and pupil_id:
                parsed.ks2.append(Ks2Row(pupil_id, *ks2))
        if "ks4_year" in stages:
            ks4 = parse_ks4(row, collector)
            if ks4 and pupil_id:
                parsed.ks4.append(Ks4Row(pupil_id, *ks4))
    if stages is None and not collector.errors:
        collector.add(None, None, _("no pupils in the file"))
    collector.raise_if_any()
    return parsed


def check_stages(row: Row, collector: Collector) -> list[str] | None:
    """The stages the header holds, each with all its columns."""
    stages = [year for year in STAGES if year in row.columns]
    if not stages:
        collector.add(1, None, _("no results: expected ks1_year, ks2_year or ks4_year columns"))
        return None
    for year in stages:
        for column in STAGES[year]:
            if column not in row.columns:
                collector.add(
                    1, column, _("missing column (needed with %(year)s)") % {"year": year}
                )
    return None if collector.errors else stages


def stage_year(row: Row, year_column: str, columns: Sequence[str], c: Collector) -> int | None:
    """The stage's year; None when the row has no result for the stage (or a bad year)."""
    if row.get(year_column) == "":
        filled = [column for column in columns if row.get(column)]
        if filled:
            c.add(
                row.line,
                year_column,
                _("the year is empty but %(filled)s is filled in") % {"filled": filled[0]},
            )
        return None
    year = c.cell(row, year_column, year_cell)
    return int(year) if year else None


def parse_ks1(row: Row, rules: ResultRules, c: Collector) -> tuple[int, str, str, str] | None:
    year = stage_year(row, "ks1_year", KS1_COLUMNS, c)
    if year is None:
        return None
    parse = ks1_cell(rules.ks1_points)
    reading, writing, maths = (c.cell(row, column, parse) for column in KS1_COLUMNS)
    if reading is None or writing is None or maths is None:
        return None
    return year, reading, writing, maths


def parse_ks2(
    row: Row, rules: ResultRules, every_code: frozenset[str], c: Collector
) -> tuple[int, str, str, str] | None:
    columns = (*KS2_COLUMNS, "ks2_writing")
    year = stage_year(row, "ks2_year", columns, c)
    if year is None:
        return None
    codes = Ks2Codes(rules.nominal.get(year), every_code, rules.writing_points)
    reading = c.cell(row, "ks2_reading", ks2_test_cell(codes, year))
    maths = c.cell(row, "ks2_maths", ks2_test_cell(codes, year))
    writing = c.cell(row, "ks2_writing", ks2_writing_cell(codes))
    if reading is None or maths is None or writing is None:
        return None
    return year, reading, maths, writing


def parse_ks4(row: Row, c: Collector) -> tuple[int, dict[str, Decimal | None]] | None:
    year = stage_year(row, "ks4_year", KS4_COLUMNS, c)
    if year is None:
        return None
    points: dict[str, Decimal | None] = {}
    for column in KS4_COLUMNS:
        try:
            points[column] = decimal_points(row.get(column), A8_MAXIMUM[column])
        except CellError as error:
            c.add(row.line, column, str(error))
    for column in BASICS_COLUMNS:  # optional: the grades behind Basics
        text = row.get(column) if column in row.columns else ""
        try:
            points[column] = grade_points(text) if text else None
        except CellError as error:
            c.add(row.line, column, str(error))
    if len(points) < len(KS4_COLUMNS) + len(BASICS_COLUMNS):
        return None
    elements = sum((points[column] or Decimal(0) for column in KS4_COLUMNS[1:]), Decimal(0))
    if elements != points["attainment8"]:
        message = _("attainment8 %(total)s is not the sum of the elements (%(sum)s)") % {
            "total": points["attainment8"],
            "sum": elements,
        }
        c.add(row.line, "attainment8", message)
        return None
    return year, points


# --- qualifications files --------------------------------------------------------------


def grade_points(text: str) -> Decimal:
    """A GCSE grade 9–1 or U, or another qualification's points (0–9, 2 dp)."""
    if text.upper() == "U":
        return Decimal("0.00")
    if text == "":
        raise CellError(_("grade is empty"))
    return decimal_points(text, 9)


def parse_qualifications(upload: TextFile, rules: ResultRules) -> ParsedResults:
    """Each pupil's qualifications, with Attainment 8 worked out by the kernel."""
    collector = Collector(upload.name)
    lookup = PupilLookup(rules, collector)
    by_pupil: dict[int, list[tuple[str, str, Decimal]]] = {}
    years: dict[int, tuple[int, int]] = {}  # pupil → (year, its first line)
    for row in rows_of(upload, QUALIFICATION_COLUMNS, collector):
        found = qualification_row(row, lookup, collector)
        if found is None:
            continue
        pupil_id, year, qualification = found
        first_year, first_line = years.setdefault(pupil_id, (year, row.line))
        if year != first_year:
            message = _("ks4_year %(year)s differs from %(first)s on line %(line)s") % {
                "year": year,
                "first": first_year,
                "line": first_line,
            }
            collector.add(row.line, "ks4_year", message)
            continue
        by_pupil.setdefault(pupil_id, []).append(qualification)
    if not by_pupil and not collector.errors:
        collector.add(None, None, _("no qualifications in the file"))
    collector.raise_if_any()
    return ParsedResults(ks4=[ks4_from_grades(p, years[p][0], q) for p, q in by_pupil.items()])


def qualification_row(
    row: Row, lookup: PupilLookup, c: Collector
) -> tuple[int, int, tuple[str, str, Decimal]] | None:
    """One qualification row's pupil, year and (subject, kind, points), checking each cell."""
    pupil_id = lookup.find(row, once=False)
    year = c.cell(row, "ks4_year", year_cell)
    subject = row.get("subject")
    if not subject:
        c.add(row.line, "subject", _("subject is empty"))
    kind = KIND_NAMES.get(" ".join(row.get("kind").lower().replace("_", " ").split()))
    if kind is None:
        expected = ", ".join(kind.value for kind in Kind)
        c.add(
            row.line,
            "kind",
            _("expected one of %(expected)s, found %(kind)s")
            % {"expected": expected, "kind": repr(row.get("kind"))},
        )
    points = c.cell(row, "grade", lambda text: str(grade_points(text)))
    if pupil_id is None or year is None or not subject or kind is None or points is None:
        return None
    return pupil_id, int(year), (subject, kind.value, Decimal(points))


def ks4_from_grades(pupil_id: int, year: int, rows: list[tuple[str, str, Decimal]]) -> Ks4Row:
    """A pupil's Attainment 8 and elements from their qualifications (DfE slot rules)."""
    result = attainment8(
        Qualification(Kind(kind), float(points), subject) for subject, kind, points in rows
    )
    points: dict[str, Decimal | None] = {
        column: Decimal(str(getattr(result, column))).quantize(Decimal("0.01"))
        for column in KS4_COLUMNS
    }
    rule = shipped_models().basics
    points["english_grade"] = max((p for _, k, p in rows if k in rule.english), default=None)
    points["maths_grade"] = max((p for _, k, p in rows if k in rule.maths), default=None)
    return Ks4Row(pupil_id, year, points, tuple(rows))


# --- a school's own baseline -----------------------------------------------------------


def proxy_score(text: str) -> Decimal:
    """A score on the KS2 scaled score scale, 80–120, with at most 2 decimal places."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError(_("expected a score, found %(text)s") % {"text": repr(text)}) from None
    if not value.is_finite() or not Decimal(80) <= value <= Decimal(120):
        raise CellError(_("%(text)s is outside 80–120 (the KS2 scale)") % {"text": text})
    if value != value.quantize(Decimal("0.01")):
        raise CellError(_("%(text)s has more than 2 decimal places") % {"text": text})
    return value.quantize(Decimal("0.01"))


def parse_proxy_scores(upload: TextFile, rules: ResultRules) -> dict[int, Decimal]:
    """`upn, score` rows for pupils of the cohort: pupil id → score, or `UploadErrors`."""
    collector = Collector(upload.name)
    lookup = PupilLookup(rules, collector)
    scores: dict[int, Decimal] = {}
    for row in rows_of(upload, ["upn", "score"], collector):
        pupil_id = lookup.find(row)
        try:
            score = proxy_score(row.get("score"))
        except CellError as error:
            collector.add(row.line, "score", str(error))
            continue
        if pupil_id is not None:
            scores[pupil_id] = score
    if not scores and not collector.errors:
        collector.add(None, None, _("no pupils in the file"))
    collector.raise_if_any()
    return scores


# --- planned options (Year 9 choices) ---------------------------------------------------

OPTION_COLUMNS = ("upn", "subject", "category")


def parse_options(
    upload: TextFile, rules: ResultRules, categories: Mapping[str, str]
) -> dict[int, list[tuple[str, str, int]]]:
    """`upn, subject, category[, entries]` rows: pupil id → planned (subject, category, entries).

    The category is one of the models file's (english_language, science, creative…); entries
    is 1, or 2 for combined science. A subject twice for a pupil is refused.
    """
    collector = Collector(upload.name)
    lookup = PupilLookup(rules, collector)
    plans: dict[int, list[tuple[str, str, int]]] = {}
    first: dict[tuple[int, str], int] = {}
    for row in rows_of(upload, OPTION_COLUMNS, collector):
        pupil_id = lookup.find(row, once=False)
        subject = " ".join(row.get("subject").split())
        if not subject:
            collector.add(row.line, "subject", _("subject is empty"))
        elif len(subject) > 100:
            collector.add(row.line, "subject", _("subject is longer than 100 characters"))
        category = row.get("category").strip().lower().replace(" ", "_")
        if category not in categories:
            collector.add(
                row.line,
                "category",
                _("expected one of %(expected)s, found %(category)s")
                % {"expected": ", ".join(categories), "category": repr(row.get("category"))},
            )
            category = ""
        entries_text = row.get("entries") if "entries" in row.columns else ""
        entries = 1
        if entries_text not in {"", "1", "2"}:
            collector.add(
                row.line, "entries", _("expected 1 or 2, found %(t)s") % {"t": repr(entries_text)}
            )
        elif entries_text:
            entries = int(entries_text)
        if pupil_id is None or not subject or len(subject) > 100 or not category:
            continue
        key = (pupil_id, subject.lower())
        if key in first:
            collector.add(
                row.line,
                "subject",
                _("%(subject)s is planned twice for this pupil (first on line %(line)s)")
                % {"subject": subject, "line": first[key]},
            )
            continue
        first[key] = row.line
        plans.setdefault(pupil_id, []).append((subject, category, entries))
    if not plans and not collector.errors:
        collector.add(None, None, _("no planned subjects in the file"))
    collector.raise_if_any()
    return plans
