"""The markbook grid's HTML, built from plain rows: escaping, rows, heads, and the same cell
whether the grid draws it or a saved cell is sent back."""

from __future__ import annotations

import html
import re
from decimal import Decimal

from django.urls import reverse

from nextsteps.markbook.cells import Cell, render_cell
from nextsteps.markbook.kernels import grid
from nextsteps.markbook.models import Standing
from tests.conftest import Cast

WORDS = grid.Words(
    no_evidence="no evidence yet",
    last_by="last by",
    evidence=lambda n: f"{n} pieces",
    full_wording="full wording",
    core_title="Core",
    core="core",
    fill="Fill",
)
PROFILE = grid.Link("/pupils/", "/?framework=7")
COLUMNS = [grid.Column(5, "Y4-<1>", 'Add "tens" & units', True), grid.Column(6, "Y4-2", "", False)]


def test_every_value_is_escaped_once() -> None:
    rows = [grid.PupilRow(1, "Zoë O'Brien <b>", True)]
    states = {1: {5: grid.State(3, "Secure & sure", Decimal("3.00"), 2, "Ms <Okafor>")}}
    body = grid.body(rows, COLUMNS, states, WORDS, PROFILE)
    # Other characters than ASCII are character references: "ë" and "·" read as themselves.
    assert body.isascii()
    assert '<a href="/pupils/1/?framework=7">Zo&#235; O&#x27;Brien &lt;b&gt;</a>' in body
    assert (
        'aria-label="Zo&#235; O&#x27;Brien &lt;b&gt;, Y4-&lt;1&gt;: Secure &amp; sure &#183; SS"'
        in (body)
    )
    assert (
        'title="Secure &amp; sure (3.00) &#183; 2 pieces &#183; last by Ms &lt;Okafor&gt;"' in body
    )
    assert (
        html.unescape(
            'title="Secure &amp; sure (3.00) &#183; 2 pieces &#183; last by Ms &lt;Okafor&gt;"'
        )
        == 'title="Secure & sure (3.00) · 2 pieces · last by Ms <Okafor>"'
    )
    assert "<b>" not in body and "&amp;amp;" not in body
    head = grid.head(COLUMNS, WORDS, None)
    assert head.isascii()
    assert 'data-mb-wording="Add &quot;tens&quot; &amp; units"' in head
    assert 'data-mb-code="Y4-&lt;1&gt;"' in head


def test_a_cell_with_no_standing_says_so_and_a_readonly_row_is_marked() -> None:
    rows = [grid.PupilRow(1, "Amara", True), grid.PupilRow(2, "Ben", False)]
    body = grid.body(rows, COLUMNS, {}, WORDS, PROFILE)
    assert body.count('class="mb-btn mb-empty"') == 4
    assert 'aria-label="Ben, Y4-2: no evidence yet"' in body
    assert body.count('<tr class="mb-readonly">') == 1
    assert body.count("<tr>") == 1


def test_the_fill_link_is_there_only_for_whoever_records() -> None:
    fill = grid.Link("/columns/", "/fill/?year=4")
    assert "mb-fill" not in grid.head(COLUMNS, WORDS, None)
    head = grid.head(COLUMNS, WORDS, fill)
    assert head.count('class="mb-fill"') == 2
    assert 'href="/columns/6/fill/?year=4">Fill<span class="visually-hidden"> Y4-2</span>' in head
    assert head.count('<span class="mb-core" title="Core">core</span>') == 1


def test_the_grid_draws_each_cell_as_a_saved_cell_comes_back(cast: Cast) -> None:
    """The page's cells and the cell a save returns (or another teacher's change) are the same
    HTML, so an in-place swap never changes what a cell says."""
    url = reverse("markbook", kwargs={"urn": cast.primary.urn, "class_id": cast.four_oak.pk})
    page = cast.client("teacher").get(url).content.decode()
    cells = {
        match.group(1): match.group(0)
        for match in re.finditer(r'<td id="(cell-\d+-\d+)".*?</td>', page)
    }
    assert len(cells) > 100
    standings = Standing.objects.filter(
        pupil__enrolments__teaching_class=cast.four_oak, objective__framework=cast.maths_framework
    ).select_related("level", "last_recorded_by", "pupil", "objective")
    compared = 0
    for standing in standings:
        key = f"cell-{standing.pupil_id}-{standing.objective_id}"
        if key in cells:
            cell = Cell(
                standing.pupil_id,
                standing.objective_id,
                standing,
                standing.pupil.name,
                standing.objective.code,
            )
            assert cells[key] == str(render_cell(cell))
            compared += 1
    assert compared > 50
