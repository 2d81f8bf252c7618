"""The rules of a multiplication tables check form and of the fact map, read from data files.

The form's shape comes from the Standards and Testing Agency's *Multiplication tables check
assessment framework* (first published November 2018, updated for 2022;
https://www.gov.uk/government/publications/multiplication-tables-check-assessment-framework):
`data/check_rules.yaml` holds its numbers with the source and the year they take effect, so
that a change to the check is a change to the file. `data/fact_map.yaml` holds nextsteps' own
choices for reading answers (what counts as "known quickly"). No Django import: the command
line reads the same files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).parent.parent / "data"
CHECK_RULES_FILE = DATA_DIR / "check_rules.yaml"
FACT_MAP_FILE = DATA_DIR / "fact_map.yaml"
CHECK_FORMAT = "nextsteps-mtc-rules/1"
FACT_MAP_FORMAT = "nextsteps-mtc-fact-map/1"


class RulesError(ValueError):
    """A rules file that cannot be used, naming the file and the field."""

    def __init__(self, path: Path | str, field: str, problem: str) -> None:
        self.path, self.field = str(path), field
        super().__init__(f"{path}: {field}: {problem}")


@dataclass(frozen=True)
class Limits:
    """The fewest and the most of something allowed in one form (both inclusive)."""

    minimum: int
    maximum: int

    def allows(self, count: int) -> bool:
        return self.minimum <= count <= self.maximum


@dataclass(frozen=True)
class TableGroup:
    """Tables whose items are counted together (STA framework, table 2: KS1 and KS2 tables)."""

    name: str
    tables: tuple[int, ...]
    items: Limits


@dataclass(frozen=True)
class CheckRules:
    """The shape of one check form. An item is (table, multiplier): n1 × n2."""

    source: str
    effective_from: str
    items: int
    practice_questions: int
    seconds_per_item: int
    pause_seconds: int
    tables: Mapping[int, Limits]
    multipliers: tuple[int, ...]
    groups: tuple[TableGroup, ...]
    multiplier_tolerance: int
    practice_tables: tuple[int, ...]
    practice_multipliers: tuple[int, ...]

    def multiplier_limits(self, number: int) -> Limits:
        """How often `number` may be the second number: its table's limits, ± the tolerance."""
        own = self.tables.get(number)
        if own is None:
            return Limits(0, self.items)
        spread = self.multiplier_tolerance
        return Limits(max(0, own.minimum - spread), own.maximum + spread)


@dataclass(frozen=True)
class FactMapSettings:
    """How answers are read into a fact map (nextsteps' choices, not the STA's)."""

    source: str
    smallest: int
    largest: int
    quickly_seconds: float
    recent_answers: int

    def in_scope(self, number: int) -> bool:
        return self.smallest <= number <= self.largest


def read_check_rules(path: Path | str | None = None) -> CheckRules:
    """The check's rules from a YAML file (default: the shipped STA framework's)."""
    if path is None:
        return _shipped_check_rules()
    return _check_rules(Path(path))


def read_fact_map_settings(path: Path | str | None = None) -> FactMapSettings:
    """The fact map's settings from a YAML file (default: the shipped ones)."""
    if path is None:
        return _shipped_fact_map_settings()
    return _fact_map_settings(Path(path))


@cache
def _shipped_check_rules() -> CheckRules:
    return _check_rules(CHECK_RULES_FILE)


@cache
def _shipped_fact_map_settings() -> FactMapSettings:
    return _fact_map_settings(FACT_MAP_FILE)


def _check_rules(path: Path) -> CheckRules:
    data = _load(path, CHECK_FORMAT)
    practice = _mapping(path, data, "practice")
    rules = CheckRules(
        source=_text(path, data, "source"),
        effective_from=_text(path, data, "effective_from"),
        items=_count(path, data, "items", least=1),
        practice_questions=_count(path, data, "practice_questions", least=0),
        seconds_per_item=_count(path, data, "seconds_per_item", least=1),
        pause_seconds=_count(path, data, "pause_seconds", least=0),
        tables=_tables(path, _mapping(path, data, "tables")),
        multipliers=_span(path, data.get("multipliers"), "multipliers"),
        groups=_groups(path, _mapping(path, data, "groups")),
        multiplier_tolerance=_count(path, data, "multiplier_tolerance", least=0),
        practice_tables=_numbers(path, practice.get("tables"), "practice.tables"),
        practice_multipliers=_span(path, practice.get("multipliers"), "practice.multipliers"),
    )
    _check_consistent(path, rules)
    return rules


def _fact_map_settings(path: Path) -> FactMapSettings:
    data = _load(path, FACT_MAP_FORMAT)
    settings = FactMapSettings(
        source=_text(path, data, "source"),
        smallest=_count(path, data, "smallest", least=0),
        largest=_count(path, data, "largest", least=1),
        quickly_seconds=_seconds(path, data, "quickly_seconds"),
        recent_answers=_count(path, data, "recent_answers", least=1),
    )
    if settings.smallest > settings.largest:
        raise RulesError(path, "smallest", "is larger than largest")
    return settings


def _check_consistent(path: Path, rules: CheckRules) -> None:
    """Refuse rules that no form could satisfy, naming the field at fault."""
    fewest = sum(limits.minimum for limits in rules.tables.values())
    most = sum(limits.maximum for limits in rules.tables.values())
    if not fewest <= rules.items <= most:
        problem = f"the limits allow {fewest} to {most} items, not the {rules.items} required"
        raise RulesError(path, "tables", problem)
    for table, limits in rules.tables.items():
        if limits.maximum > len(rules.multipliers):
            problem = f"{limits.maximum} items, but only {len(rules.multipliers)} multipliers"
            raise RulesError(path, f"tables.{table}", problem)
    for group in rules.groups:
        unknown = sorted(set(group.tables) - set(rules.tables))
        if unknown:
            raise RulesError(path, f"groups.{group.name}", f"unknown tables {unknown}")
    if rules.practice_questions > len(rules.practice_tables) * len(rules.practice_multipliers):
        raise RulesError(path, "practice", "too few facts for the practice questions")


def _load(path: Path, expected_format: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RulesError(path, "file", f"cannot be read ({error.strerror})") from error
    except yaml.YAMLError as error:
        raise RulesError(path, "file", f"not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise RulesError(path, "file", "is not a YAML mapping")
    if data.get("format") != expected_format:
        raise RulesError(path, "format", f"must be {expected_format}")
    return data


def _mapping(path: Path, data: Mapping[str, Any], key: str) -> Mapping[Any, Any]:
    value = data.get(key)
    if not isinstance(value, dict) or not value:
        raise RulesError(path, key, "must be a mapping with at least one entry")
    return value


def _text(path: Path, data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str | int) or not str(value).strip():
        raise RulesError(path, key, "must be given")
    return str(value).strip()


def _count(path: Path, data: Mapping[str, Any], key: str, *, least: int) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise RulesError(path, key, f"must be a whole number of at least {least}")
    return value


def _seconds(path: Path, data: Mapping[str, Any], key: str) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise RulesError(path, key, "must be a number of seconds above 0")
    return float(value)


def _pair(path: Path, value: Any, field: str) -> tuple[int, int]:
    """`[low, high]`, both whole numbers, low ≤ high."""
    ok = isinstance(value, list) and len(value) == 2
    ok = ok and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
    if not ok or value[0] > value[1]:
        raise RulesError(path, field, "must be [low, high]: whole numbers, low ≤ high")
    return value[0], value[1]


def _span(path: Path, value: Any, field: str) -> tuple[int, ...]:
    low, high = _pair(path, value, field)
    return tuple(range(low, high + 1))


def _numbers(path: Path, value: Any, field: str) -> tuple[int, ...]:
    ok = isinstance(value, list) and bool(value)
    ok = ok and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
    if not ok or len(set(value)) != len(value):
        raise RulesError(path, field, "must be a list of different whole numbers")
    return tuple(value)


def _tables(path: Path, value: Mapping[Any, Any]) -> dict[int, Limits]:
    tables = _numbers(path, list(value), "tables")
    return {table: Limits(*_pair(path, value[table], f"tables.{table}")) for table in tables}


def _groups(path: Path, value: Mapping[Any, Any]) -> tuple[TableGroup, ...]:
    groups = []
    for name, entry in value.items():
        field = f"groups.{name}"
        if not isinstance(entry, dict):
            raise RulesError(path, field, "must have tables and items")
        tables = _numbers(path, entry.get("tables"), f"{field}.tables")
        items = Limits(*_pair(path, entry.get("items"), f"{field}.items"))
        groups.append(TableGroup(str(name), tables, items))
    return tuple(groups)
