"""Curriculum frameworks as YAML and CSV files, read and written as `FrameworkSpec`.

YAML carries a whole framework, exemplars included. CSV carries one row per objective and
nothing else: framework metadata comes from the caller, exemplars travel only in YAML, and
a strand without objectives has no row to live in. Readers collect every problem before
raising, so a teacher fixes a file in one pass. No Django import here.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TypeVar

import yaml
from django.utils.translation import gettext as _

from nextsteps.curriculum.kernels.spec import (
    CALCULATION_METHODS,
    DIMENSIONS,
    KEY_STAGES,
    ExemplarSpec,
    FrameworkSpec,
    LevelSpec,
    ObjectiveSpec,
    ScaleSpec,
    StrandSpec,
    key_stage_for_year,
)

FORMAT_TAG = "nextsteps-framework/1"
PHASES = ("primary", "secondary", "")
DEFAULT_PARAMETERS: dict[str, int | None] = {
    "latest": None,
    "highest": None,
    "mean": None,
    "weighted_average": 65,
    "decaying_average": 65,
    "n_mastery": 3,
}
PARAMETER_RANGES = {"weighted_average": (1, 99), "decaying_average": (50, 99), "n_mastery": (1, 10)}
CSV_COLUMNS = (
    "strand_code",
    "strand_name",
    "objective_code",
    "wording",
    "pupil_wording",
    "year_group",
    "key_stage",
    "core",
    "dimension",
    "success_criteria",
)
CRITERIA_SEPARATOR = " | "
TRUE_WORDS = ("yes", "true", "y", "1")
FALSE_WORDS = ("no", "false", "n", "0")
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
YEAR_MESSAGE = "must be a whole number from 0 to 13"


class FormatError(Exception):
    """One problem in a framework file, with where it sits."""

    def __init__(
        self,
        message: str,
        *,
        file: str,
        line: int | None = None,
        column: str | int | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if isinstance(self.column, str):
            parts.append(f'column "{self.column}"')
        elif self.column is not None:
            parts.append(f"column {self.column}")
        return f"{', '.join(parts)}: {self.message}"


class FormatErrors(Exception):
    """Every problem found in one framework file."""

    def __init__(self, errors: Sequence[FormatError]) -> None:
        # In file order, whatever order the checks ran in.
        self.errors = tuple(sorted(errors, key=lambda error: error.line or 0))
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.errors)
        heading = "1 problem" if count == 1 else f"{count} problems"
        return "\n".join([f"{heading} found:", *(str(error) for error in self.errors)])


class _Problem(ValueError):
    """A bad value, raised before the reader knows where it sits."""


T = TypeVar("T")
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


# ---------------------------------------------------------------------------
# Checks shared by both formats
# ---------------------------------------------------------------------------


def default_scale() -> ScaleSpec:
    """A four-point scale for frameworks that bring none, secure from the third point."""
    return ScaleSpec(
        name="Four-point scale",
        mastery_threshold=Decimal(3),
        levels=(
            LevelSpec("Beginning", Decimal(1), "#d9534f", "Starting to meet the objective"),
            LevelSpec("Developing", Decimal(2), "#f0ad4e", "Meets the objective with support"),
            LevelSpec("Secure", Decimal(3), "#5cb85c", "Meets the objective independently"),
            LevelSpec("Greater depth", Decimal(4), "#0275d8", "Applies it in new contexts"),
        ),
    )


def check_calculation(method: str, parameter: int | None) -> int | None:
    """The parameter to store for a method, its default when `parameter` is None."""
    if method not in CALCULATION_METHODS:
        raise _Problem(_("must be one of %(listing)s") % {"listing": _listing(CALCULATION_METHODS)})
    bounds = PARAMETER_RANGES.get(method)
    if bounds is None:
        if parameter is not None:
            raise _Problem(_("%(method)s takes no parameter") % {"method": method})
        return None
    if parameter is None:
        return DEFAULT_PARAMETERS[method]
    low, high = bounds
    if not low <= parameter <= high:
        raise _Problem(
            _("must be a whole number from %(low)s to %(high)s for %(method)s")
            % {"low": low, "high": high, "method": method}
        )
    return parameter


def _check_year(year: int) -> int:
    if not 0 <= year <= 13:
        raise _Problem(YEAR_MESSAGE)
    return year


def _check_key_stage(key_stage: str, year: int | None) -> str:
    """The key stage, defaulted from the year; a clash with the year is an error."""
    if not key_stage:
        return key_stage_for_year(year)
    normalised = key_stage.upper()
    if normalised not in KEY_STAGES:
        raise _Problem(_("must be one of %(listing)s") % {"listing": _listing(KEY_STAGES)})
    expected = key_stage_for_year(year)
    if expected and normalised != expected:
        raise _Problem(
            _("%(normalised)s does not match year %(year)s, which is in %(expected)s")
            % {"normalised": normalised, "year": year, "expected": expected}
        )
    return normalised


def _check_dimension(dimension: str) -> str:
    normalised = dimension.lower() if dimension else "knowledge"
    if normalised not in DIMENSIONS:
        raise _Problem(_("must be one of %(listing)s") % {"listing": _listing(DIMENSIONS)})
    return normalised


def _check_phase(phase: str) -> str:
    if phase not in PHASES:
        raise _Problem(_('must be "primary", "secondary" or empty'))
    return phase


def _check_colour(colour: str) -> str:
    if not COLOUR.fullmatch(colour):
        raise _Problem(_('must be a colour written "#rrggbb"'))
    return colour


def _listing(values: Sequence[str]) -> str:
    shown = [value for value in values if value]
    return ", ".join(shown[:-1]) + f" or {shown[-1]}" if len(shown) > 1 else shown[0]


# ---------------------------------------------------------------------------
# YAML reading
# ---------------------------------------------------------------------------

FRAMEWORK_KEYS = (
    "format",
    "name",
    "subject",
    "version",
    "phase",
    "description",
    "calculation",
    "scale",
    "self_scale",
    "attribution",
    "licence",
    "strands",
)
SCALE_KEYS = ("name", "mastery_threshold", "levels")
LEVEL_KEYS = ("label", "value", "colour", "description", "symbol")
STRAND_KEYS = ("code", "name", "objectives")
OBJECTIVE_KEYS = (
    "code",
    "wording",
    "pupil_wording",
    "year_group",
    "key_stage",
    "core",
    "dimension",
    "success_criteria",
    "exemplars",
)
EXEMPLAR_KEYS = ("title", "text", "level")
NULL_TAG = "tag:yaml.org,2002:null"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
BOOL_TAG = "tag:yaml.org,2002:bool"


class _AliasRefused(yaml.MarkedYAMLError):
    """An alias (*name) in a framework file."""


class _Loader(yaml.SafeLoader):
    """Safe loading without aliases, which could make one small file walk like a huge one."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call,unused-ignore]
            raise _AliasRefused(problem="aliases such as *name are not allowed", problem_mark=mark)
        return super().compose_node(parent, index)


def read_yaml(text: str, *, file: str) -> FrameworkSpec:
    """Parse a framework YAML file, raising `FormatErrors` listing every problem."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise FormatErrors([_syntax_error(error, file)]) from error
    except yaml.YAMLError as error:
        raise FormatErrors([FormatError(str(error), file=file)]) from error
    reader = _YamlReader(file)
    spec = reader.framework(root)
    if reader.errors:
        raise FormatErrors(reader.errors)
    return spec


def _syntax_error(error: yaml.MarkedYAMLError, file: str) -> FormatError:
    mark = error.problem_mark or error.context_mark
    problem = error.problem or error.context or "unreadable"
    message = problem if isinstance(error, _AliasRefused) else f"not valid YAML: {problem}"
    if mark is None:
        return FormatError(message, file=file)
    return FormatError(message, file=file, line=mark.line + 1, column=mark.column + 1)


class _YamlReader:
    """Walks a composed YAML node tree, building specs and noting problems with lines."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[FormatError] = []
        self.level_labels: set[str] = set()
        self.code_lines: dict[str, dict[str, int]] = {"strand": {}, "objective": {}}

    def error(self, node: yaml.Node, path: str, message: str) -> None:
        line = node.start_mark.line + 1
        self.errors.append(FormatError(message, file=self.file, line=line, column=path or None))

    def check(self, node: yaml.Node, path: str, check: Callable[[], T], fallback: T) -> T:
        """Run a shared check, noting its problem against `node` and `path`."""
        try:
            return check()
        except _Problem as problem:
            self.error(node, path, str(problem))
            return fallback

    # -- node shapes ----------------------------------------------------------

    def mapping(
        self,
        node: yaml.Node | None,
        path: str,
        keys: Sequence[str],
        required: Sequence[str] = (),
    ) -> dict[str, yaml.Node]:
        """The mapping's values by key; unknown, repeated and missing keys are problems."""
        if not isinstance(node, yaml.MappingNode):
            if node is not None:
                self.error(node, path, "must be a mapping of keys to values")
            return {}
        found: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            where = _join(path, key)
            if key not in keys:
                self.error(key_node, where, f"unknown key; expected one of {_listing(keys)}")
            elif key in found:
                self.error(key_node, where, "appears more than once")
            else:
                found[key] = value_node
        for key in required:
            if key not in found:
                self.error(node, _join(path, key), "is required")
        return found

    def sequence(self, node: yaml.Node | None, path: str) -> list[yaml.Node]:
        if node is None or _is_null(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, path, "must be a list")
            return []
        return list(node.value)

    def text(self, node: yaml.Node | None, path: str, *, required: bool = False) -> str:
        """A string; any plain scalar counts, so `code: NO` stays "NO" rather than false."""
        if node is None:
            return ""  # a missing required key is noted by `mapping`
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, path, "must be text")
            return ""
        value = "" if _is_null(node) else str(node.value)
        if required and not value.strip():
            self.error(node, path, "must not be empty")
        return value

    def integer(self, node: yaml.Node | None, path: str, message: str) -> int | None:
        if node is None or _is_null(node):
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag == INT_TAG:
            return int(_CONSTRUCTOR.construct_yaml_int(node))
        self.error(node, path, message)
        return None

    def boolean(self, node: yaml.Node | None, path: str) -> bool:
        if node is None or _is_null(node):
            return False
        if isinstance(node, yaml.ScalarNode) and node.tag == BOOL_TAG:
            return bool(_CONSTRUCTOR.construct_yaml_bool(node))
        self.error(node, path, "must be true or false")
        return False

    def decimal(self, node: yaml.Node | None, path: str) -> Decimal:
        """A finite number, or NaN after noting a problem so later comparisons can skip it."""
        if isinstance(node, yaml.ScalarNode) and node.tag in (INT_TAG, FLOAT_TAG):
            try:
                value = Decimal(str(node.value).replace("_", ""))
            except InvalidOperation:
                value = Decimal("NaN")
            if value.is_finite():
                return value
        if node is not None:
            self.error(node, path, "must be a number")
        return Decimal("NaN")

    # -- framework parts ------------------------------------------------------

    def framework(self, root: yaml.Node | None) -> FrameworkSpec:
        if root is None:
            self.errors.append(FormatError("the file is empty", file=self.file, line=1))
            return FrameworkSpec(name="", subject="")
        keys = self.mapping(root, "", FRAMEWORK_KEYS, ("format", "name", "subject"))
        self.format_tag(keys.get("format"))
        method, parameter = self.calculation(keys.get("calculation"))
        scale = self.scale(keys.get("scale"), "scale")
        self.level_labels = {level.label for level in scale.levels} if scale else set()
        return FrameworkSpec(
            name=self.text(keys.get("name"), "name", required="name" in keys),
            subject=self.text(keys.get("subject"), "subject", required="subject" in keys),
            version=self.text(keys.get("version"), "version") or "1",
            phase=self.phase(keys.get("phase")),
            description=self.text(keys.get("description"), "description"),
            calculation_method=method,
            calculation_parameter=parameter,
            scale=scale,
            self_scale=self.scale(keys.get("self_scale"), "self_scale"),
            attribution=self.text(keys.get("attribution"), "attribution"),
            licence=self.text(keys.get("licence"), "licence"),
            strands=self.strands(keys.get("strands")),
        )

    def format_tag(self, node: yaml.Node | None) -> None:
        if node is not None and self.text(node, "format") != FORMAT_TAG:
            self.error(node, "format", f'must be "{FORMAT_TAG}"')

    def phase(self, node: yaml.Node | None) -> str:
        phase = self.text(node, "phase")
        if node is None:
            return phase
        return self.check(node, "phase", lambda: _check_phase(phase), "")

    def calculation(self, node: yaml.Node | None) -> tuple[str, int | None]:
        if node is None:
            return "decaying_average", 65
        keys = self.mapping(node, "calculation", ("method", "parameter"), ("method",))
        method_node = keys.get("method")
        if method_node is None:
            return "decaying_average", 65  # the missing method is already noted
        method = self.text(method_node, "calculation.method")
        if method not in CALCULATION_METHODS:
            message = f"must be one of {_listing(CALCULATION_METHODS)}"
            self.error(method_node, "calculation.method", message)
            return method, None
        parameter_node = keys.get("parameter")
        path = "calculation.parameter"
        parameter = self.integer(parameter_node, path, "must be a whole number")
        where = method_node if parameter_node is None else parameter_node
        return method, self.check(where, path, lambda: check_calculation(method, parameter), None)

    def scale(self, node: yaml.Node | None, path: str) -> ScaleSpec | None:
        if node is None or _is_null(node):
            return None
        keys = self.mapping(node, path, SCALE_KEYS, SCALE_KEYS)
        levels = self.levels(keys.get("levels"), f"{path}.levels")
        threshold = self.decimal(keys.get("mastery_threshold"), f"{path}.mastery_threshold")
        if _comparable(threshold, *levels) and not levels[0].value <= threshold <= levels[-1].value:
            self.error(
                keys["mastery_threshold"],
                f"{path}.mastery_threshold",
                "must lie between the lowest and highest level values",
            )
        name = self.text(keys.get("name"), f"{path}.name", required="name" in keys)
        return ScaleSpec(name=name, levels=levels, mastery_threshold=threshold)

    def levels(self, node: yaml.Node | None, path: str) -> tuple[LevelSpec, ...]:
        items = self.sequence(node, path)
        if node is not None and not items:
            self.error(node, path, "must list at least one level")
        levels: list[LevelSpec] = []
        for index, item in enumerate(items):
            level = self.level(item, f"{path}[{index}]")
            if any(earlier.label == level.label for earlier in levels):
                self.error(item, f"{path}[{index}].label", f'repeats the label "{level.label}"')
            if _comparable(level.value, *levels[-1:]) and level.value <= levels[-1].value:
                self.error(item, f"{path}[{index}].value", "must be greater than the level above")
            levels.append(level)
        return tuple(levels)

    def level(self, node: yaml.Node, path: str) -> LevelSpec:
        keys = self.mapping(node, path, LEVEL_KEYS, ("label", "value"))
        colour_node = keys.get("colour")
        colour = "#6c757d"
        if colour_node is not None:
            text = self.text(colour_node, f"{path}.colour")
            colour = self.check(colour_node, f"{path}.colour", lambda: _check_colour(text), text)
        return LevelSpec(
            label=self.text(keys.get("label"), f"{path}.label", required="label" in keys),
            value=self.decimal(keys.get("value"), f"{path}.value"),
            colour=colour,
            description=self.text(keys.get("description"), f"{path}.description"),
            symbol=self.text(keys.get("symbol"), f"{path}.symbol"),
        )

    def strands(self, node: yaml.Node | None) -> tuple[StrandSpec, ...]:
        items = self.sequence(node, "strands")
        return tuple(self.strand(item, f"strands[{index}]") for index, item in enumerate(items))

    def strand(self, node: yaml.Node, path: str) -> StrandSpec:
        keys = self.mapping(node, path, STRAND_KEYS, ("code", "name"))
        items = self.sequence(keys.get("objectives"), f"{path}.objectives")
        return StrandSpec(
            code=self.code(keys.get("code"), f"{path}.code", "strand"),
            name=self.text(keys.get("name"), f"{path}.name", required="name" in keys),
            objectives=tuple(
                self.objective(item, f"{path}.objectives[{index}]")
                for index, item in enumerate(items)
            ),
        )

    def objective(self, node: yaml.Node, path: str) -> ObjectiveSpec:
        keys = self.mapping(node, path, OBJECTIVE_KEYS, ("code", "wording"))
        year = self.year(keys.get("year_group"), f"{path}.year_group")
        return ObjectiveSpec(
            code=self.code(keys.get("code"), f"{path}.code", "objective"),
            wording=self.text(keys.get("wording"), f"{path}.wording", required="wording" in keys),
            pupil_wording=self.text(keys.get("pupil_wording"), f"{path}.pupil_wording"),
            year_group=year,
            key_stage=self.key_stage(keys.get("key_stage"), f"{path}.key_stage", year),
            core=self.boolean(keys.get("core"), f"{path}.core"),
            dimension=self.dimension(keys.get("dimension"), f"{path}.dimension"),
            success_criteria=self.criteria(
                keys.get("success_criteria"), f"{path}.success_criteria"
            ),
            exemplars=self.exemplars(keys.get("exemplars"), f"{path}.exemplars"),
        )

    def year(self, node: yaml.Node | None, path: str) -> int | None:
        year = self.integer(node, path, YEAR_MESSAGE)
        if node is None or year is None:
            return year
        return self.check(node, path, lambda: _check_year(year), None)

    def key_stage(self, node: yaml.Node | None, path: str, year: int | None) -> str:
        key_stage = self.text(node, path)
        fallback = key_stage_for_year(year)
        if node is None:
            return fallback
        return self.check(node, path, lambda: _check_key_stage(key_stage, year), fallback)

    def dimension(self, node: yaml.Node | None, path: str) -> str:
        dimension = self.text(node, path)
        if node is None:
            return "knowledge"
        return self.check(node, path, lambda: _check_dimension(dimension), "knowledge")

    def criteria(self, node: yaml.Node | None, path: str) -> tuple[str, ...]:
        items = self.sequence(node, path)
        return tuple(
            self.text(item, f"{path}[{index}]", required=True) for index, item in enumerate(items)
        )

    def exemplars(self, node: yaml.Node | None, path: str) -> tuple[ExemplarSpec, ...]:
        items = self.sequence(node, path)
        return tuple(self.exemplar(item, f"{path}[{index}]") for index, item in enumerate(items))

    def exemplar(self, node: yaml.Node, path: str) -> ExemplarSpec:
        keys = self.mapping(node, path, EXEMPLAR_KEYS, ("title", "text"))
        level = self.text(keys.get("level"), f"{path}.level")
        if level and level not in self.level_labels:
            message = "must be a level label on the framework's scale"
            self.error(keys["level"], f"{path}.level", message)
        return ExemplarSpec(
            title=self.text(keys.get("title"), f"{path}.title", required="title" in keys),
            text=self.text(keys.get("text"), f"{path}.text", required="text" in keys),
            level=level,
        )

    def code(self, node: yaml.Node | None, path: str, kind: str) -> str:
        """A strand or objective code, which must be unique among its kind in the file."""
        code = self.text(node, path, required=node is not None)
        seen = self.code_lines[kind]
        if node is not None and code in seen:
            message = f'repeats the {kind} code "{code}" first used on line {seen[code]}'
            self.error(node, path, message)
        elif node is not None and code:
            seen[code] = node.start_mark.line + 1
        return code


def _comparable(value: Decimal, *levels: LevelSpec) -> bool:
    """Whether there are levels and every number involved was read without a problem."""
    values = [value, *(level.value for level in levels)]
    return bool(levels) and not any(number.is_nan() for number in values)


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# ---------------------------------------------------------------------------
# YAML writing
# ---------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Safe dumping, with decimals as numbers and multi-line text as literal blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent lists under their key, as people write them by hand.
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: object) -> bool:
        # Repeated values are written out again: `read_yaml` refuses aliases.
        return True


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    if value == value.to_integral_value():
        return dumper.represent_int(int(value))
    # Written from the decimal's own digits so no float rounding creeps in.
    return dumper.represent_scalar(FLOAT_TAG, format(value, "f"))


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(str, _represent_text)


def write_yaml(spec: FrameworkSpec) -> str:
    """The framework as YAML in a stable, readable order; `read_yaml` gives it back."""
    document = {
        "format": FORMAT_TAG,
        "name": spec.name,
        "subject": spec.subject,
        "version": spec.version,
        "phase": spec.phase,
        "description": spec.description,
        "calculation": {"method": spec.calculation_method, "parameter": spec.calculation_parameter},
        **({"scale": _scale_document(spec.scale)} if spec.scale else {}),
        **({"self_scale": _scale_document(spec.self_scale)} if spec.self_scale else {}),
        "attribution": spec.attribution,
        "licence": spec.licence,
        "strands": [_strand_document(strand) for strand in spec.strands],
    }
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def _scale_document(scale: ScaleSpec) -> dict[str, object]:
    return {
        "name": scale.name,
        "mastery_threshold": scale.mastery_threshold,
        "levels": [_level_document(level) for level in scale.levels],
    }


def _level_document(level: LevelSpec) -> dict[str, object]:
    document: dict[str, object] = {"label": level.label, "value": level.value}
    document["colour"] = level.colour
    return document | _present(description=level.description, symbol=level.symbol)


def _strand_document(strand: StrandSpec) -> dict[str, object]:
    objectives = [_objective_document(objective) for objective in strand.objectives]
    return {"code": strand.code, "name": strand.name, "objectives": objectives}


def _objective_document(objective: ObjectiveSpec) -> dict[str, object]:
    document: dict[str, object] = {"code": objective.code, "wording": objective.wording}
    return document | _present(
        pupil_wording=objective.pupil_wording,
        year_group=objective.year_group,
        key_stage=objective.key_stage,
        core=objective.core,
        dimension=objective.dimension if objective.dimension != "knowledge" else None,
        success_criteria=list(objective.success_criteria),
        exemplars=[_exemplar_document(exemplar) for exemplar in objective.exemplars],
    )


def _exemplar_document(exemplar: ExemplarSpec) -> dict[str, object]:
    document: dict[str, object] = {"title": exemplar.title, "text": exemplar.text}
    return document | _present(level=exemplar.level)


def _present(**values: object) -> dict[str, object]:
    """Only the values worth writing: empty text, empty lists, None and False are left out."""
    return {key: value for key, value in values.items() if not _is_empty(value)}


def _is_empty(value: object) -> bool:
    # Spelt out because `0 in (False, ...)` is true and Reception is year 0.
    return value is None or value is False or (isinstance(value, str | list) and not value)


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------


def write_csv(spec: FrameworkSpec) -> str:
    """One row per objective; exemplars and framework metadata are not carried."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for strand in spec.strands:
        for objective in strand.objectives:
            writer.writerow(_csv_row(strand, objective))
    return buffer.getvalue()


def _csv_row(strand: StrandSpec, objective: ObjectiveSpec) -> list[str]:
    year = "" if objective.year_group is None else str(objective.year_group)
    return [
        strand.code,
        strand.name,
        objective.code,
        objective.wording,
        objective.pupil_wording,
        year,
        objective.key_stage,
        "yes" if objective.core else "no",
        objective.dimension,
        CRITERIA_SEPARATOR.join(objective.success_criteria),
    ]


@dataclass
class _CsvStrand:
    code: str
    name: str
    objectives: list[ObjectiveSpec]


def read_csv(
    text: str,
    *,
    file: str,
    name: str,
    subject: str,
    version: str = "1",
    phase: str = "",
    description: str = "",
    calculation_method: str = "decaying_average",
    calculation_parameter: int | None = 65,
    scale: ScaleSpec | None = None,
    self_scale: ScaleSpec | None = None,
    attribution: str = "",
    licence: str = "",
) -> FrameworkSpec:
    """Parse one-row-per-objective CSV (`FormatErrors`); bad metadata is a `ValueError`."""
    try:
        parameter = check_calculation(calculation_method, calculation_parameter)
        _check_phase(phase)
    except _Problem as problem:
        raise ValueError(str(problem)) from problem
    reader = _CsvReader(file)
    strands = reader.read(text.removeprefix("\ufeff"))
    if reader.errors:
        raise FormatErrors(reader.errors)
    return FrameworkSpec(
        name=name,
        subject=subject,
        version=version,
        phase=phase,
        description=description,
        calculation_method=calculation_method,
        calculation_parameter=parameter,
        scale=scale or default_scale(),
        self_scale=self_scale,
        attribution=attribution,
        licence=licence,
        strands=strands,
    )


class _CsvReader:
    """Reads objective rows, noting every bad cell by line and column name."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[FormatError] = []
        self.strands: dict[str, _CsvStrand] = {}
        self.codes: dict[str, int] = {}

    def error(self, line: int, column: str | None, message: str) -> None:
        self.errors.append(FormatError(message, file=self.file, line=line, column=column))

    def read(self, text: str) -> tuple[StrandSpec, ...]:
        try:
            return self.records(_rows_with_lines(text))
        except _BrokenCsv as broken:
            self.error(broken.line, None, f"not valid CSV: {broken}")
            return ()

    def records(self, rows: Iterator[tuple[int, list[str]]]) -> tuple[StrandSpec, ...]:
        header = next(rows, None)
        if header is None:
            self.error(1, None, "the file is empty; the first row must name the columns")
            return ()
        columns = self.header(*header)
        if columns is None:
            return ()
        for line, cells in rows:
            if any(cell.strip() for cell in cells):
                self.row(line, self.cells(line, columns, cells))
        return tuple(
            StrandSpec(strand.code, strand.name, tuple(strand.objectives))
            for strand in self.strands.values()
        )

    def header(self, line: int, cells: list[str]) -> list[str] | None:
        columns = [cell.strip().lower() for cell in cells]
        for column in columns:
            if column not in CSV_COLUMNS:
                self.error(line, column, f"unknown column; expected {_listing(CSV_COLUMNS)}")
        for column in CSV_COLUMNS:
            if column not in columns:
                self.error(line, column, "this column is missing from the first row")
            elif columns.count(column) > 1:
                self.error(line, column, "appears more than once in the first row")
        return None if self.errors else columns

    def cells(self, line: int, columns: list[str], cells: list[str]) -> dict[str, str]:
        """The row by column name; spreadsheets often drop trailing empty cells."""
        if any(cell.strip() for cell in cells[len(columns) :]):
            self.error(line, None, f"has {len(cells)} cells but the first row names {len(columns)}")
        values = dict(zip(columns, (cell.strip() for cell in cells), strict=False))
        return {column: values.get(column, "") for column in CSV_COLUMNS}

    def row(self, line: int, cells: dict[str, str]) -> None:
        strand = self.strand(line, cells["strand_code"], cells["strand_name"])
        code = self.required(line, cells, "objective_code")
        if code in self.codes:
            message = f'repeats the objective code "{code}" first used on line {self.codes[code]}'
            self.error(line, "objective_code", message)
        elif code:
            self.codes[code] = line
        objective = self.objective(line, cells, code)
        if strand is not None:
            strand.objectives.append(objective)

    def strand(self, line: int, code: str, name: str) -> _CsvStrand | None:
        if not code:
            self.error(line, "strand_code", "must not be empty")
            return None
        strand = self.strands.get(code)
        if strand is None:
            if not name:
                self.error(line, "strand_name", "must not be empty for a strand's first row")
            strand = self.strands[code] = _CsvStrand(code, name, [])
        elif name and name != strand.name:
            self.error(
                line, "strand_name", f'differs from "{strand.name}" given earlier for {code}'
            )
        return strand

    def objective(self, line: int, cells: dict[str, str], code: str) -> ObjectiveSpec:
        year = self.cell(line, "year_group", lambda: _csv_year(cells["year_group"]), None)
        key_stage = self.cell(
            line, "key_stage", lambda: _check_key_stage(cells["key_stage"], year), ""
        )
        return ObjectiveSpec(
            code=code,
            wording=self.required(line, cells, "wording"),
            pupil_wording=cells["pupil_wording"],
            year_group=year,
            key_stage=key_stage,
            core=self.cell(line, "core", lambda: _csv_bool(cells["core"]), False),
            dimension=self.cell(
                line, "dimension", lambda: _check_dimension(cells["dimension"]), "knowledge"
            ),
            success_criteria=_csv_criteria(cells["success_criteria"]),
        )

    def required(self, line: int, cells: dict[str, str], column: str) -> str:
        if not cells[column]:
            self.error(line, column, "must not be empty")
        return cells[column]

    def cell(self, line: int, column: str, check: Callable[[], T], fallback: T) -> T:
        try:
            return check()
        except _Problem as problem:
            self.error(line, column, str(problem))
            return fallback


def _rows_with_lines(text: str) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the line each starts on; a quoted cell may span several lines."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as error:
        raise _BrokenCsv(start, str(error)) from error


class _BrokenCsv(ValueError):
    """A record the csv module cannot read, with the line it starts on."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _csv_year(text: str) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"[0-9]+", text):
        raise _Problem(YEAR_MESSAGE)
    return _check_year(int(text))


def _csv_bool(text: str) -> bool:
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS or not word:
        return False
    raise _Problem(_("must be yes or no"))


def _csv_criteria(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("|") if part.strip())
