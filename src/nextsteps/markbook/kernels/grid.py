"""The markbook grid from plain data: the column heads, each cell's state and a single cell.

A class's grid has thousands of cells in a few dozen states. Drawing each through the template
engine cost most of the page, and joining them in Python still cost the page as much as reading
them: so the heads are joined here from strings, each state's button is drawn here once, and
the rows go to the browser as numbers (`body_data`), joined there into the same HTML a single
cell has here (`cell`); for a browser without JavaScript they are joined here the same way
(`body`). Every value is escaped once with `html.escape` (as the templates
escape); the caller marks the result safe. No Django import here: the words come in already
translated and the URLs already reversed.

The HTML is ASCII: any other character (a name's "ë", the "·" between a cell's details) is
written as its character reference, which a browser reads as the character itself.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

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


def body_data(
    rows: Sequence[PupilRow],
    columns: Sequence[Column],
    states: Sequence[State | None],
    cells: Sequence[Sequence[int]],
    words: Words,
    profile: Link,
) -> dict[str, Any]:
    """The grid's rows as data, joined into HTML in the browser (`draw` in markbook.js).

    `states` are the states the grid's cells are in (None: no evidence yet) and `cells`, for
    each row, the number of each column's cell's state. Each state's button is drawn here
    once, by `button_parts` as a single cell's is; the browser joins each cell as `cell` does,
    from the pupil's id and name, the column's id and code and its state's button, so the page
    carries a few kilobytes of numbers instead of half a megabyte of cells. Every text is
    escaped here."""
    return {
        "profile": [profile.before, profile.after],
        "columns": [[column.pk, text(column.code)] for column in columns],
        "rows": [[row.pk, text(row.name), row.recordable] for row in rows],
        "buttons": [button_parts(state, words) for state in states],
        "cells": cells,
    }


def body(data: Mapping[str, Any]) -> str:
    """The rows drawn here from `body_data`'s data, joined as `draw` in markbook.js joins them
    (each cell by `cell`, as a single saved cell is): for a browser without JavaScript, which
    the page offers this from its `<noscript>`."""
    before, after = data["profile"]
    parts = []
    for (pupil, name, recordable), states in zip(data["rows"], data["cells"], strict=True):
        parts.append(
            ("<tr>" if recordable else '<tr class="mb-readonly">')
            + f'<th scope="row" class="mb-pupil"><a href="{before}{pupil}{after}">{name}</a></th>'
        )
        parts.extend(
            cell(pupil, objective, data["buttons"][state], f"{name}, {code}")
            for (objective, code), state in zip(data["columns"], states, strict=True)
        )
        parts.append("</tr>")
    return "".join(parts)


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
