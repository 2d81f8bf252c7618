"""What a pupil's report says, as one plain document: the figures, strengths, next steps,
targets, personal bests and the teacher's words, with the pupil's year group and the period.

A pure kernel (no Django). The page and the PDF render only this document, whether it is the
live draft (built from the standings) or a released version (read back from its JSON), so a
released report renders exactly as it was released, whatever has changed since.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, replace
from typing import Any

# The layout of the JSON stored on a released version; a new layout gets a new number and a
# reader for the old one, so that no released report ever stops rendering. Format 2 added the
# pupil's attendance; a format 1 report was released without it and is read without it.
# Format 3 added the school's logo, the sections the school chose to give, the pupil's
# forename, the latest next steps from feedback and the ideas for home from the learning
# intentions; a report released earlier is read with every section it had and no logo.
FORMAT = 3
READABLE_FORMATS = frozenset({1, 2, 3})

# The sections a report can give, in the order it gives them; a school may leave any out.
SECTIONS = (
    "attendance",
    "overview",
    "achievements",
    "next_steps",
    "home",
    "targets",
    "personal_bests",
    "comment",
)


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
class AttendanceLine:
    """The pupil's attendance this year as the report was made: context for the figures."""

    text: str  # "96.2%", worked out once, as every page shows it
    attended: int
    possible: int
    as_of: dt.date
    persistent: bool | None


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
    attendance: AttendanceLine | None = None
    pupil_forename: str = ""
    sections: list[str] = field(default_factory=lambda: list(SECTIONS))
    logo: str = ""  # the stored name of the school's logo file as the report was made
    next_steps: list[str] = field(default_factory=list)
    home_ideas: list[str] = field(default_factory=list)

    @property
    def show(self) -> dict[str, bool]:
        """Which sections the report gives, by name (for the templates)."""
        return {section: section in self.sections for section in SECTIONS}

    @property
    def shows_subjects(self) -> bool:
        """Whether any part of the per-subject sections is given."""
        return bool({"overview", "achievements", "next_steps", "home"} & set(self.sections))

    def as_released_on(self, day: dt.date) -> ReportDocument:
        """The document as it could have been released on `day`: a figure dated later (an
        attendance count made after that day) is one the report could not have given."""
        if self.attendance is not None and self.attendance.as_of > day:
            return replace(self, attendance=None)
        return self

    def to_json(self) -> dict[str, Any]:
        """The document as JSON-ready data (dates as ISO text), tagged with its format."""
        data = asdict(self)
        for target in data["targets"]:
            due = target["due_on"]
            target["due_on"] = due.isoformat() if due is not None else None
        if data["attendance"] is not None:
            data["attendance"]["as_of"] = data["attendance"]["as_of"].isoformat()
        return {"format": FORMAT, **data}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportDocument:
        if data.get("format") not in READABLE_FORMATS:
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
            attendance=_attendance_from_json(data.get("attendance")),
            pupil_forename=data.get("pupil_forename", ""),
            sections=list(data.get("sections", SECTIONS)),
            logo=data.get("logo", ""),
            next_steps=list(data.get("next_steps", [])),
            home_ideas=list(data.get("home_ideas", [])),
        )


def _attendance_from_json(data: dict[str, Any] | None) -> AttendanceLine | None:
    if data is None:
        return None
    return AttendanceLine(
        text=data["text"],
        attended=data["attended"],
        possible=data["possible"],
        as_of=dt.date.fromisoformat(data["as_of"]),
        persistent=data["persistent"],
    )
