"""Which national baseline each cohort has, read from a rule table (`data/baselines.csv`).

A progress measure needs a national baseline: KS2 tests for Progress 8, KS1 assessments for
KS1 to KS2 progress. Some cohorts have none (the KS2 tests of 2020 and 2021 were cancelled, so
the DfE publishes no Progress 8 for 2025 and 2026 leavers), and the primary measure moves to
the Reception baseline from 2028. Those facts are data, each row naming its DfE or STA source,
so that the next change is a row in a file, not a change to the code.

Rules take effect from a cohort: a cohort is the year its pupils leave the key stage (the KS4
exam year for Progress 8, the KS2 test year for KS1 to KS2). The rule for a year is the row
with the latest `cohort_from` at or before it, unless that row ends (`cohort_to`) before the
year. A year no row reaches is refused by name (`UnknownCohort`), never guessed. No Django
import: the command line reads the same table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from nextsteps.i18n import translate as _
from nextsteps.progress.kernels.tables import DATA_DIR, InputError, Row, TableFile, iter_rows

RULES_FILE = DATA_DIR / "baselines.csv"
COLUMNS = (
    "measure",
    "cohort_from",
    "cohort_to",
    "available",
    "baseline",
    "reason",
    "explanation",
    "source",
)
MEASURES = ("progress8", "ks1_ks2")
BASELINES = ("ks2", "ks1", "reception", "none")
AVAILABLE = {"yes": True, "no": False}
YEAR_RANGE = (1990, 2100)
# Said beside every figure made from a school's own baseline, wherever it appears.
INTERNAL_ESTIMATE = "internal estimate, not the DfE measure"


def measure_name(measure: str) -> str:
    """The measure as a reader knows it."""
    return _("Progress 8") if measure == "progress8" else _("KS1 to KS2 progress")


class UnknownCohort(LookupError):
    """A cohort year the rule table has no rule for."""

    def __init__(self, measure: str, year: int, first: int | None, last: int | None) -> None:
        self.measure, self.year = measure, year
        name = measure_name(measure)
        if first is None:
            span = _("it has no rules for this measure")
        elif last is None:
            span = _("its rules start with %(first)s") % {"first": first}
        else:
            span = _("its rules cover %(first)s to %(last)s") % {"first": first, "last": last}
        message = _(
            "nextsteps has no baseline rule for %(measure)s for the cohort of %(year)s "
            "(%(span)s), so it shows no progress score rather than guess whether a national "
            "baseline exists. A later release adds the year."
        ) % {"measure": name, "year": year, "span": span}
        super().__init__(message)


@dataclass(frozen=True)
class BaselineRule:
    """One row of the rule table: the baseline a measure has for a run of cohorts."""

    measure: str
    cohort_from: int
    cohort_to: int | None  # None: until a later row takes effect
    available: bool
    baseline: str  # ks2, ks1, reception or none
    reason: str  # when not available: follows "not available — "
    explanation: str  # when not available: one sentence on why
    source: str  # the DfE or STA guidance the row follows
    line: int

    def covers(self, year: int) -> bool:
        return self.cohort_from <= year and (self.cohort_to is None or year <= self.cohort_to)

    @property
    def sentence(self) -> str:
        """Why there is no score, as one sentence ("" when the measure is available)."""
        if self.available:
            return ""
        return _("Not available — %(reason)s. %(explanation)s") % {
            "reason": _(self.reason),
            "explanation": _(self.explanation),
        }


@dataclass(frozen=True)
class RuleTable:
    """Every rule, per measure in order of the cohort each takes effect from."""

    rules: tuple[BaselineRule, ...]

    def for_measure(self, measure: str) -> list[BaselineRule]:
        return sorted((r for r in self.rules if r.measure == measure), key=lambda r: r.cohort_from)

    def rule(self, measure: str, year: int) -> BaselineRule:
        """The rule in effect for a cohort; `UnknownCohort` when none reaches the year."""
        rules = self.for_measure(measure)
        in_effect = [r for r in rules if r.cohort_from <= year]
        if in_effect and in_effect[-1].covers(year):
            return in_effect[-1]
        first = rules[0].cohort_from if rules else None
        last = rules[-1].cohort_to if rules else None
        raise UnknownCohort(measure, year, first, last)

    def known(self, measure: str, year: int) -> BaselineRule | None:
        """The rule for a cohort, or None when there is none."""
        try:
            return self.rule(measure, year)
        except UnknownCohort:
            return None


def read_rules(path: TableFile = RULES_FILE) -> RuleTable:
    """Read and check a rule table: every cell, and no two rows of a measure overlapping."""
    name = str(path)
    rules = [read_rule(name, row) for row in iter_rows(path, COLUMNS)]
    for measure in MEASURES:
        check_order(name, [r for r in rules if r.measure == measure])
    return RuleTable(tuple(rules))


def read_rule(name: str, row: Row) -> BaselineRule:
    measure = choice(name, row, "measure", MEASURES)
    cohort_from = year_cell(name, row, "cohort_from")
    cohort_to = year_cell(name, row, "cohort_to") if row.get("cohort_to") else None
    if cohort_to is not None and cohort_to < cohort_from:
        raise InputError(name, row.line, "cohort_to", _("ends before cohort_from"))
    available = AVAILABLE[choice(name, row, "available", tuple(AVAILABLE))]
    for column in ("source",) if available else ("reason", "explanation", "source"):
        if not row.get(column):
            raise InputError(name, row.line, column, _("empty; every rule names this"))
    return BaselineRule(
        measure=measure,
        cohort_from=cohort_from,
        cohort_to=cohort_to,
        available=available,
        baseline=choice(name, row, "baseline", BASELINES),
        reason=row.get("reason"),
        explanation=row.get("explanation"),
        source=row.get("source"),
        line=row.line,
    )


def choice(name: str, row: Row, column: str, allowed: Iterable[str]) -> str:
    value = row.get(column).lower()
    if value not in allowed:
        raise InputError(
            name,
            row.line,
            column,
            _("expected one of %(allowed)s, found %(value)r")
            % {"allowed": ", ".join(allowed), "value": row.get(column)},
        )
    return value


def year_cell(name: str, row: Row, column: str) -> int:
    text = row.get(column)
    if not text.isdigit() or not YEAR_RANGE[0] <= int(text) <= YEAR_RANGE[1]:
        raise InputError(
            name, row.line, column, _("expected a year, found %(text)r") % {"text": text}
        )
    return int(text)


def check_order(name: str, rules: list[BaselineRule]) -> None:
    """A row may end where the next begins, or run on until it (effective-from); never past."""
    ordered = sorted(rules, key=lambda r: r.cohort_from)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.cohort_from == after.cohort_from or (
            before.cohort_to is not None and before.cohort_to >= after.cohort_from
        ):
            raise InputError(
                name,
                after.line,
                "cohort_from",
                _("overlaps the rule on line %(line)s for the same measure")
                % {"line": before.line},
            )


@cache
def shipped_rules() -> RuleTable:
    """The rule table shipped with nextsteps."""
    return read_rules(RULES_FILE)
