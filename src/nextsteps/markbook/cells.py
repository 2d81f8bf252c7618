"""The HTML of one markbook cell, built in Python.

A class's grid has thousands of cells; rendering each through the template engine cost over a
second a page, so the cell — the one piece repeated that often — is built here, escaped, and
used everywhere a cell appears (the grid, a saved cell, other people's changes).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nextsteps.markbook.selectors import Cell, short_label


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


def render_cell(cell: Cell, *, oob: bool = False, words: Words | None = None) -> SafeString:
    """A `<td>` with a button showing the level's short label on the level's colour."""
    words = words or Words.current()
    standing = cell.standing
    level = standing.level if standing is not None else None
    who = f"{escape(cell.pupil_name)}, {escape(cell.objective_code)}"
    if level is not None and standing is not None:
        label = escape(level.label)
        short = _short(level.label)
        title = f"{label} ({standing.value}) · {_evidence_words(standing.evidence_count)}"
        if standing.last_recorded_by is not None:
            title += f" · {words.last_by} {escape(str(standing.last_recorded_by))}"
        # The name holds the initials shown as well (WCAG 2.5.3, label in name), so a person
        # using speech input can say what they see.
        named = label if short == label else f"{label} · {short}"
        button = (
            f'{_level_prefix(level.pk)}aria-label="{who}: {named}" title="{title}">{short}</button>'
        )
    else:
        button = (
            '<button type="button" class="mb-btn mb-empty" tabindex="-1" '
            f'aria-label="{who}: {words.no_evidence}"><span aria-hidden="true">·</span></button>'
        )
    swap = ' hx-swap-oob="outerHTML"' if oob else ""
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<td id="{cell.dom_id}" class="mb-cell" data-pupil="{cell.pupil_id}" '
        f'data-objective="{cell.objective_id}"{swap}>{button}</td>'
    )


@lru_cache(maxsize=256)
def _short(label: str) -> str:
    return str(escape(short_label(label)))


def render_row(cells: list[Cell], words: Words | None = None) -> SafeString:
    words = words or Words.current()
    return mark_safe("".join(render_cell(cell, words=words) for cell in cells))  # noqa: S308
