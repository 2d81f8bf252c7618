"""A markbook cell — what it shows — and the grid, built in Python.

A class's grid has thousands of cells; rendering each through the template engine cost over a
second a page, so the kernel `kernels/grid.py` joins the column heads from strings and gives
the rows as data (each state's button drawn once, each cell its state's number), which the
browser joins into cells exactly as the kernel draws a single cell everywhere else one appears
(a saved cell, other people's changes, quick capture). This module gives the kernel its words
in the current language and its URLs, and marks what it returns safe.
"""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nextsteps.curriculum.models import Framework, ScaleLevel
from nextsteps.markbook.kernels import grid
from nextsteps.markbook.kernels.labels import short_label
from nextsteps.markbook.models import Standing
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import Class, PupilGroup


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


def _evidence_words(count: int) -> str:
    return ngettext("%(n)d piece of evidence", "%(n)d pieces of evidence", count) % {"n": count}


def words() -> grid.Words:
    """The grid's words in the current language (each count's words found once a grid)."""
    return grid.Words(
        no_evidence=_("no evidence yet"),
        last_by=_("last by"),
        evidence=functools.cache(_evidence_words),
        full_wording=_("full wording"),
        core_title=_("Core"),
        core=_("core"),
        fill=_("Fill"),
    )


def _state(standing: Standing | StandingView | None) -> grid.State | None:
    level = standing.level if standing is not None else None
    if standing is None or level is None:
        return None
    last_by = standing.last_recorded_by
    return grid.State(
        level.pk,
        level.label,
        standing.value,
        standing.evidence_count,
        None if last_by is None else str(last_by),
    )


def render_cell(cell: Cell, *, oob: bool = False) -> SafeString:
    """A `<td>` with a button showing the level's short label on the level's colour."""
    who = f"{grid.text(cell.pupil_name)}, {grid.text(cell.objective_code)}"
    parts = grid.button_parts(_state(cell.standing), words())
    return mark_safe(  # noqa: S308 - the kernel escapes every value
        grid.cell(cell.pupil_id, cell.objective_id, parts, who, oob=oob)
    )


def render_row(cells: list[Cell]) -> SafeString:
    """A row's cells (quick capture's one-cell rows)."""
    current = words()
    return mark_safe(  # noqa: S308 - the kernel escapes every value
        "".join(
            grid.cell(
                cell.pupil_id,
                cell.objective_id,
                grid.button_parts(_state(cell.standing), current),
                f"{grid.text(cell.pupil_name)}, {grid.text(cell.objective_code)}",
            )
            for cell in cells
        )
    )


class GridData(Protocol):
    """What the grid is drawn from (`selectors.MarkbookGrid`)."""

    @property
    def teaching_class(self) -> Class: ...
    @property
    def framework(self) -> Framework: ...
    @property
    def objectives(self) -> Sequence[grid.Column]: ...
    @property
    def rows(self) -> Sequence[grid.PupilRow]: ...
    @property
    def states(self) -> Sequence[grid.State | None]: ...
    @property
    def cells(self) -> Sequence[Sequence[int]]: ...
    @property
    def year(self) -> int | None: ...
    @property
    def group(self) -> PupilGroup | None: ...


@dataclass(frozen=True)
class GridHtml:
    """The markbook page's column heads, and its rows: as data for the browser to join (a
    `<script type="application/json">` element, `mb-grid-data`), or drawn here (`body`) for a
    browser without JavaScript. The other of the two is empty."""

    head: SafeString
    data: SafeString
    body: SafeString


def _link(route: str, last: str, after: str = "", **kwargs: int) -> grid.Link:
    """A route's URL with its last parameter (`last`) left for the id: reversed once for a
    whole grid rather than once a row or column."""
    marker = 987654321
    url = reverse(route, kwargs={**kwargs, last: marker})
    before, rest = url.rsplit(str(marker), 1)
    return grid.Link(html.escape(before), html.escape(rest) + after)


# What `json_script` writes for `&`, `<` and `>`, so nothing in the data can end its element.
_JSON_SCRIPT_ESCAPES = (("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E"))


def _json_script(value: object, element_id: str) -> SafeString:
    """`value` as JSON in a `<script type="application/json">` element, as Django's
    `json_script` writes it (`<`, `>` and `&` as escapes, so nothing in it can end the element)
    but with `str.replace`: `json_script`'s `str.translate` looks up every character of the
    grid's data in a dict, a millisecond a page."""
    data = json.dumps(value, separators=(",", ":"))
    for character, escape in _JSON_SCRIPT_ESCAPES:
        data = data.replace(character, escape)
    return mark_safe(  # noqa: S308 - nothing in `data` can end the element
        f'<script id="{element_id}" type="application/json">{data}</script>'
    )


def grid_html(book: GridData, *, urn: int, can_record: bool, drawn: bool = False) -> GridHtml:
    """The markbook grid's heads (with a Fill link each for whoever records) and its rows' data,
    or, `drawn`, its rows drawn here."""
    class_id = book.teaching_class.pk
    framework = book.framework.pk
    current = words()
    profile = _link("pupil_profile", "pupil_id", f"?framework={framework}", urn=urn)
    fill = None
    if can_record:
        year = "" if book.year is None else book.year
        group = book.group.pk if book.group is not None else ""
        fill = _link(
            "markbook_fill_column",
            "objective_id",
            f"?framework={framework}&amp;year={year}&amp;group={group}",
            urn=urn,
            class_id=class_id,
        )
    head = mark_safe(grid.head(book.objectives, current, fill))  # noqa: S308 - escaped
    data = grid.body_data(book.rows, book.objectives, book.states, book.cells, current, profile)
    if drawn:
        return GridHtml(head, mark_safe(""), mark_safe(grid.body(data)))  # noqa: S308 - escaped
    return GridHtml(head, _json_script(data, "mb-grid-data"), mark_safe(""))
