"""A roster import's summary, as plain data: what it created, updated, left unchanged and
ended, kind by kind, with its notes and the pupils whose identity it questioned."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nextsteps.people.kernels.identity import IdentityReport

Progress = Callable[[str, int, int | None], None]


def no_progress(stage: str, done: int, total: int | None) -> None:
    """The default progress reporter: says nothing."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ended: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "ended": self.ended,
        }


@dataclass
class ImportSummary:
    version: str = ""
    modes: dict[str, str] = field(default_factory=dict)
    counts: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False
    schools: list[str] = field(default_factory=list)
    identity: IdentityReport = field(default_factory=IdentityReport)

    @property
    def changed(self) -> int:
        return sum(c.created + c.updated + c.ended for c in self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "modes": {k: v for k, v in self.modes.items() if v != "absent"},
            "counts": {k: v.as_dict() for k, v in self.counts.items()},
            "notes": self.notes,
            "dry_run": self.dry_run,
            "schools": self.schools,
            **self.identity.as_dict(),
        }

    def lines(self) -> list[str]:
        head = "Dry run: nothing was written. " if self.dry_run else ""
        lines = [f"{head}OneRoster {self.version}: {self.changed} changes."]
        for kind, c in self.counts.items():
            lines.append(
                f"  {kind}: {c.created} created, {c.updated} updated, "
                f"{c.unchanged} unchanged, {c.ended} ended"
            )
        lines += [f"  note: {note}" for note in self.notes]
        return lines
