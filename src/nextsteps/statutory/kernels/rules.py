"""The statutory checks' rules and national figures, read from the data files in `data/`.

Pure: no Django import. Every rule that changes with national policy is a row with its
academic year and its source (title and address); a year with no row is named in a clear
error (`NoRuleError`), never guessed.

- `phonics_thresholds.csv`: the phonics screening check's threshold mark for each year (the
  STA publishes it each June, after the check). A school may enter the mark for a year the
  release does not ship yet; the school's entry is then the rule, with the source "entered
  by the school".
- `phonics_national.csv`: the percentage of Year 1 pupils meeting the expected standard in
  England (DfE statistics).
- `mtc_national.csv`: the multiplication tables check's national average score and the
  percentage of pupils scoring full marks (DfE statistics).
- `not_taken_reasons.csv`: the reasons a pupil did not take a check (phonics, mtc) or was not
  given the Reception baseline (baseline), as codes.

The shape of the checks themselves (40 words in the phonics check, 25 items in the
multiplication tables check) is fixed by the checks' frameworks and held here as constants.
"""

from __future__ import annotations

import csv
import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from nextsteps.i18n import translate as _

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PHONICS_WORDS = 40  # the check's 40 words (real and pseudo), one mark each
MTC_ITEMS = 25  # the check's 25 items, one mark each
CHECKS = ("phonics", "mtc", "baseline")
_ACADEMIC_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


class NoRuleError(LookupError):
    """No rule or figure for the year asked: named, never guessed."""


class RuleFileError(ValueError):
    """A data file that cannot be read: names the file, line and column."""


@dataclass(frozen=True)
class Sourced:
    """A figure with where it comes from."""

    academic_year: str
    value: Decimal
    source_title: str
    source_url: str


@dataclass(frozen=True)
class MtcNational:
    academic_year: str
    average_score: Decimal
    percent_full_marks: Decimal | None
    source_title: str
    source_url: str


@dataclass(frozen=True)
class Reason:
    check: str
    code: str
    label: str
    source_title: str
    source_url: str


# ---------------------------------------------------------------------------- years


def academic_year_check(value: str) -> str:
    """'2024/25' as given, or ValueError naming what is wrong (the second half must follow)."""
    match = _ACADEMIC_YEAR.match(value.strip())
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(
            _("%(value)s is not an academic year such as 2024/25") % {"value": value or "''"}
        )
    return value.strip()


def check_year(academic_year: str) -> int:
    """The calendar year a check of this academic year is taken in (June): 2024/25 → 2025."""
    return int(academic_year_check(academic_year)[:4]) + 1


def academic_year_of_check(year: int) -> str:
    """The academic year of a check taken in June of this calendar year: 2025 → 2024/25."""
    return f"{year - 1}/{year % 100:02d}"


def previous_academic_year(academic_year: str) -> str:
    """2026/27 → 2025/26."""
    start = int(academic_year_check(academic_year)[:4]) - 1
    return f"{start}/{(start + 1) % 100:02d}"


def academic_year_on(month: int, year: int) -> str:
    """The academic year (September to August) a date falls in."""
    start = year if month >= 9 else year - 1
    return f"{start}/{(start + 1) % 100:02d}"


# ---------------------------------------------------------------------------- marks


def mark_check(value: object, *, maximum: int, field: str) -> int:
    """A whole-number mark from 0 to maximum, or ValueError naming the field and the range."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        text = value.strip()
        if not text.isdigit():
            raise ValueError(
                _("%(field)s must be a whole number from 0 to %(maximum)s, not '%(value)s'")
                % {"field": field, "maximum": maximum, "value": text}
            )
        value = int(text)
    if not isinstance(value, int) or not 0 <= value <= maximum:
        raise ValueError(
            _("%(field)s must be from 0 to %(maximum)s, not %(value)s")
            % {"field": field, "maximum": maximum, "value": value}
        )
    return value


# ---------------------------------------------------------------------------- files


def _rows(path: Path, columns: Sequence[str]) -> Iterable[tuple[int, dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise RuleFileError(
                _("%(file)s, line 1: missing column %(column)s")
                % {"file": path.name, "column": ", ".join(missing)}
            )
        for line, row in enumerate(reader, start=2):
            yield line, {k: (v or "").strip() for k, v in row.items() if k}


def _decimal(path: Path, line: int, column: str, text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0:
        raise RuleFileError(
            _("%(file)s, line %(line)s, column %(column)s: '%(text)s' is not a number")
            % {"file": path.name, "line": line, "column": column, "text": text}
        )
    return value


def _year(path: Path, line: int, text: str, seen: set[str]) -> str:
    try:
        year = academic_year_check(text)
    except ValueError as error:
        raise RuleFileError(f"{path.name}, line {line}, column academic_year: {error}") from error
    if year in seen:
        raise RuleFileError(
            _("%(file)s, line %(line)s, column academic_year: %(year)s appears twice")
            % {"file": path.name, "line": line, "year": year}
        )
    seen.add(year)
    return year


def _source(path: Path, line: int, row: dict[str, str]) -> tuple[str, str]:
    for column in ("source_title", "source_url"):
        if not row[column]:
            raise RuleFileError(
                _("%(file)s, line %(line)s, column %(column)s: every figure names its source")
                % {"file": path.name, "line": line, "column": column}
            )
    return row["source_title"], row["source_url"]


def read_phonics_thresholds(path: Path | None = None) -> dict[str, Sourced]:
    """Threshold marks by academic year; each from 0 to 40 with its source."""
    path = path or DATA_DIR / "phonics_thresholds.csv"
    table: dict[str, Sourced] = {}
    seen: set[str] = set()
    for line, row in _rows(path, ("academic_year", "threshold", "source_title", "source_url")):
        year = _year(path, line, row["academic_year"], seen)
        try:
            threshold = mark_check(row["threshold"], maximum=PHONICS_WORDS, field="threshold")
        except ValueError as error:
            raise RuleFileError(f"{path.name}, line {line}, column threshold: {error}") from error
        title, url = _source(path, line, row)
        table[year] = Sourced(year, Decimal(threshold), title, url)
    return table


def read_phonics_national(path: Path | None = None) -> dict[str, Sourced]:
    """The national percentage of Year 1 pupils meeting the standard, by academic year."""
    path = path or DATA_DIR / "phonics_national.csv"
    columns = ("academic_year", "percent_meeting_year1", "source_title", "source_url")
    table: dict[str, Sourced] = {}
    seen: set[str] = set()
    for line, row in _rows(path, columns):
        year = _year(path, line, row["academic_year"], seen)
        value = _decimal(path, line, "percent_meeting_year1", row["percent_meeting_year1"])
        title, url = _source(path, line, row)
        table[year] = Sourced(year, value, title, url)
    return table


def read_mtc_national(path: Path | None = None) -> dict[str, MtcNational]:
    """The national average score (0 to 25) and % full marks, by academic year."""
    path = path or DATA_DIR / "mtc_national.csv"
    columns = ("academic_year", "average_score", "percent_full_marks", "source_title", "source_url")
    table: dict[str, MtcNational] = {}
    seen: set[str] = set()
    for line, row in _rows(path, columns):
        year = _year(path, line, row["academic_year"], seen)
        average = _decimal(path, line, "average_score", row["average_score"])
        if average > MTC_ITEMS:
            raise RuleFileError(
                f"{path.name}, line {line}, column average_score: {average} is more than 25"
            )
        full = row["percent_full_marks"]
        percent = _decimal(path, line, "percent_full_marks", full) if full else None
        title, url = _source(path, line, row)
        table[year] = MtcNational(year, average, percent, title, url)
    return table


def read_reasons(path: Path | None = None) -> dict[str, dict[str, Reason]]:
    """Not-taken reason codes by check ('phonics', 'mtc', 'baseline'), then by code."""
    path = path or DATA_DIR / "not_taken_reasons.csv"
    table: dict[str, dict[str, Reason]] = {check: {} for check in CHECKS}
    for line, row in _rows(path, ("check", "code", "label", "source_title", "source_url")):
        if row["check"] not in table:
            raise RuleFileError(
                f"{path.name}, line {line}, column check: '{row['check']}' is not one of "
                + ", ".join(CHECKS)
            )
        if not row["code"] or row["code"] in table[row["check"]]:
            raise RuleFileError(f"{path.name}, line {line}, column code: missing or repeated")
        title, url = _source(path, line, row)
        table[row["check"]][row["code"]] = Reason(
            row["check"], row["code"], row["label"], title, url
        )
    return table


@functools.cache
def shipped_thresholds() -> dict[str, Sourced]:
    return read_phonics_thresholds()


@functools.cache
def shipped_phonics_national() -> dict[str, Sourced]:
    return read_phonics_national()


@functools.cache
def shipped_mtc_national() -> dict[str, MtcNational]:
    return read_mtc_national()


@functools.cache
def shipped_reasons() -> dict[str, dict[str, Reason]]:
    return read_reasons()


# ---------------------------------------------------------------------------- rules


def threshold_for(
    academic_year: str,
    *,
    shipped: dict[str, Sourced],
    school_entered: Sourced | None = None,
) -> Sourced:
    """The phonics threshold mark for a year: the school's entry if it made one, else the
    release's; a year with neither is refused by name."""
    if school_entered is not None:
        return school_entered
    if academic_year in shipped:
        return shipped[academic_year]
    raise NoRuleError(
        _(
            "No phonics threshold mark for %(year)s (the check of June %(june)s): the STA "
            "publishes it each June; enter it when it is published."
        )
        % {"year": academic_year, "june": check_year(academic_year)}
    )


def national_phonics_for(academic_year: str, table: dict[str, Sourced]) -> Sourced:
    if academic_year not in table:
        raise NoRuleError(
            _("No national phonics figure for %(year)s is shipped with this release.")
            % {"year": academic_year}
        )
    return table[academic_year]


def national_mtc_for(academic_year: str, table: dict[str, MtcNational]) -> MtcNational:
    if academic_year not in table:
        raise NoRuleError(
            _("No national multiplication tables check figure for %(year)s is shipped.")
            % {"year": academic_year}
        )
    return table[academic_year]


def meets_standard(mark: int | None, threshold: int) -> bool:
    """A mark at or above the threshold meets the expected standard; no mark does not."""
    return mark is not None and mark >= threshold


def needs_retake(mark: int | None, not_taken: str, threshold: int) -> bool:
    """Year 1 pupils who took the check and scored below the threshold retake it in Year 2.

    Pupils who did not take it in Year 1 (absent, disapplied…) also take it in Year 2, unless
    they left; the STA's rule is "pupils who did not meet the standard in Year 1".
    """
    if not_taken == "L":
        return False
    return not meets_standard(mark, threshold)


@dataclass(frozen=True)
class PhonicsSummary:
    eligible: int
    took: int
    meeting: int
    percent_meeting: Decimal | None  # of eligible pupils, as the DfE counts


def phonics_summary(marks: Sequence[int | None], threshold: int) -> PhonicsSummary:
    """Pupils meeting the standard, as a percentage of every eligible pupil (absent and
    disapplied pupils count in the total, as in the DfE's statistics)."""
    took = [m for m in marks if m is not None]
    meeting = sum(1 for m in took if m >= threshold)
    percent = _percent(meeting, len(marks))
    return PhonicsSummary(len(marks), len(took), meeting, percent)


@dataclass(frozen=True)
class MtcSummary:
    eligible: int
    took: int
    average: Decimal | None  # of the pupils who took the check, as the DfE counts
    full_marks: int
    percent_full_marks: Decimal | None  # of eligible pupils, as the DfE counts
    distribution: tuple[int, ...]  # pupils scoring 0, 1, … 25


def mtc_summary(scores: Sequence[int | None]) -> MtcSummary:
    """Average of the pupils who took the check; % full marks of all eligible pupils."""
    took = [s for s in scores if s is not None]
    average = None
    if took:
        average = (Decimal(sum(took)) / len(took)).quantize(Decimal("0.1"))
    counts = Counter(took)
    full = counts[MTC_ITEMS]
    return MtcSummary(
        eligible=len(scores),
        took=len(took),
        average=average,
        full_marks=full,
        percent_full_marks=_percent(full, len(scores)),
        distribution=tuple(counts[s] for s in range(MTC_ITEMS + 1)),
    )


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("1"))


@dataclass(frozen=True)
class ItemMark:
    """One word of the phonics check for one pupil: its position (1 to 40), real or pseudo."""

    position: int
    kind: str  # "real" | "pseudo"
    correct: bool


WORD_KINDS = ("real", "pseudo")


def item_marks_problems(items: Sequence[ItemMark], mark: int | None) -> list[str]:
    """What is wrong with a pupil's item-level marks: each of the 40 positions once, a known
    kind, and as many correct as the mark."""
    problems: list[str] = []
    positions = Counter(item.position for item in items)
    wrong = sorted(p for p in positions if not 1 <= p <= PHONICS_WORDS)
    if wrong:
        problems.append(
            _("word positions run from 1 to 40, not %(p)s") % {"p": ", ".join(map(str, wrong))}
        )
    repeated = sorted(p for p, n in positions.items() if n > 1)
    if repeated:
        problems.append(_("word %(p)s is marked twice") % {"p": ", ".join(map(str, repeated))})
    if len(positions) != PHONICS_WORDS and not wrong:
        problems.append(_("all 40 words are marked, or none (%(n)s given)") % {"n": len(positions)})
    kinds = sorted({item.kind for item in items} - set(WORD_KINDS))
    if kinds:
        problems.append(_("a word is real or pseudo, not %(k)s") % {"k": ", ".join(kinds)})
    correct = sum(1 for item in items if item.correct)
    if mark is not None and not problems and correct != mark:
        problems.append(
            _("%(correct)s words are marked correct but the mark is %(mark)s")
            % {"correct": correct, "mark": mark}
        )
    if mark is None and items:
        problems.append(_("words are marked for a pupil who did not take the check"))
    return problems


@dataclass(frozen=True)
class WordGap:
    position: int
    kind: str
    missed: int
    marked: int

    @property
    def percent_missed(self) -> int:
        return round(100 * self.missed / self.marked) if self.marked else 0


def word_gaps(pupils_items: Iterable[Sequence[ItemMark]]) -> list[WordGap]:
    """Each word with how many of the pupils marked item by item read it wrongly, the most
    missed first (then by position)."""
    missed: Counter[int] = Counter()
    marked: Counter[int] = Counter()
    kinds: dict[int, str] = {}
    for items in pupils_items:
        for item in items:
            marked[item.position] += 1
            kinds[item.position] = item.kind
            if not item.correct:
                missed[item.position] += 1
    gaps = [WordGap(p, kinds[p], missed[p], marked[p]) for p in marked]
    return sorted(gaps, key=lambda g: (-g.missed, g.position))
