"""KS4 headline measure models (Attainment 8 / Progress 8 slot rules), read from data.

Which subjects fill which slots, the double weighting of English and maths, the English rule
and the categories are not code: they are `data/ks4_models.yaml`, one entry per model with
its status (in force or proposed), the cohort it is in force from and the DfE document it
follows. This module reads and checks that file, chooses the model for a cohort, and fills a
pupil's qualifications into a model's slots. No Django import: the command line reads the
same file.

A cohort is the year the pupils leave KS4. The model for a cohort is the in-force model with
the latest `in_force_from` at or before it. A proposed model counts only once it is marked
in force from a cohort, by a later release of the file or by a school's own setting
(`adoptions`: model id → first cohort); the model before it then ends the year before. A
cohort before the first model, or after the file's `last_cohort` that no adoption reaches,
is refused by name (`UnknownKs4Cohort`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from nextsteps.i18n import translate as _

MODELS_FILE = Path(__file__).parent.parent / "data" / "ks4_models.yaml"
FORMAT = "nextsteps-ks4-models/1"
STATUSES = ("in_force", "proposed")
YEAR_RANGE = (1990, 2100)
MAX_POINTS = 9  # the highest points one qualification scores (GCSE grade 9)


class Ks4ModelsError(ValueError):
    """A problem in a models file, naming the file and the field."""

    def __init__(self, path: str, field_name: str, message: str) -> None:
        self.path, self.field, self.message = path, field_name, message
        super().__init__(f"{path}, {field_name}: {message}")


class UnknownKs4Cohort(LookupError):
    """A cohort no KS4 model is in force for."""

    def __init__(self, year: int, first: int | None, last: int) -> None:
        self.year = year
        span = (
            _("it has models in force for %(first)s to %(last)s") % {"first": first, "last": last}
            if first is not None
            else _("it has no model in force")
        )
        message = _(
            "nextsteps has no Attainment 8 model for the cohort of %(year)s (%(span)s), so it "
            "does not guess which slot rules apply. A later release, or the school's own "
            "setting, says which model is in force for it."
        ) % {"year": year, "span": span}
        super().__init__(message)


@dataclass(frozen=True)
class ModelSource:
    """The DfE document a model follows."""

    title: str
    url: str


@dataclass(frozen=True)
class SlotGroup:
    """Slots filled from the qualifications of some categories, highest points first."""

    id: str
    name: str
    slots: int
    weight: int
    accepts: frozenset[str]
    single_unless_all_of: frozenset[str] = frozenset()
    at_least: int = 0  # slots come from at least this many of `category_groups`
    category_groups: Mapping[str, frozenset[str]] = field(default_factory=dict)
    description: str = ""

    @property
    def divisor(self) -> int:
        """Slots this group counts for in Progress 8 (English and maths: 2)."""
        return self.slots * self.weight

    @property
    def per_group_cap(self) -> int | None:
        """At most this many slots from one category group, so that `at_least` are needed."""
        if not self.at_least:
            return None
        return self.slots - self.at_least + 1

    def group_of(self, category: str) -> str | None:
        for name, categories in self.category_groups.items():
            if category in categories:
                return name
        return None


@dataclass(frozen=True)
class Ks4Model:
    """One Attainment 8 model: its slot groups, status and source."""

    id: str
    name: str
    status: str
    in_force_from: int | None
    source: ModelSource
    groups: tuple[SlotGroup, ...]

    @property
    def elements(self) -> tuple[str, ...]:
        return tuple(group.id for group in self.groups)

    @property
    def divisors(self) -> dict[str, int]:
        """Progress 8 divisors: the whole measure, then each element."""
        return {"progress8": self.slot_count} | {g.id: g.divisor for g in self.groups}

    @property
    def slot_count(self) -> int:
        return sum(group.divisor for group in self.groups)

    @property
    def maximum(self) -> dict[str, float]:
        """The greatest points of Attainment 8 and of each element."""
        return {"attainment8": float(self.slot_count * MAX_POINTS)} | {
            g.id: float(g.divisor * MAX_POINTS) for g in self.groups
        }

    @property
    def proposed(self) -> bool:
        return self.status == "proposed"


@dataclass(frozen=True)
class BasicsRule:
    """Basics: grade at or above each threshold in English (best of its categories) and maths."""

    english: frozenset[str]
    maths: frozenset[str]
    thresholds: Mapping[str, float]  # standard: 4, strong: 5
    source: ModelSource


@dataclass(frozen=True)
class Catalogue:
    """Every model of a models file, with its categories."""

    path: str
    version: str
    last_cohort: int
    categories: Mapping[str, str]
    models: tuple[Ks4Model, ...]
    basics: BasicsRule

    def model(self, model_id: str) -> Ks4Model:
        for model in self.models:
            if model.id == model_id:
                return model
        known = ", ".join(m.id for m in self.models)
        raise KeyError(
            _("no KS4 model %(id)r (the file has %(known)s)") % {"id": model_id, "known": known}
        )

    def in_force(self, adoptions: Mapping[str, int] | None = None) -> list[tuple[int, Ks4Model]]:
        """(first cohort, model) for every model in force, by data or by adoption, in order."""
        adoptions = adoptions or {}
        for model_id in adoptions:
            self.model(model_id)  # an unknown id is an error, not ignored
        runs: dict[str, tuple[int, Ks4Model]] = {}
        for model in self.models:
            if model.id in adoptions:
                runs[model.id] = (adoptions[model.id], model)
            elif model.status == "in_force" and model.in_force_from is not None:
                runs[model.id] = (model.in_force_from, model)
        return sorted(runs.values(), key=lambda run: run[0])

    def model_for_cohort(self, year: int, adoptions: Mapping[str, int] | None = None) -> Ks4Model:
        """The model in force for the cohort leaving KS4 in `year`; refused by name if none."""
        runs = self.in_force(adoptions)
        reaching = [model for start, model in runs if start <= year]
        adopted_last = max((adoptions or {}).values(), default=None)
        beyond = year > self.last_cohort and (adopted_last is None or year < adopted_last)
        if not reaching or beyond:
            raise UnknownKs4Cohort(year, runs[0][0] if runs else None, self.last_cohort)
        return reaching[-1]


# --- reading -----------------------------------------------------------------------------


def read_models(path: Path | str = MODELS_FILE) -> Catalogue:
    """Read and check a models file; every problem names the file and the field."""
    name = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise Ks4ModelsError(name, "file", _("cannot be read")) from error
    except yaml.YAMLError as error:
        raise Ks4ModelsError(name, "file", _("not valid YAML: %(e)s") % {"e": error}) from error
    if not isinstance(data, dict):
        raise Ks4ModelsError(name, "file", _("is not a YAML mapping"))
    if data.get("format") != FORMAT:
        raise Ks4ModelsError(name, "format", _("must be %(f)s") % {"f": FORMAT})
    categories = data.get("categories")
    if not isinstance(categories, dict) or not categories:
        raise Ks4ModelsError(name, "categories", _("must list at least one category"))
    raw_models = data.get("models")
    if not isinstance(raw_models, list) or not raw_models:
        raise Ks4ModelsError(name, "models", _("must list at least one model"))
    models = tuple(
        _model(name, entry, f"models[{i}]", set(categories)) for i, entry in enumerate(raw_models)
    )
    ids = [model.id for model in models]
    for i, model_id in enumerate(ids):
        if model_id in ids[:i]:
            raise Ks4ModelsError(
                name, f"models[{i}].id", _("%(id)s appears twice") % {"id": model_id}
            )
    starts = [m.in_force_from for m in models if m.status == "in_force"]
    if len(set(starts)) != len(starts):
        raise Ks4ModelsError(name, "models", _("two in-force models start with the same cohort"))
    return Catalogue(
        path=name,
        version=str(_required(name, data, "version")),
        last_cohort=_year(name, data.get("last_cohort"), "last_cohort"),
        categories={str(k): str(v) for k, v in categories.items()},
        models=models,
        basics=_basics(name, data.get("basics"), set(categories)),
    )


def _basics(name: str, entry: Any, known: set[str]) -> BasicsRule:
    if not isinstance(entry, dict):
        raise Ks4ModelsError(name, "basics", _("must give english, maths, thresholds and source"))
    thresholds = entry.get("thresholds")
    if not isinstance(thresholds, dict) or not thresholds:
        raise Ks4ModelsError(name, "basics.thresholds", _("must name at least one threshold"))
    for key, value in thresholds.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 9:
            raise Ks4ModelsError(name, f"basics.thresholds.{key}", _("must be a grade, 1 to 9"))
    source = entry.get("source")
    if not isinstance(source, dict):
        raise Ks4ModelsError(name, "basics.source", _("must give the title and url"))
    return BasicsRule(
        english=_categories(name, entry.get("english"), "basics.english", known),
        maths=_categories(name, entry.get("maths"), "basics.maths", known),
        thresholds={str(k): float(v) for k, v in thresholds.items()},
        source=ModelSource(
            title=str(_required(name, source, "title", "basics.source.")),
            url=str(_required(name, source, "url", "basics.source.")),
        ),
    )


def _required(name: str, data: Mapping[str, Any], key: str, where: str = "") -> Any:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Ks4ModelsError(name, f"{where}{key}", _("must be given"))
    return value


def _year(name: str, value: Any, field_name: str) -> int:
    low, high = YEAR_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Ks4ModelsError(
            name, field_name, _("expected a year, found %(value)r") % {"value": value}
        )
    return value


def _whole(name: str, value: Any, field_name: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise Ks4ModelsError(
            name, field_name, _("must be a whole number of at least %(n)s") % {"n": least}
        )
    return value


def _categories(name: str, value: Any, field_name: str, known: set[str]) -> frozenset[str]:
    if not isinstance(value, list) or not value:
        raise Ks4ModelsError(name, field_name, _("must list at least one category"))
    unknown = sorted(str(v) for v in value if v not in known)
    if unknown:
        raise Ks4ModelsError(
            name, field_name, _("unknown categories: %(c)s") % {"c": ", ".join(unknown)}
        )
    return frozenset(str(v) for v in value)


def _model(name: str, entry: Any, where: str, known: set[str]) -> Ks4Model:
    if not isinstance(entry, dict):
        raise Ks4ModelsError(name, where, _("must be a mapping"))
    status = _required(name, entry, "status", f"{where}.")
    if status not in STATUSES:
        raise Ks4ModelsError(
            name, f"{where}.status", _("must be in_force or proposed, found %(s)r") % {"s": status}
        )
    start = entry.get("in_force_from")
    if status == "in_force" or start is not None:
        start = _year(name, start, f"{where}.in_force_from")
    source = entry.get("source")
    if not isinstance(source, dict):
        raise Ks4ModelsError(name, f"{where}.source", _("must give the title and url"))
    groups_data = entry.get("slot_groups")
    if not isinstance(groups_data, list) or not groups_data:
        raise Ks4ModelsError(name, f"{where}.slot_groups", _("must list at least one group"))
    groups = tuple(
        _group(name, group, f"{where}.slot_groups[{i}]", known)
        for i, group in enumerate(groups_data)
    )
    return Ks4Model(
        id=str(_required(name, entry, "id", f"{where}.")),
        name=str(_required(name, entry, "name", f"{where}.")),
        status=status,
        in_force_from=start if status == "in_force" else None,
        source=ModelSource(
            title=" ".join(str(_required(name, source, "title", f"{where}.source.")).split()),
            url=str(_required(name, source, "url", f"{where}.source.")),
        ),
        groups=groups,
    )


def _group(name: str, entry: Any, where: str, known: set[str]) -> SlotGroup:
    if not isinstance(entry, dict):
        raise Ks4ModelsError(name, where, _("must be a mapping"))
    slots = _whole(name, entry.get("slots"), f"{where}.slots", 1)
    accepts = _categories(name, entry.get("accepts"), f"{where}.accepts", known)
    single = frozenset[str]()
    if entry.get("single_unless_all_of") is not None:
        single = _categories(
            name, entry["single_unless_all_of"], f"{where}.single_unless_all_of", known
        )
    at_least, groups = 0, {}
    rule = entry.get("categories_at_least")
    if rule is not None:
        if not isinstance(rule, dict) or not isinstance(rule.get("of"), dict):
            raise Ks4ModelsError(name, f"{where}.categories_at_least", _("must give count and of"))
        groups = {
            str(group): _categories(name, cats, f"{where}.categories_at_least.of.{group}", known)
            for group, cats in rule["of"].items()
        }
        at_least = _whole(name, rule.get("count"), f"{where}.categories_at_least.count", 1)
        if at_least > min(slots, len(groups)):
            raise Ks4ModelsError(
                name, f"{where}.categories_at_least.count", _("more than the slots or groups allow")
            )
    return SlotGroup(
        id=str(_required(name, entry, "id", f"{where}.")),
        name=str(_required(name, entry, "name", f"{where}.")),
        slots=slots,
        weight=_whole(name, entry.get("weight"), f"{where}.weight", 1),
        accepts=accepts,
        single_unless_all_of=single,
        at_least=at_least,
        category_groups=groups,
        description=str(entry.get("description") or ""),
    )


@cache
def shipped_models() -> Catalogue:
    """The models file shipped with nextsteps."""
    return read_models(MODELS_FILE)


def current_model() -> Ks4Model:
    """The shipped model in force for the latest cohort the file covers."""
    catalogue = shipped_models()
    return catalogue.model_for_cohort(catalogue.last_cohort)


# --- filling slots -----------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One qualification (after discounting): its category, points and name."""

    category: str
    points: float
    name: str = ""


@dataclass(frozen=True)
class GroupFill:
    """What one slot group took: the entries counted, its points and its empty slots."""

    group: SlotGroup
    counted: tuple[Entry, ...]
    weight: int
    points: Fraction

    @property
    def empty(self) -> int:
        return self.group.slots - len(self.counted)

    @property
    def groups_used(self) -> tuple[str, ...]:
        """The category groups the counted entries come from (for `categories_at_least`)."""
        found = {self.group.group_of(entry.category) for entry in self.counted}
        return tuple(g for g in self.group.category_groups if g in found)

    @property
    def short_of_categories(self) -> bool:
        return bool(self.group.at_least) and len(self.groups_used) < self.group.at_least


@dataclass(frozen=True)
class Filling:
    """A pupil's qualifications in one model's slots."""

    model: Ks4Model
    groups: tuple[GroupFill, ...]

    @property
    def attainment8(self) -> float:
        return float(sum((fill.points for fill in self.groups), Fraction(0)))

    @property
    def elements(self) -> dict[str, float]:
        return {fill.group.id: float(fill.points) for fill in self.groups}

    @property
    def empty_slots(self) -> int:
        return sum(fill.empty for fill in self.groups)


def fill(entries: Iterable[Entry], model: Ks4Model) -> Filling:
    """Fill the model's slot groups in order, each with the highest points it accepts.

    A group with `categories_at_least` takes no more than its cap from one category group
    (greedy on a partition matroid: still the highest total). An entry whose category no
    group accepts counts nowhere. Fractions of the decimal text keep 4.75 + 0.1 exact.
    """
    items = [(Fraction(str(e.points)), i, e) for i, e in enumerate(entries)]
    taken = {e.category for _, _, e in items}
    used: set[int] = set()
    fills = []
    for group in model.groups:
        candidates = sorted(
            (item for item in items if item[1] not in used and item[2].category in group.accepts),
            key=lambda item: (-item[0], item[1]),
        )
        cap = group.per_group_cap
        per_group: dict[str | None, int] = {}
        chosen: list[tuple[Fraction, int, Entry]] = []
        for item in candidates:
            if len(chosen) == group.slots:
                break
            if cap is not None:
                key = group.group_of(item[2].category)
                if per_group.get(key, 0) >= cap:
                    continue
                per_group[key] = per_group.get(key, 0) + 1
            chosen.append(item)
        used.update(index for _, index, _ in chosen)
        weight = group.weight
        if group.single_unless_all_of and not group.single_unless_all_of <= taken:
            weight = 1
        points = weight * sum((p for p, _, _ in chosen), Fraction(0))
        fills.append(GroupFill(group, tuple(e for _, _, e in chosen), weight, points))
    return Filling(model, tuple(fills))


def plan_notes(filling: Filling, categories: Mapping[str, str]) -> list[str]:
    """What a plan's filling means, one sentence per gap (empty slots, too few categories)."""
    notes = []
    for group_fill in filling.groups:
        group = group_fill.group
        if group_fill.short_of_categories:
            names = ", ".join(group.category_groups)
            used = ", ".join(group_fill.groups_used) or _("none")
            notes.append(
                _(
                    "%(group)s needs subjects from at least %(count)s of %(names)s: this plan "
                    "has %(n)s (%(used)s)."
                )
                % {
                    "group": group.name,
                    "count": group.at_least,
                    "names": names,
                    "n": len(group_fill.groups_used),
                    "used": used,
                }
            )
        if group_fill.empty:
            notes.append(
                _("%(group)s: %(empty)s of %(slots)s slots empty.")
                % {"group": group.name, "empty": group_fill.empty, "slots": group.slots}
            )
        elif group.single_unless_all_of and group_fill.weight < group.weight:
            both = _(" and ").join(categories.get(c, c) for c in sorted(group.single_unless_all_of))
            notes.append(
                _("%(group)s counts once, not %(weight)s times: that needs both %(cats)s.")
                % {"group": group.name, "weight": group.weight, "cats": both}
            )
    return notes


def categories_for(model: Ks4Model) -> Sequence[str]:
    """Every category some group of the model accepts."""
    return sorted(set().union(*(group.accepts for group in model.groups)))
