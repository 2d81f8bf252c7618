"""A markbook cell — what it shows — and its HTML, built in Python.

A class's grid has thousands of cells; rendering each through the template engine cost over a
second a page, so the cell — the one piece repeated that often — is built here, escaped, and
used everywhere a cell appears (the grid, a saved cell, other people's changes).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nextsteps.curriculum.models import ScaleLevel
from nextsteps.markbook.kernels.labels import short_label
from nextsteps.markbook.models import Standing
from nextsteps.people.models import Pupil


@dataclass(frozen=True)
class StandingView:
    """The parts of a standing a grid cell shows, read without building a model per cell."""

    value: Decimal | None
    level: ScaleLevel | None
    evidence_count: int
    last_recorded_by: str | None

    @property
    def level_id(self) -> int | None:
        return self.level.pk if self.level else None


@dataclass
class Cell:
    pupil_id: int
    objective_id: int
    standing: Standing | StandingView | None = None
    pupil_name: str = ""
    objective_code: str = ""

    @property
    def dom_id(self) -> str:
        return f"cell-{self.pupil_id}-{self.objective_id}"

    @property
    def short(self) -> str:
        level = self.standing.level if self.standing else None
        return short_label(level.label) if level else ""


@dataclass
class Row:
    pupil: Pupil
    cells: list[Cell]
    recordable: bool = True

    @property
    def html(self) -> str:
        return render_row(self.cells)


@lru_cache(maxsize=64)
def _evidence_words(count: int) -> str:
    return ngettext("%(n)d piece of evidence", "%(n)d pieces of evidence", count) % {"n": count}


@lru_cache(maxsize=256)
def _level_prefix(level_id: int) -> str:
    return f'<button type="button" class="mb-btn level-{level_id}" tabindex="-1" '


@dataclass(frozen=True)
class Words:
    """The translated words every cell uses, looked up once per grid rather than per cell."""

    last_by: str
    no_evidence: str

    @classmethod
    def current(cls) -> Words:
        return cls(last_by=str(escape(_("last by"))), no_evidence=str(escape(_("no evidence yet"))))


@lru_cache(maxsize=4096)
def _button_parts(
    level_id: int | None,
    label: str,
    value: object,
    count: int,
    last_by: str | None,
    words: Words,
) -> tuple[str, str]:
    """The cell's button around its accessible name's "pupil, objective": the same for every
    cell in the same state, so a grid builds each state once."""
    if level_id is None:
        return (
            '<button type="button" class="mb-btn mb-empty" tabindex="-1" aria-label="',
            f': {words.no_evidence}"><span aria-hidden="true">·</span></button>',
        )
    escaped = html.escape(label)
    short = _short(label)
    title = f"{escaped} ({value}) · {_evidence_words(count)}"
    if last_by is not None:
        title += f" · {words.last_by} {html.escape(last_by)}"
    # The name holds the initials shown as well (WCAG 2.5.3, label in name), so a person
    # using speech input can say what they see.
    named = escaped if short == escaped else f"{escaped} · {short}"
    return (
        f'{_level_prefix(level_id)}aria-label="',
        f': {named}" title="{title}">{short}</button>',
    )


@lru_cache(maxsize=1024)
def _code(code: str) -> str:
    return html.escape(code)


def render_cell(
    cell: Cell, *, oob: bool = False, words: Words | None = None, name: str | None = None
) -> SafeString:
    """A `<td>` with a button showing the level's short label on the level's colour. `name` is
    the pupil's name already escaped (a row escapes it once for all its cells)."""
    words = words or Words.current()
    standing = cell.standing
    level = standing.level if standing is not None else None
    if level is not None and standing is not None:
        last_by = standing.last_recorded_by
        before, after = _button_parts(
            level.pk,
            level.label,
            standing.value,
            standing.evidence_count,
            None if last_by is None else str(last_by),
            words,
        )
    else:
        before, after = _button_parts(None, "", None, 0, None, words)
    who = f"{html.escape(cell.pupil_name) if name is None else name}, {_code(cell.objective_code)}"
    swap = ' hx-swap-oob="outerHTML"' if oob else ""
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<td id="cell-{cell.pupil_id}-{cell.objective_id}" class="mb-cell" '
        f'data-pupil="{cell.pupil_id}" data-objective="{cell.objective_id}"{swap}>'
        f"{before}{who}{after}</td>"
    )


@lru_cache(maxsize=256)
def _short(label: str) -> str:
    return str(escape(short_label(label)))


def render_row(cells: list[Cell], words: Words | None = None) -> SafeString:
    words = words or Words.current()
    names: dict[str, str] = {}
    parts = []
    for cell in cells:
        name = names.get(cell.pupil_name)
        if name is None:
            name = names[cell.pupil_name] = html.escape(cell.pupil_name)
        parts.append(render_cell(cell, words=words, name=name))
    return mark_safe("".join(parts))  # noqa: S308 - every cell is escaped
