"""Score conversion: raw marks to scaled scores, raw marks and ages to age-standardised scores.

Pure functions on plain data (no Django), so a table can be checked before it is loaded and
the same code converts in the page, the demo and the tests.

- A **scaled score table** (KS2 national curriculum tests: 80–120, 100 is the expected
  standard, 110 a high score) maps each raw mark from 0 to the paper's maximum to a scaled
  score, or to none when the mark is too low for a scaled score to be awarded.
- An **age-standardised score table** (a publisher's standardised test: mean 100, standard
  deviation 15 for pupils of the same age) maps a raw mark *and* the pupil's age in whole
  months on the day of the test to a score.
- **Attainment bands** name ranges of scores ("Expected standard" from 100); each band runs
  from its lowest score up to the next band's.

Messages are English templates marked with `gettext_noop` so the web layer can translate them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field


def gettext_noop(message: str) -> str:
    """Mark a message for translation without translating it here (no Django in kernels)."""
    return message


@dataclass(frozen=True)
class TableProblem:
    """One problem in a score table file: where it is, and what is wrong."""

    line: int
    column: str
    message: str
    params: dict[str, object] = field(default_factory=dict)

    def text(self, translate: object = None) -> str:
        template = translate(self.message) if callable(translate) else self.message
        return str(template) % self.params

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.text()}"


class TableRefused(ValueError):
    """A score table that cannot be loaded, with every problem found."""

    def __init__(self, problems: Sequence[TableProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class ScaledTable:
    """Raw mark → scaled score (None where no scaled score is awarded)."""

    scores: dict[int, int | None]

    @property
    def max_raw(self) -> int:
        return max(self.scores)

    def convert(self, raw: int) -> int | None:
        if raw not in self.scores:
            raise ValueError(f"raw mark {raw} is outside the table (0 to {self.max_raw})")
        return self.scores[raw]


@dataclass(frozen=True)
class StandardisedTable:
    """(raw mark, age in months) → age-standardised score (None where the table has none)."""

    scores: dict[tuple[int, int], int | None]

    @property
    def max_raw(self) -> int:
        return max(raw for raw, _ in self.scores)

    @property
    def youngest(self) -> int:
        return min(age for _, age in self.scores)

    @property
    def oldest(self) -> int:
        return max(age for _, age in self.scores)

    def convert(self, raw: int, age_months: int) -> int | None:
        """The score for a raw mark at an age; ages outside the table are refused, not guessed."""
        if not self.youngest <= age_months <= self.oldest:
            raise ValueError(
                f"age {format_age(age_months)} is outside the table "
                f"({format_age(self.youngest)} to {format_age(self.oldest)})"
            )
        if (raw, age_months) not in self.scores:
            raise ValueError(f"raw mark {raw} is outside the table (0 to {self.max_raw})")
        return self.scores[(raw, age_months)]


@dataclass(frozen=True)
class Band:
    label: str
    lowest: int


# KS2: 100 is the expected standard and 110 or more a high score (DfE).
DEFAULT_SCALED_BANDS = (
    Band(gettext_noop("Working towards the expected standard"), 80),
    Band(gettext_noop("Expected standard"), 100),
    Band(gettext_noop("High score"), 110),
)
# Age-standardised scores: mean 100, standard deviation 15; the usual descriptive bands.
DEFAULT_STANDARDISED_BANDS = (
    Band(gettext_noop("Well below average"), 0),
    Band(gettext_noop("Below average"), 85),
    Band(gettext_noop("Average"), 95),
    Band(gettext_noop("Above average"), 106),
    Band(gettext_noop("Well above average"), 116),
)


def band_for(score: int | None, bands: Iterable[Band]) -> Band | None:
    """The band a score falls in: the one with the highest lowest score at or below it."""
    if score is None:
        return None
    chosen = None
    for band in sorted(bands, key=lambda b: b.lowest):
        if band.lowest <= score:
            chosen = band
    return chosen


def age_in_months(born: dt.date, on: dt.date) -> int:
    """Completed months of age on a date (a pupil born 15 March is 8:0 until 14 March)."""
    months = (on.year - born.year) * 12 + (on.month - born.month)
    if on.day < born.day:
        months -= 1
    return months


def format_age(months: int) -> str:
    """Years and months as publishers print them: 8:04."""
    return f"{months // 12}:{months % 12:02d}"


AGE_PATTERN = re.compile(r"^\s*(\d{1,2})\s*[:.yY]\s*(\d{1,2})\s*[mM]?\s*$")


def parse_age(text: str) -> int | None:
    """Whole months from `8:04`, `8y 4m` or `100`; None when it is not an age."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    match = AGE_PATTERN.match(text)
    if match is None or int(match.group(2)) > 11:
        return None
    return int(match.group(1)) * 12 + int(match.group(2))


def _rows(text: str) -> list[list[str]]:
    return [
        row for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) if any(c.strip() for c in row)
    ]


def _whole(
    value: str, line: int, column: str, problems: list[TableProblem], *, blank_ok: bool
) -> int | None:
    value = value.strip()
    if value == "" and blank_ok:
        return None
    if value.lstrip("-").isdigit():
        return int(value)
    problems.append(
        TableProblem(
            line, column, gettext_noop("%(value)r is not a whole number"), {"value": value}
        )
    )
    return None


def read_scaled_table(text: str) -> ScaledTable:
    """Read `raw_mark,scaled_score` rows: every mark from 0 with no gaps, scores never falling."""
    rows = _rows(text)
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["raw_mark", "scaled_score"]:
        raise TableRefused(
            [TableProblem(1, "", gettext_noop("the first row must be raw_mark,scaled_score"))]
        )
    problems: list[TableProblem] = []
    scores: dict[int, int | None] = {}
    line_of: dict[int, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        row = row + [""] * (2 - len(row))
        raw = _whole(row[0], line, "raw_mark", problems, blank_ok=False)
        score = _whole(row[1], line, "scaled_score", problems, blank_ok=True)
        if raw is None:
            continue
        if raw in scores:
            problems.append(
                TableProblem(
                    line, "raw_mark", gettext_noop("raw mark %(raw)s appears twice"), {"raw": raw}
                )
            )
        scores[raw] = score
        line_of.setdefault(raw, line)
    problems += _check_marks_run(scores, len(rows) + 1)
    pairs = [(raw, scores[raw]) for raw in sorted(scores)]
    problems += _check_never_falls(pairs, "scaled_score", line_of)
    if problems:
        raise TableRefused(problems)
    return ScaledTable(scores=scores)


def _check_marks_run(scores: Mapping[int, object], end_line: int) -> list[TableProblem]:
    if not scores:
        return [TableProblem(end_line, "", gettext_noop("the table has no rows"))]
    expected = set(range(max(scores) + 1))
    missing = sorted(expected - set(scores))
    if min(scores) < 0 or missing:
        return [
            TableProblem(
                end_line,
                "raw_mark",
                gettext_noop("raw marks must run from 0 with no gaps; missing: %(missing)s"),
                {"missing": ", ".join(str(m) for m in missing[:10]) or "0"},
            )
        ]
    return []


def _check_never_falls(
    pairs: list[tuple[int, int | None]], column: str, line_of: dict[int, int]
) -> list[TableProblem]:
    """A higher raw mark never earns a lower score (a typing slip in a table shows up here)."""
    problems = []
    best: int | None = None
    for raw, score in pairs:
        if score is None:
            continue
        if best is not None and score < best:
            problems.append(
                TableProblem(
                    line_of[raw],
                    column,
                    gettext_noop(
                        "raw mark %(raw)s scores %(score)s, lower than a smaller raw mark"
                    ),
                    {"raw": raw, "score": score},
                )
            )
        best = score if best is None else max(best, score)
    return problems


def read_standardised_table(text: str) -> StandardisedTable:
    """Read a wide table (raw_mark, then a column per age) or a long one (raw_mark,age_months,
    standardised_score)."""
    rows = _rows(text)
    header = [c.strip().lower() for c in rows[0]] if rows else []
    if header[:3] == ["raw_mark", "age_months", "standardised_score"]:
        return _read_long(rows)
    if header[:1] == ["raw_mark"] and len(header) > 1:
        return _read_wide(rows)
    raise TableRefused(
        [
            TableProblem(
                1,
                "",
                gettext_noop(
                    "the first row must be raw_mark followed by ages (8:04 or months), "
                    "or raw_mark,age_months,standardised_score"
                ),
            )
        ]
    )


def _read_wide(rows: list[list[str]]) -> StandardisedTable:
    problems: list[TableProblem] = []
    ages: list[int | None] = []
    for cell in rows[0][1:]:
        age = parse_age(cell)
        if age is None:
            problems.append(
                TableProblem(1, cell, gettext_noop("%(value)r is not an age"), {"value": cell})
            )
        ages.append(age)
    scores: dict[tuple[int, int], int | None] = {}
    by_raw: dict[int, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        raw = _whole(row[0], line, "raw_mark", problems, blank_ok=False)
        if raw is None:
            continue
        if raw in by_raw:
            problems.append(
                TableProblem(
                    line, "raw_mark", gettext_noop("raw mark %(raw)s appears twice"), {"raw": raw}
                )
            )
        by_raw[raw] = line
        for age, cell, header in zip(ages, row[1:] + [""] * len(ages), rows[0][1:], strict=False):
            if age is not None:
                scores[(raw, age)] = _whole(cell, line, header, problems, blank_ok=True)
    return _finish_standardised(scores, by_raw, problems, len(rows) + 1)


def _read_long(rows: list[list[str]]) -> StandardisedTable:
    problems: list[TableProblem] = []
    scores: dict[tuple[int, int], int | None] = {}
    by_raw: dict[int, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        row = row + [""] * (3 - len(row))
        raw = _whole(row[0], line, "raw_mark", problems, blank_ok=False)
        age = parse_age(row[1])
        if age is None:
            problems.append(
                TableProblem(
                    line, "age_months", gettext_noop("%(value)r is not an age"), {"value": row[1]}
                )
            )
        score = _whole(row[2], line, "standardised_score", problems, blank_ok=True)
        if raw is None or age is None:
            continue
        if (raw, age) in scores:
            problems.append(
                TableProblem(
                    line,
                    "raw_mark",
                    gettext_noop("raw mark %(raw)s at age %(age)s appears twice"),
                    {"raw": raw, "age": format_age(age)},
                )
            )
        scores[(raw, age)] = score
        by_raw.setdefault(raw, line)
    return _finish_standardised(scores, by_raw, problems, len(rows) + 1)


def _finish_standardised(
    scores: dict[tuple[int, int], int | None],
    by_raw: dict[int, int],
    problems: list[TableProblem],
    end_line: int,
) -> StandardisedTable:
    problems += _check_marks_run(dict.fromkeys(by_raw, 0), end_line)
    ages = sorted({age for _, age in scores})
    for age in ages:
        if any((raw, age) not in scores for raw in by_raw):
            problems.append(
                TableProblem(
                    end_line,
                    format_age(age),
                    gettext_noop("age %(age)s does not have a row for every raw mark"),
                    {"age": format_age(age)},
                )
            )
            continue
        pairs = [(raw, scores[(raw, age)]) for raw in sorted(by_raw)]
        problems += _check_never_falls(pairs, format_age(age), by_raw)
    if problems:
        raise TableRefused(problems)
    return StandardisedTable(scores=scores)
