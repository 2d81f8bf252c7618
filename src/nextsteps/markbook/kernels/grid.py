"""The markbook grid's HTML from plain data: the column heads, the pupils' rows and the cells.

A class's grid has thousands of cells; drawing each through the template engine cost most of
the page, so the grid is joined here from strings. Every value is escaped once with
`html.escape` (as the templates escape) and each state of a cell is built once per grid; the
caller marks the result safe. No Django import here: the words come in already translated and
the URLs already reversed.

The HTML is ASCII: any other character (a name's "ë", the "·" between a cell's details) is
written as its character reference, which a browser reads as the character itself. Half a
megabyte of ASCII is written into the response's UTF-8 as it is; with one other character in
it, every character had to be converted (half a millisecond a page).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from nextsteps.markbook.kernels.labels import short_label


class Column(NamedTuple):
    """An objective as its column shows it."""

    pk: int
    code: str
    wording: str
    core: bool


class PupilRow(NamedTuple):
    """A pupil as their row shows them; `recordable`: whether this person records for them."""

    pk: int
    name: str
    recordable: bool


class State(NamedTuple):
    """What a cell with a standing shows: its level, value, evidence and who last recorded it."""

    level_id: int
    label: str
    value: Decimal | None
    evidence_count: int
    last_by: str | None


class Link(NamedTuple):
    """A URL with an id in it: `before`, the id, `after` (both already escaped for HTML)."""

    before: str
    after: str

    def to(self, pk: int) -> str:
        return f"{self.before}{pk}{self.after}"


@dataclass(frozen=True)
class Words:
    """The grid's words, translated by the caller (plain text: they are escaped here)."""

    no_evidence: str
    last_by: str
    evidence: Callable[[int], str]  # "3 pieces of evidence"
    full_wording: str = ""
    core_title: str = ""
    core: str = ""
    fill: str = ""


def text(value: str) -> str:
    """Text escaped for HTML, in ASCII (other characters as character references)."""
    return html.escape(value).encode("ascii", "xmlcharrefreplace").decode("ascii")


def _ascii(markup: str) -> str:
    return markup.encode("ascii", "xmlcharrefreplace").decode("ascii")


def button_parts(state: State | None, words: Words) -> tuple[str, str]:
    """A cell's button before and after its accessible name's "pupil, objective": the same for
    every cell in the same state."""
    if state is None:
        return (
            '<button type="button" class="mb-btn mb-empty" tabindex="-1" aria-label="',
            f': {text(words.no_evidence)}"><span aria-hidden="true">&#183;</span></button>',
        )
    escaped = html.escape(state.label)
    short = html.escape(short_label(state.label))
    title = f"{escaped} ({state.value}) · {html.escape(words.evidence(state.evidence_count))}"
    if state.last_by is not None:
        title += f" · {html.escape(words.last_by)} {html.escape(state.last_by)}"
    # The name holds the initials shown as well (WCAG 2.5.3, label in name), so a person
    # using speech input can say what they see.
    named = escaped if short == escaped else f"{escaped} · {short}"
    return (
        f'<button type="button" class="mb-btn level-{state.level_id}" tabindex="-1" aria-label="',
        _ascii(f': {named}" title="{title}">{short}</button>'),
    )


def cell(
    pupil_id: int, objective_id: int, parts: tuple[str, str], who: str, *, oob: bool = False
) -> str:
    """A `<td>` with the cell's button; `who` is "pupil, objective", already escaped."""
    swap = ' hx-swap-oob="outerHTML"' if oob else ""
    return (
        f'<td id="cell-{pupil_id}-{objective_id}" class="mb-cell" '
        f'data-pupil="{pupil_id}" data-objective="{objective_id}"{swap}>'
        f"{parts[0]}{who}{parts[1]}</td>"
    )


def body(
    rows: Sequence[PupilRow],
    columns: Sequence[Column],
    states: Mapping[int, Mapping[int, State]],
    words: Words,
    profile: Link,
) -> str:
    """The grid's rows: the pupil's name, a link to their profile, then their cells.
    `states` holds each pupil's cells that have a standing, by objective."""
    parts: dict[State | None, tuple[str, str]] = {}
    # Each column's id and code are made text once for the whole grid, not once a cell.
    escaped = [(column.pk, str(column.pk), text(column.code)) for column in columns]
    readonly = ' class="mb-readonly"'
    joined = []
    for row in rows:
        name = text(row.name)
        cells = row_cells(row.pk, name, escaped, states.get(row.pk, {}), words, parts)
        joined.append(
            f"\n            <tr{'' if row.recordable else readonly}>"
            '\n              <th scope="row" class="mb-pupil">'
            f'\n                <a href="{profile.to(row.pk)}">{name}</a>'
            "\n              </th>"
            f"\n              {cells}"
            "\n            </tr>\n          "
        )
    return "".join(joined)


def row_cells(
    pupil_id: int,
    name: str,
    columns: Sequence[tuple[int, str, str]],
    states: Mapping[int, State],
    words: Words,
    parts: dict[State | None, tuple[str, str]],
) -> str:
    """One pupil's cells: `columns` holds each objective's id, as a number and as text, and its
    code escaped; `name` is
    escaped, `states` the pupil's cells by objective; `parts` keeps each state's button for
    the next row."""
    opening = f'<td id="cell-{pupil_id}-'
    middle = f'" class="mb-cell" data-pupil="{pupil_id}" data-objective="'
    joined = []
    for objective, text, code in columns:
        state = states.get(objective)
        found = parts.get(state)
        if found is None:
            found = parts[state] = button_parts(state, words)
        joined.append(f'{opening}{text}{middle}{text}">{found[0]}{name}, {code}{found[1]}</td>')
    return "".join(joined)


def head(columns: Sequence[Column], words: Words, fill: Link | None) -> str:
    """The column heads: each objective's code (a button showing its wording), whether it is
    core, and, for whoever records, a link to fill the column."""
    core = f'<span class="mb-core" title="{text(words.core_title)}">{text(words.core)}</span>'
    full_wording = text(words.full_wording)
    fill_word = text(words.fill)
    parts = []
    for column in columns:
        code = text(column.code)
        link = (
            '\n                  <a class="mb-fill"'
            "\n                     data-mb-fill"
            f'\n                     href="{fill.to(column.pk)}">{fill_word}'
            f'<span class="visually-hidden"> {code}</span></a>\n                '
            if fill is not None
            else ""
        )
        parts.append(
            '\n              <th scope="col" class="mb-head">'
            '\n                <button type="button"'
            '\n                        class="mb-code"'
            f'\n                        data-mb-wording="{text(column.wording)}"'
            f'\n                        data-mb-code="{code}"'
            '\n                        aria-controls="mb-column-wording"'
            '\n                        aria-expanded="false">'
            f'\n                  {code}<span class="visually-hidden">: {full_wording}</span>'
            "\n                </button>"
            f"\n                {core if column.core else ''}"
            f"\n                {link}"
            "\n              </th>\n            "
        )
    return "".join(parts)
