"""The markbook grid from plain rows: escaping, the heads, and each cell as the number of a
state drawn once (the browser joins them: tests/browser/test_markbook_grid.py)."""

from __future__ import annotations

import html
import json
from decimal import Decimal

from django.urls import reverse

from nextsteps.markbook.kernels import grid
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
    states = [None, grid.State(3, "Secure & sure", Decimal("3.00"), 2, "Ms <Okafor>")]
    data = grid.body_data(rows, COLUMNS, states, [[1, 0]], WORDS, PROFILE)
    # Other characters than ASCII are character references: "ë" and "·" read as themselves.
    assert json.dumps(data, ensure_ascii=False).isascii()
    assert data["rows"] == [[1, "Zo&#235; O&#x27;Brien &lt;b&gt;", True]]
    assert data["columns"] == [[5, "Y4-&lt;1&gt;"], [6, "Y4-2"]]
    assert data["profile"] == ["/pupils/", "/?framework=7"]
    secure = data["buttons"][data["cells"][0][0]]
    assert secure[1].startswith(': Secure &amp; sure &#183; SS"')
    assert (
        'title="Secure &amp; sure (3.00) &#183; 2 pieces &#183; last by Ms &lt;Okafor&gt;"'
        in (secure[1])
    )
    assert (
        html.unescape(
            'title="Secure &amp; sure (3.00) &#183; 2 pieces &#183; last by Ms &lt;Okafor&gt;"'
        )
        == 'title="Secure & sure (3.00) · 2 pieces · last by Ms <Okafor>"'
    )
    assert "<b>" not in json.dumps(data) and "&amp;amp;" not in json.dumps(data)
    head = grid.head(COLUMNS, WORDS, None)
    assert head.isascii()
    assert 'data-mb-wording="Add &quot;tens&quot; &amp; units"' in head
    assert 'data-mb-code="Y4-&lt;1&gt;"' in head


def test_each_state_is_drawn_once_as_a_single_cell_draws_it() -> None:
    """A cell is its state's number: cells in the same state share one button, drawn as a
    single cell's is; state 0, no standing, says there is no evidence yet."""
    rows = [grid.PupilRow(1, "Amara", True), grid.PupilRow(2, "Ben", False)]
    secure = grid.State(3, "Secure", Decimal("3.00"), 2, None)
    developing = grid.State(2, "Developing", None, 1, "Ms O")
    data = grid.body_data(
        rows, COLUMNS, [None, secure, developing], [[1, 1], [0, 2]], WORDS, PROFILE
    )
    assert data["buttons"] == [
        grid.button_parts(None, WORDS),
        grid.button_parts(secure, WORDS),
        grid.button_parts(developing, WORDS),
    ]
    assert data["buttons"][0][1].startswith(": no evidence yet")
    assert data["cells"] == [[1, 1], [0, 2]]
    # Who may not record for a pupil sees their row marked.
    assert [row[2] for row in data["rows"]] == [True, False]


def test_the_rows_drawn_here_join_the_data_as_the_browser_does() -> None:
    """For a browser without JavaScript: each row its pupil's name linking to their profile,
    marked when this person may not record for them, then each cell as a single cell is drawn."""
    rows = [grid.PupilRow(1, "Zoë <b>", True), grid.PupilRow(2, "Ben", False)]
    secure = grid.State(3, "Secure", Decimal("3.00"), 2, None)
    data = grid.body_data(rows, COLUMNS, [None, secure], [[1, 0], [0, 1]], WORDS, PROFILE)
    drawn = grid.body(data)
    empty, filled = grid.button_parts(None, WORDS), grid.button_parts(secure, WORDS)
    assert drawn == (
        '<tr><th scope="row" class="mb-pupil"><a href="/pupils/1/?framework=7">'
        "Zo&#235; &lt;b&gt;</a></th>"
        + grid.cell(1, 5, filled, "Zo&#235; &lt;b&gt;, Y4-&lt;1&gt;")
        + grid.cell(1, 6, empty, "Zo&#235; &lt;b&gt;, Y4-2")
        + '</tr><tr class="mb-readonly"><th scope="row" class="mb-pupil">'
        '<a href="/pupils/2/?framework=7">Ben</a></th>'
        + grid.cell(2, 5, empty, "Ben, Y4-&lt;1&gt;")
        + grid.cell(2, 6, filled, "Ben, Y4-2")
        + "</tr>"
    )
    assert drawn.isascii() and "<b>" not in drawn


def test_the_grid_reads_each_cell_into_its_place(cast: Cast) -> None:
    """Each cell of the page's data is the state of that pupil's standing on that objective,
    and a cell with no standing is state 0."""
    from nextsteps.markbook.models import Standing
    from nextsteps.markbook.selectors import markbook_grid

    book = markbook_grid(teaching_class=cast.four_oak, framework=cast.maths_framework, year=4)
    standings = {
        (s.pupil_id, s.objective_id): s
        for s in Standing.objects.filter(
            pupil_id__in=[row.pk for row in book.rows],
            objective_id__in=[column.pk for column in book.objectives],
        ).select_related("level", "last_recorded_by")
    }
    assert len(standings) > 50
    for row, numbers in zip(book.rows, book.cells, strict=True):
        for column, number in zip(book.objectives, numbers, strict=True):
            standing = standings.get((row.pk, column.pk))
            state = book.states[number]
            if standing is None or standing.level is None:
                assert state is None
            else:
                assert state is not None
                assert (state.level_id, state.value, state.evidence_count) == (
                    standing.level_id,
                    standing.value,
                    standing.evidence_count,
                )
                assert state.last_by == (
                    None if standing.last_recorded_by is None else str(standing.last_recorded_by)
                )


def test_the_grid_data_cannot_end_its_script_element(cast: Cast) -> None:
    """The rows' data is in the page as JSON in a script element: no text in it (a name, a
    code) can close the element or start another."""
    cast.amara.legal_forename = "</script><script>alert(1)</script>"
    cast.amara.save()
    url = reverse("markbook", kwargs={"urn": cast.primary.urn, "class_id": cast.four_oak.pk})
    page = cast.client("teacher").get(url).content.decode()
    start = page.index('<script id="mb-grid-data" type="application/json">')
    end = page.index("</script>", start)
    data = json.loads(page[start + len('<script id="mb-grid-data" type="application/json">') : end])
    assert any("&lt;/script&gt;&lt;script&gt;alert(1)" in row[1] for row in data["rows"])
    assert "<script>alert" not in page


def test_the_fill_link_is_there_only_for_whoever_records() -> None:
    fill = grid.Link("/columns/", "/fill/?year=4")
    assert "mb-fill" not in grid.head(COLUMNS, WORDS, None)
    head = grid.head(COLUMNS, WORDS, fill)
    assert head.count('class="mb-fill"') == 2
    assert 'href="/columns/6/fill/?year=4">Fill<span class="visually-hidden"> Y4-2</span>' in head
    assert head.count('<span class="mb-core" title="Core">core</span>') == 1
