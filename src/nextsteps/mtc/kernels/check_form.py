"""Multiplication tables check practice forms in the shape of the statutory check.

A form is 3 practice questions and then 25 items, each (table, multiplier): n1 × n2, where
n1 is the table the item belongs to. Every rule comes from `CheckRules`, read from
`data/check_rules.yaml` (STA, *Multiplication tables check assessment framework*, table 1
and table 2 and the notes beside them):

- each table has between its minimum and maximum number of items (the weighting towards
  the 6, 7, 8, 9 and 12 tables is in those limits), and each group of tables (KS1: 2, 5 and
  10; KS2: the rest) between the group's;
- each number appears as the multiplier within the tolerance of its own table's limits;
- no fact twice, and never a fact with its reversal (6 × 7 with 7 × 6);
- forms vary at random: `form(seed)` draws with `random.Random(seed)`, so a seed always
  gives the same form and different seeds give different ones.

The practice questions come from their own pool (the one table) and repeat no item's fact.
No Django import.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from nextsteps.mtc.kernels.rules import CheckRules, read_check_rules

Fact = tuple[int, int]
# Fresh draws of the tables' item counts before giving up on rules that admit no form.
ATTEMPTS = 200
# Steps of the multiplier search for one draw of the counts before drawing again.
SEARCH_STEPS = 20_000


class NoFormError(RuntimeError):
    """No form satisfies the rules (they are consistent on paper but too tight in practice)."""


@dataclass(frozen=True)
class Form:
    """The practice questions, then the check's items, in the order they are asked."""

    practice: list[Fact]
    items: list[Fact]

    def as_document(self) -> dict[str, list[list[int]]]:
        """The command line's JSON: {"practice": [[a, b], …], "items": [[a, b], …]}."""
        return {
            "practice": [[a, b] for a, b in self.practice],
            "items": [[a, b] for a, b in self.items],
        }


def fact_key(a: int, b: int) -> Fact:
    """A fact and its reversal share one key: 7 × 6 and 6 × 7 are both (6, 7)."""
    return (a, b) if a <= b else (b, a)


def form(seed: int, rules: CheckRules | None = None) -> Form:
    """A form satisfying every rule, the same for the same seed and rules."""
    rules = rules or read_check_rules()
    rng = random.Random(seed)  # noqa: S311 - a seeded, repeatable form, not a secret
    for _ in range(ATTEMPTS):
        items = _items(rng, _table_counts(rng, rules), rules)
        if items is not None:
            rng.shuffle(items)  # the framework: items are not ordered by difficulty
            return Form(practice=_practice(rng, rules, items), items=items)
    raise NoFormError(f"no form satisfies the rules after {ATTEMPTS} attempts")


def _table_counts(rng: random.Random, rules: CheckRules) -> Counter[int]:
    """Items per table: every minimum, then each group's minimum, then the rest at random."""
    counts: Counter[int] = Counter({t: limits.minimum for t, limits in rules.tables.items()})
    for group in rules.groups:
        while sum(counts[t] for t in group.tables) < group.items.minimum:
            if not _add_one(rng, counts, rules, group.tables):
                return counts
    while counts.total() < rules.items:
        if not _add_one(rng, counts, rules, tuple(rules.tables)):
            break
    return counts


def _add_one(
    rng: random.Random, counts: Counter[int], rules: CheckRules, tables: Sequence[int]
) -> bool:
    """One more item for a table (chosen at random) that has room in it and in its groups."""
    open_tables = [t for t in tables if _has_room(counts, rules, t)]
    if not open_tables:
        return False
    counts[rng.choice(open_tables)] += 1
    return True


def _has_room(counts: Counter[int], rules: CheckRules, table: int) -> bool:
    if counts[table] >= rules.tables[table].maximum:
        return False
    return all(
        sum(counts[t] for t in group.tables) < group.items.maximum
        for group in rules.groups
        if table in group.tables
    )


def _items(rng: random.Random, counts: Counter[int], rules: CheckRules) -> list[Fact] | None:
    """Multipliers for every table's items by a seeded depth-first search; None if none fit."""
    if counts.total() != rules.items or not _counts_allowed(counts, rules):
        return None
    slots = [table for table in sorted(counts) for _ in range(counts[table])]
    rng.shuffle(slots)
    search = _MultiplierSearch(rng, rules, slots)
    return search.run()


def _counts_allowed(counts: Counter[int], rules: CheckRules) -> bool:
    return all(limits.allows(counts[t]) for t, limits in rules.tables.items()) and all(
        group.items.allows(sum(counts[t] for t in group.tables)) for group in rules.groups
    )


class _MultiplierSearch:
    """Choose a multiplier for each slot (a table) so the multiplier limits hold and no fact
    or its reversal repeats; candidates are tried in a seeded random order."""

    def __init__(self, rng: random.Random, rules: CheckRules, slots: list[int]) -> None:
        self.rng, self.rules, self.slots = rng, rules, slots
        self.limits = {m: rules.multiplier_limits(m) for m in rules.multipliers}
        self.used: Counter[int] = Counter()
        self.facts: set[Fact] = set()
        self.chosen: list[Fact] = []
        self.steps = 0

    def run(self) -> list[Fact] | None:
        return list(self.chosen) if self._fill(0) else None

    def _fill(self, position: int) -> bool:
        self.steps += 1
        # Every multiplier still short of its minimum needs one of the remaining slots.
        if self.steps > SEARCH_STEPS or self._shortfall() > len(self.slots) - position:
            return False
        if position == len(self.slots):
            return True
        table = self.slots[position]
        for multiplier in self._candidates(table):
            self._place(table, multiplier, +1)
            if self._fill(position + 1):
                return True
            self._place(table, multiplier, -1)
        return False

    def _candidates(self, table: int) -> list[int]:
        open_ = [
            m
            for m in self.rules.multipliers
            if self.used[m] < self.limits[m].maximum and fact_key(table, m) not in self.facts
        ]
        self.rng.shuffle(open_)
        return open_

    def _place(self, table: int, multiplier: int, step: int) -> None:
        self.used[multiplier] += step
        if step > 0:
            self.facts.add(fact_key(table, multiplier))
            self.chosen.append((table, multiplier))
        else:
            self.facts.discard(fact_key(table, multiplier))
            self.chosen.pop()

    def _shortfall(self) -> int:
        """Items still needed to bring every multiplier up to its minimum."""
        return sum(max(0, lim.minimum - self.used[m]) for m, lim in self.limits.items())


def _practice(rng: random.Random, rules: CheckRules, items: Sequence[Fact]) -> list[Fact]:
    """The practice questions: different facts from the practice pool, none an item's fact."""
    taken = {fact_key(a, b) for a, b in items}
    pool = [(t, m) for t in rules.practice_tables for m in rules.practice_multipliers]
    rng.shuffle(pool)
    practice: list[Fact] = []
    for a, b in pool:
        if len(practice) == rules.practice_questions:
            break
        if fact_key(a, b) not in taken:
            taken.add(fact_key(a, b))
            practice.append((a, b))
    if len(practice) < rules.practice_questions:
        raise NoFormError("too few practice facts that are not already items")
    return practice


def form_problems(candidate: Form, rules: CheckRules | None = None) -> list[str]:
    """Every rule the form breaks, as sentences; an empty list for a form in the check's shape.

    For checking a form made elsewhere (or stored), against the same rules `form` follows.
    """
    rules = rules or read_check_rules()
    problems = _count_problems(candidate, rules)
    problems += _table_problems(candidate.items, rules)
    problems += _multiplier_problems(candidate.items, rules)
    problems += _repeat_problems([*candidate.practice, *candidate.items])
    return problems


def _count_problems(candidate: Form, rules: CheckRules) -> list[str]:
    problems = []
    if len(candidate.items) != rules.items:
        problems.append(f"{len(candidate.items)} items, not {rules.items}")
    if len(candidate.practice) != rules.practice_questions:
        problems.append(
            f"{len(candidate.practice)} practice questions, not {rules.practice_questions}"
        )
    return problems


def _table_problems(items: Sequence[Fact], rules: CheckRules) -> list[str]:
    counts = Counter(a for a, _ in items)
    problems = [
        f"{a} × {b}: the {a} table is not in the check" for a, b in items if a not in rules.tables
    ]
    for table, limits in rules.tables.items():
        if not limits.allows(counts[table]):
            problems.append(
                f"{counts[table]} items from the {table} table, "
                f"not {limits.minimum} to {limits.maximum}"
            )
    for group in rules.groups:
        total = sum(counts[t] for t in group.tables)
        if not group.items.allows(total):
            problems.append(
                f"{total} items from the {group.name}, "
                f"not {group.items.minimum} to {group.items.maximum}"
            )
    return problems


def _multiplier_problems(items: Sequence[Fact], rules: CheckRules) -> list[str]:
    counts = Counter(b for _, b in items)
    problems = [
        f"{a} × {b}: {b} is not a multiplier in the check"
        for a, b in items
        if b not in rules.multipliers
    ]
    for multiplier in rules.multipliers:
        limits = rules.multiplier_limits(multiplier)
        if not limits.allows(counts[multiplier]):
            problems.append(
                f"{multiplier} is the multiplier {counts[multiplier]} times, "
                f"not {limits.minimum} to {limits.maximum}"
            )
    return problems


def _repeat_problems(questions: Sequence[Fact]) -> list[str]:
    seen: dict[Fact, Fact] = {}
    problems = []
    for a, b in questions:
        key = fact_key(a, b)
        if key in seen:
            first = seen[key]
            kind = "repeated" if first == (a, b) else f"the reversal of {first[0]} × {first[1]}"
            problems.append(f"{a} × {b} is {kind}")
        else:
            seen[key] = (a, b)
    return problems
