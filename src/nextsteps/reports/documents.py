"""What a pupil's report says, as one plain document: the figures, strengths, next steps,
targets, personal bests and the teacher's words, with the pupil's year group and the period.

A pure kernel (no Django). The page and the PDF render only this document, whether it is the
live draft (built from the standings) or a released version (read back from its JSON), so a
released report renders exactly as it was released, whatever has changed since.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

# The layout of the JSON stored on a released version; a new layout gets a new number and a
# reader for the old one, so that no released report ever stops rendering.
FORMAT = 1


@dataclass(frozen=True)
class SubjectLine:
    """One subject: counts of the year's core objectives, in words, with what to do next."""

    subject: str
    secure: int
    working: int
    not_yet: int
    summary: str
    strengths: list[str] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)
    home_idea: str = ""


@dataclass(frozen=True)
class TargetLine:
    wording: str
    status: str
    due_on: dt.date | None = None


@dataclass(frozen=True)
class PersonalBestLine:
    challenge: str
    score: int
    max_score: int
    new_bests: int


@dataclass(frozen=True)
class ReportDocument:
    pupil_id: int
    pupil_name: str
    school_name: str
    year_group: int
    year_label: str
    period: str
    subjects: list[SubjectLine]
    targets: list[TargetLine]
    personal_bests: list[PersonalBestLine]
    comment: str = ""
    home_help: str = ""

    def to_json(self) -> dict[str, Any]:
        """The document as JSON-ready data (dates as ISO text), tagged with its format."""
        data = asdict(self)
        for target in data["targets"]:
            due = target["due_on"]
            target["due_on"] = due.isoformat() if due is not None else None
        return {"format": FORMAT, **data}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportDocument:
        if data.get("format") != FORMAT:
            raise ValueError(f"Unknown report format {data.get('format')!r}")
        return cls(
            pupil_id=data["pupil_id"],
            pupil_name=data["pupil_name"],
            school_name=data["school_name"],
            year_group=data["year_group"],
            year_label=data["year_label"],
            period=data["period"],
            subjects=[SubjectLine(**s) for s in data["subjects"]],
            targets=[
                TargetLine(
                    wording=t["wording"],
                    status=t["status"],
                    due_on=dt.date.fromisoformat(t["due_on"]) if t["due_on"] else None,
                )
                for t in data["targets"]
            ],
            personal_bests=[PersonalBestLine(**p) for p in data["personal_bests"]],
            comment=data["comment"],
            home_help=data["home_help"],
        )
