"""The KS2 writing teacher assessment's structure and its secure-fit rule, as pure functions.

The structure (which standards exist, their order, how many "pupil can" statements each has,
which standards below each must also be met, where the particular-weakness exception applies)
is read from `data/standards.yaml`, where each edition names the Standards and Testing Agency
documents it follows and the KS2 years it is used for. No Django import: the rule is tested on
its own.

Secure fit (STA, *Teacher assessment frameworks at the end of key stage 2*, 2018/19 onwards):
a standard is met when every statement of it, and of the standards it builds on, is evidenced;
a statement with a recorded particular weakness counts as covered where the exception applies.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).parent.parent / "data"
STANDARDS_FILE = DATA_DIR / "standards.yaml"
FORMAT = "nextsteps-writing-standards/1"


class RulesError(ValueError):
    """A structure file that cannot be used, naming the file and the field."""

    def __init__(self, path: Path | str, field: str, problem: str) -> None:
        self.path, self.field = str(path), field
        super().__init__(f"{path}: {field}: {problem}")


class NoRule(LookupError):
    """No edition of the framework covers this KS2 year: the year is named, never guessed."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"nextsteps has no KS2 writing framework for {year}: add that year's edition to "
            "the writing standards data (data/standards.yaml) before judging it"
        )


@dataclass(frozen=True)
class FrameworkSource:
    title: str
    url: str
    covers: str


@dataclass(frozen=True)
class Standard:
    """One standard: its code (the outcome code schools report), name and statements."""

    code: str
    name: str
    statements: int | None  # None: as many as the school's imported copy has
    requires: tuple[str, ...]
    weakness: bool  # the particular-weakness exception applies to its statements


@dataclass(frozen=True)
class Framework:
    """One edition of the structure, used for the KS2 years from `from_year` to `until_year`."""

    edition: str
    from_year: int
    until_year: int | None
    year_group: int
    sources: tuple[FrameworkSource, ...]
    rule: str
    purpose: str
    standards: tuple[Standard, ...]  # lowest first
    other_outcomes: tuple[tuple[str, str], ...] = ()  # (code, name): EM, A

    def standard(self, code: str) -> Standard:
        for standard in self.standards:
            if standard.code == code:
                return standard
        raise KeyError(code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.standards)

    @property
    def outcomes(self) -> tuple[tuple[str, str], ...]:
        """Every outcome a teacher may record, highest standard first, then the other codes."""
        return tuple((s.code, s.name) for s in reversed(self.standards)) + self.other_outcomes

    def covers(self, year: int) -> bool:
        return self.from_year <= year and (self.until_year is None or year <= self.until_year)


def _field(data: Mapping[str, Any], key: str, path: Path, where: str) -> Any:
    if key not in data:
        raise RulesError(path, f"{where}{key}", "missing")
    return data[key]


def _standard(raw: Any, path: Path, where: str) -> Standard:
    if not isinstance(raw, dict):
        raise RulesError(path, where, "each standard is a mapping")
    count = raw.get("statements")
    if count is not None and (not isinstance(count, int) or count < 1):
        raise RulesError(path, f"{where}statements", "a whole number of at least 1, or empty")
    requires = _field(raw, "requires", path, where) or []
    return Standard(
        code=str(_field(raw, "code", path, where)),
        name=str(_field(raw, "name", path, where)),
        statements=count,
        requires=tuple(str(code) for code in requires),
        weakness=bool(_field(raw, "weakness", path, where)),
    )


def _framework(raw: Any, path: Path, where: str) -> Framework:
    if not isinstance(raw, dict):
        raise RulesError(path, where, "each framework is a mapping")
    standards = tuple(
        _standard(item, path, f"{where}standards[{index}].")
        for index, item in enumerate(_field(raw, "standards", path, where) or [])
    )
    if not standards:
        raise RulesError(path, f"{where}standards", "at least one standard")
    codes = [s.code for s in standards]
    if len(set(codes)) != len(codes):
        raise RulesError(path, f"{where}standards", "a code appears twice")
    for index, standard in enumerate(standards):
        below = set(codes[:index])
        for code in standard.requires:
            if code not in below:
                raise RulesError(
                    path,
                    f"{where}standards[{index}].requires",
                    f"{code} is not a standard below {standard.code}",
                )
    until = raw.get("until_year")
    sources = tuple(
        FrameworkSource(
            str(s.get("title", "")).strip(), str(s.get("url", "")), str(s.get("covers", ""))
        )
        for s in _field(raw, "sources", path, where)
    )
    if not sources or any(not s.title or not s.url.startswith("https://") for s in sources):
        raise RulesError(path, f"{where}sources", "each source needs a title and an https URL")
    return Framework(
        edition=str(_field(raw, "edition", path, where)),
        from_year=int(_field(raw, "from_year", path, where)),
        until_year=int(until) if until is not None else None,
        year_group=int(_field(raw, "year_group", path, where)),
        sources=sources,
        rule=str(_field(raw, "rule", path, where)).strip(),
        purpose=str(_field(raw, "purpose", path, where)).strip(),
        standards=standards,
        other_outcomes=tuple(
            (str(o["code"]), str(o["name"])) for o in raw.get("other_outcomes") or []
        ),
    )


def read_frameworks(path: Path = STANDARDS_FILE) -> tuple[Framework, ...]:
    """Every edition in a structure file, checked; a file that cannot be used is refused."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise RulesError(path, "(file)", f"not YAML: {error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RulesError(path, "format", f"expected {FORMAT}")
    frameworks = tuple(
        _framework(raw, path, f"frameworks[{index}].")
        for index, raw in enumerate(data.get("frameworks") or [])
    )
    if not frameworks:
        raise RulesError(path, "frameworks", "at least one edition")
    return frameworks


@cache
def shipped_frameworks() -> tuple[Framework, ...]:
    return read_frameworks()


def framework_for(year: int, frameworks: tuple[Framework, ...] | None = None) -> Framework:
    """The edition used for pupils whose KS2 assessment is in the summer of `year`."""
    for framework in frameworks if frameworks is not None else shipped_frameworks():
        if framework.covers(year):
            return framework
    raise NoRule(year)


# --------------------------------------------------------------------------- secure fit


@dataclass(frozen=True)
class StandardFit:
    """How a pupil's evidence fits one standard."""

    code: str
    statements: int  # how many statements the standard has (0: none imported)
    missing: tuple[int, ...]  # statements with no evidence and no recorded weakness
    excused: tuple[int, ...]  # statements covered only by a recorded particular weakness
    unmet_below: tuple[str, ...]  # required standards below that are not themselves covered

    @property
    def covered(self) -> bool:
        """Every statement of this standard evidenced (or excused by a weakness)."""
        return self.statements > 0 and not self.missing

    @property
    def met(self) -> bool:
        return self.covered and not self.unmet_below


@dataclass(frozen=True)
class Fit:
    """The rule's result: the highest standard met (None: none), with each standard's fit."""

    outcome: str | None
    standards: tuple[StandardFit, ...]
    uses_weakness: bool  # the outcome depends on a recorded particular weakness

    def of(self, code: str) -> StandardFit:
        return next(s for s in self.standards if s.code == code)


def secure_fit(
    framework: Framework,
    counts: Mapping[str, int],
    evidenced: Mapping[str, Set[int]],
    weaknesses: Mapping[str, Set[int]] | None = None,
) -> Fit:
    """Apply the secure-fit rule.

    `counts` is the number of statements each standard has in the school's copy (used where
    the structure leaves it open); `evidenced` the statement numbers with at least one piece
    of writing; `weaknesses` those with a recorded particular weakness, which cover a
    statement only where the framework allows the exception for that standard.
    """
    weaknesses = weaknesses or {}
    own: dict[str, tuple[int, tuple[int, ...], tuple[int, ...]]] = {}
    for standard in framework.standards:
        total = standard.statements or counts.get(standard.code, 0)
        seen = evidenced.get(standard.code, set())
        allowed = weaknesses.get(standard.code, set()) if standard.weakness else set()
        gaps = [n for n in range(1, total + 1) if n not in seen]
        own[standard.code] = (
            total,
            tuple(n for n in gaps if n not in allowed),
            tuple(n for n in gaps if n in allowed),
        )
    fits = []
    for standard in framework.standards:
        total, missing, excused = own[standard.code]
        unmet = tuple(code for code in standard.requires if own[code][0] == 0 or own[code][1])
        fits.append(StandardFit(standard.code, total, missing, excused, unmet))
    met = [fit for fit in fits if fit.met]
    outcome = met[-1] if met else None
    uses = False
    if outcome is not None:
        chain = (outcome.code, *framework.standard(outcome.code).requires)
        uses = any(own[code][2] for code in chain)
    return Fit(outcome.code if outcome else None, tuple(fits), uses)
