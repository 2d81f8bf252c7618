"""The Common Transfer File versions nextsteps accepts and writes, and its statutory results' codes.

Read from `data/ctf_versions.yaml`, which names its source (the DfE's *Common transfer file 25:
specification*, for 2025 to 2026, and *Common transfer file 24: specification*, in the DfE's
collection https://www.gov.uk/government/collections/common-transfer-file). A new version is a
change to that file, not to the code. Pure: no Django import.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from nextsteps.i18n import translate as _

VERSIONS_FILE = Path(__file__).parent.parent / "data" / "ctf_versions.yaml"
FORMAT = "nextsteps-ctf-versions/1"


class CtfRulesError(ValueError):
    """The versions file cannot be used; names the file and the field."""

    def __init__(self, path: Path | str, field: str, problem: str) -> None:
        super().__init__(f"{path}: {field}: {problem}")


@dataclass(frozen=True)
class ResultRule:
    """A statutory result: its StageAssessment codes, its mark's range and its no-mark codes."""

    key: str
    label: str
    stage: str
    subject: str
    method: str
    minimum: int
    maximum: int
    codes: frozenset[str]

    def matches(self, stage: str, subject: str, method: str) -> bool:
        return (stage.upper(), subject.upper(), method.upper()) == (
            self.stage,
            self.subject,
            self.method,
        )

    def problem(self, result: str) -> str | None:
        """Why `result` is not a valid result of this kind, or None when it is."""
        text = result.strip()
        if text.upper() in self.codes:
            return None
        if text.lstrip("-").isdigit():
            if self.minimum <= int(text) <= self.maximum:
                return None
            return _("%(value)s is outside %(minimum)s–%(maximum)s for a %(label)s") % {
                "value": text,
                "minimum": self.minimum,
                "maximum": self.maximum,
                "label": self.label,
            }
        return _(
            "%(value)s is neither a %(label)s (%(minimum)s–%(maximum)s) nor one of the codes "
            "%(codes)s"
        ) % {
            "value": repr(text),
            "label": self.label,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "codes": ", ".join(sorted(self.codes)),
        }


@dataclass(frozen=True)
class CtfRules:
    source: str
    export_version: str
    accepted: tuple[str, ...]  # major versions, newest first
    results: tuple[ResultRule, ...]
    path: str

    def major(self, version: str) -> str:
        return version.strip().split(".", 1)[0]

    def accepts(self, version: str) -> bool:
        return self.major(version) in self.accepted

    def rule(self, key: str) -> ResultRule:
        return next(r for r in self.results if r.key == key)

    def rule_for(self, stage: str, subject: str, method: str) -> ResultRule | None:
        return next((r for r in self.results if r.matches(stage, subject, method)), None)


def _field(data: dict[str, Any], name: str, path: Path) -> Any:
    if name not in data:
        raise CtfRulesError(path, name, "missing")
    return data[name]


def load_rules(path: Path = VERSIONS_FILE) -> CtfRules:
    """The rules in `path`; CtfRulesError names the file and field when it cannot be used."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CtfRulesError(path, "format", f"expected {FORMAT}")
    versions = _field(data, "versions", path)
    if not isinstance(versions, dict) or not versions:
        raise CtfRulesError(path, "versions", "list at least one accepted version")
    for major, entry in versions.items():
        if not isinstance(entry, dict) or not entry.get("source"):
            raise CtfRulesError(path, f"versions.{major}.source", "every version names its source")
    export = str(_field(data, "export", path))
    accepted = tuple(sorted((str(v) for v in versions), key=int, reverse=True))
    if export.split(".", 1)[0] not in accepted:
        raise CtfRulesError(path, "export", f"{export} is not among the accepted versions")
    results = []
    for key, entry in (_field(data, "results", path) or {}).items():
        try:
            rule = ResultRule(
                key=str(key),
                label=str(entry["label"]),
                stage=str(entry["stage"]).upper(),
                subject=str(entry["subject"]).upper(),
                method=str(entry["method"]).upper(),
                minimum=int(entry["minimum"]),
                maximum=int(entry["maximum"]),
                codes=frozenset(str(c).upper() for c in entry.get("codes", [])),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise CtfRulesError(path, f"results.{key}", f"incomplete: {error}") from error
        if rule.minimum > rule.maximum:
            raise CtfRulesError(path, f"results.{key}", "minimum is above maximum")
        results.append(rule)
    return CtfRules(
        source=str(_field(data, "source", path)).strip(),
        export_version=export,
        accepted=accepted,
        results=tuple(results),
        path=path.name,
    )


@cache
def ctf_rules() -> CtfRules:
    return load_rules()
