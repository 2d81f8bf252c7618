"""Is an incoming pupil record someone new, the same pupil, an update, or somebody else?

Pure: no Django import (wording is translated through `nextsteps.i18n`). Every importer — the
spreadsheet, OneRoster, the Common Transfer File and the MIS sync — matches a row to a pupil by
an identifier (a UPN, a OneRoster `sourcedId`) and then asks `pupil_match` what the row means
for that pupil. A row whose legal surname *and* date of birth both differ from the matched
pupil's is a different child under a reused or mistyped identifier: a **conflict**, never
applied, because applying it would hand the pupil's judgements to someone else. A new surname
alone (marriage, adoption) or a corrected date of birth alone is an ordinary update.
"""

from __future__ import annotations

import datetime as dt
import enum
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nextsteps.i18n import translate as _

# The order updates are listed in: the fields a data manager reads first come first.
FIELD_ORDER = (
    "upn",
    "legal_surname",
    "legal_forename",
    "preferred_surname",
    "preferred_forename",
    "date_of_birth",
    "gender",
    "year_group",
    "sen_status",
    "disadvantaged",
    "fsm",
    "eal",
    "admission_date",
    "leaving_date",
)


def field_label(name: str) -> str:
    """A pupil field as a data manager knows it."""
    labels = {
        "upn": _("UPN"),
        "legal_surname": _("Legal surname"),
        "legal_forename": _("Legal forename"),
        "preferred_surname": _("Preferred surname"),
        "preferred_forename": _("Preferred forename"),
        "date_of_birth": _("Date of birth"),
        "gender": _("Gender"),
        "year_group": _("Year group"),
        "sen_status": _("SEN status"),
        "disadvantaged": _("Pupil premium"),
        "fsm": _("Free school meals"),
        "eal": _("EAL"),
        "admission_date": _("Admission date"),
        "leaving_date": _("Leaving date"),
    }
    return labels.get(name, name.replace("_", " ").capitalize())


def shown(value: object) -> str:
    """A field's value as text: dates in ISO form, yes and no, a dash for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class Outcome(enum.StrEnum):
    NEW = "new"
    SAME = "same"
    UPDATE = "update"
    CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class Change:
    """One field of a pupil, before and after."""

    field: str
    before: object
    after: object

    @property
    def label(self) -> str:
        return field_label(self.field)

    @property
    def shown_before(self) -> str:
        return shown(self.before)

    @property
    def shown_after(self) -> str:
        return shown(self.after)

    def __str__(self) -> str:
        return f"{self.label}: {self.shown_before} → {self.shown_after}"


@dataclass(frozen=True, slots=True)
class Decision:
    """What a row means for the pupil its identifier matched (or for nobody: new)."""

    outcome: Outcome
    changes: tuple[Change, ...] = ()


def surname_key(text: str) -> str:
    """A surname as compared for identity: case, accents, spaces and punctuation ignored.

    "O'Brien" and "OBRIEN", "Zoë" and "Zoe" are the same name written two ways; the update
    still records the new spelling.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum()).casefold()


def is_someone_else(existing: Mapping[str, Any], incoming: Mapping[str, Any]) -> bool:
    """Whether the incoming record differs from the pupil in legal surname *and* date of birth.

    Only what the row states counts: a row without a date of birth cannot contradict one.
    """
    if "legal_surname" not in incoming or "date_of_birth" not in incoming:
        return False
    if incoming["date_of_birth"] is None or incoming["date_of_birth"] == existing.get(
        "date_of_birth"
    ):
        return False
    return surname_key(str(incoming["legal_surname"])) != surname_key(
        str(existing.get("legal_surname", ""))
    )


def pupil_match(existing: Mapping[str, Any] | None, incoming: Mapping[str, Any]) -> Decision:
    """New, same, update (with each field's before and after) or conflict.

    `existing` is the matched pupil's fields (None when the identifier matched nobody);
    `incoming` holds only the fields the row states. A conflict also carries the changes the
    row would have made, to show beside it.
    """
    if existing is None:
        return Decision(Outcome.NEW)
    position = {name: index for index, name in enumerate(FIELD_ORDER)}
    changes = tuple(
        Change(name, existing.get(name), value)
        for name, value in sorted(
            incoming.items(), key=lambda item: (position.get(item[0], len(position)), item[0])
        )
        if existing.get(name) != value
    )
    if is_someone_else(existing, incoming):
        return Decision(Outcome.CONFLICT, changes)
    return Decision(Outcome.UPDATE, changes) if changes else Decision(Outcome.SAME)


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a record says the pupil is, as a person reads it."""

    forename: str
    surname: str
    date_of_birth: dt.date | None

    @classmethod
    def of(cls, fields: Mapping[str, Any]) -> Identity:
        return cls(
            str(fields.get("legal_forename", "") or ""),
            str(fields.get("legal_surname", "") or ""),
            fields.get("date_of_birth"),
        )

    def __str__(self) -> str:
        name = f"{self.forename} {self.surname}".strip()
        if self.date_of_birth is None:
            return name
        return _("%(name)s (born %(date)s)") % {
            "name": name,
            "date": self.date_of_birth.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Conflict:
    """A row not applied: its identifier names a pupil who is someone else."""

    file: str
    line: int
    upn: str
    existing: Identity
    incoming: Identity
    sourced_id: str = ""

    def message(self) -> str:
        values = {"upn": self.upn, "existing": self.existing, "incoming": self.incoming}
        if self.sourced_id:
            return _(
                "sourcedId %(sid)s (UPN %(upn)s) matches %(existing)s but the file says "
                "%(incoming)s: not applied"
            ) % {**values, "sid": self.sourced_id}
        return _("UPN %(upn)s matches %(existing)s but the file says %(incoming)s: not applied") % (
            values
        )

    def __str__(self) -> str:
        return _("%(file)s, line %(line)s: %(message)s") % {
            "file": self.file,
            "line": self.line,
            "message": self.message(),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "upn": self.upn,
            "sourced_id": self.sourced_id,
            "existing": str(self.existing),
            "incoming": str(self.incoming),
        }


@dataclass(frozen=True, slots=True)
class Update:
    """A row that changes a pupil: where it is, whom it changes, and each field's change."""

    file: str
    line: int
    upn: str
    pupil: Identity
    changes: tuple[Change, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "upn": self.upn,
            "pupil": str(self.pupil),
            "changes": [
                {"field": c.field, "before": shown(c.before), "after": shown(c.after)}
                for c in self.changes
            ],
        }


@dataclass
class IdentityReport:
    """The conflicts and updates of one import, for its dry run, its result and its log."""

    conflicts: list[Conflict] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)

    def record(
        self,
        decision: Decision,
        *,
        file: str,
        line: int,
        upn: str,
        existing: Mapping[str, Any] | None,
        incoming: Mapping[str, Any],
        sourced_id: str = "",
    ) -> None:
        """Note a conflict or an update (new and unchanged pupils are only counted)."""
        if existing is None:
            return
        if decision.outcome is Outcome.CONFLICT:
            self.conflicts.append(
                Conflict(
                    file,
                    line,
                    upn,
                    Identity.of(existing),
                    Identity.of({**existing, **incoming}),
                    sourced_id,
                )
            )
        elif decision.outcome is Outcome.UPDATE:
            self.updates.append(Update(file, line, upn, Identity.of(existing), decision.changes))

    def lines(self) -> list[str]:
        """The conflicts, then every update field by field, as plain text."""
        lines: list[str] = []
        if self.conflicts:
            lines.append(
                _("Not applied: %(count)s rows name an existing pupil who is someone else:")
                % {"count": len(self.conflicts)}
            )
            lines += [f"  {conflict}" for conflict in sorted(self.conflicts, key=_where)]
        if self.updates:
            lines.append(_("Pupils updated, field by field:"))
            for update in sorted(self.updates, key=_where):
                lines.append(
                    _("  %(file)s, line %(line)s: UPN %(upn)s, %(pupil)s")
                    % {
                        "file": update.file,
                        "line": update.line,
                        "upn": update.upn,
                        "pupil": update.pupil,
                    }
                )
                lines += [f"    {change}" for change in update.changes]
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {
            "conflicts": [c.as_dict() for c in sorted(self.conflicts, key=_where)],
            "updates": [u.as_dict() for u in sorted(self.updates, key=_where)],
        }


def _where(item: Conflict | Update) -> tuple[str, int]:
    return (item.file, item.line)
