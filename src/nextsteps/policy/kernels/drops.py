"""Data drops: how many summative collections a year, and how close together. No Django.

A drop is a date on which a department (or the whole school) collects data; two assessment
points on the same date are one drop. The rules are data (`data/data_drops.yaml`): a limit a
year (three, after the DfE's "Making data work", 2018) and a least gap between drops (a
fortnight), each with the academic year it takes effect from and its source. Two drops fewer
than `min_days_apart` days apart are too close; drops exactly that far apart are not.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

RULES_FILE = Path(__file__).parent.parent / "data" / "data_drops.yaml"
FORMAT = "nextsteps-data-drop-rules/1"


class NoDropRule(ValueError):
    """No rule covers the academic year asked about."""


@dataclass(frozen=True)
class DropRuleSource:
    title: str
    url: str


@dataclass(frozen=True)
class DropRule:
    effective_from: int  # the calendar year the academic year starts in (2018 is 2018/19)
    max_drops_a_year: int
    min_days_apart: int
    limit_source: DropRuleSource
    gap_source: DropRuleSource


@dataclass(frozen=True)
class TooClose:
    first: dt.date
    second: dt.date

    @property
    def days(self) -> int:
        return (self.second - self.first).days


@dataclass(frozen=True)
class OverLimit:
    dates: tuple[dt.date, ...]
    limit: int


@dataclass(frozen=True)
class DropCheck:
    """A year's drops and what is wrong with them."""

    dates: tuple[dt.date, ...]
    too_close: tuple[TooClose, ...]
    over_limit: OverLimit | None

    @property
    def ok(self) -> bool:
        return not self.too_close and self.over_limit is None


def check_drops(dates: Iterable[dt.date], *, limit: int, min_days_apart: int) -> DropCheck:
    """The drops in one year, checked against the limit and the least gap.

    The order of the dates does not matter, and a date given twice is one drop. Each pair of
    neighbouring drops fewer than `min_days_apart` days apart is reported once.
    """
    if limit < 1 or min_days_apart < 1:
        raise ValueError("the limit and the gap must be at least 1")
    ordered = tuple(sorted(set(dates)))
    close = tuple(
        TooClose(first, second)
        for first, second in zip(ordered, ordered[1:], strict=False)
        if (second - first).days < min_days_apart
    )
    over = OverLimit(ordered, limit) if len(ordered) > limit else None
    return DropCheck(dates=ordered, too_close=close, over_limit=over)


def year_name(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def _whole(entry: dict[str, Any], key: str, where: str, low: int, high: int) -> int:
    value = entry.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{where}: {key} must be a whole number from {low} to {high}")
    return value


def _source(entry: dict[str, Any], key: str, where: str) -> DropRuleSource:
    source = entry.get(key)
    if not isinstance(source, dict) or not source.get("title") or not source.get("url"):
        raise ValueError(f"{where}: {key} needs a title and a url")
    url = str(source["url"]).strip()
    if not url.startswith("https://"):
        raise ValueError(f"{where}: {key}.url must be an https address")
    return DropRuleSource(title=" ".join(str(source["title"]).split()), url=url)


def read_rules(text: str, *, file: str = "data_drops.yaml") -> tuple[DropRule, ...]:
    """The rules, oldest first; a problem names the file, the rule and the field."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValueError(f"{file}: not valid YAML: {error}") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{file}: not a data-drop rules file (format: {FORMAT})")
    rules: list[DropRule] = []
    for index, entry in enumerate(data.get("rules") or [], start=1):
        where = f"{file}: rule {index}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: not a rule")
        rule = DropRule(
            effective_from=_whole(entry, "effective_from", where, 2000, 2100),
            max_drops_a_year=_whole(entry, "max_drops_a_year", where, 1, 12),
            min_days_apart=_whole(entry, "min_days_apart", where, 1, 120),
            limit_source=_source(entry, "limit_source", where),
            gap_source=_source(entry, "gap_source", where),
        )
        if rules and rule.effective_from <= rules[-1].effective_from:
            raise ValueError(f"{where}: effective_from must be later than the rule before it")
        rules.append(rule)
    if not rules:
        raise ValueError(f"{file}: no rules")
    return tuple(rules)


@functools.cache
def default_rules() -> tuple[DropRule, ...]:
    return read_rules(RULES_FILE.read_text(encoding="utf-8"))


def rule_for(year_start: int, rules: tuple[DropRule, ...] | None = None) -> DropRule:
    """The rule in force in the academic year starting in `year_start`."""
    rules = default_rules() if rules is None else rules
    in_force = [r for r in rules if r.effective_from <= year_start]
    if not in_force:
        raise NoDropRule(
            f"No data-drop rule for {year_name(year_start)}: the earliest rule takes effect "
            f"in {year_name(rules[0].effective_from)}."
        )
    return in_force[-1]
