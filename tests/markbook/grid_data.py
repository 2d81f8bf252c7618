"""The markbook page's rows as its page carries them: the data the browser joins into cells."""

from __future__ import annotations

import json
from typing import Any

OPENING = '<script id="mb-grid-data" type="application/json">'


def grid_data(page: str) -> dict[str, Any]:
    """The rows' data in a markbook page's HTML."""
    start = page.index(OPENING) + len(OPENING)
    data: dict[str, Any] = json.loads(page[start : page.index("</script>", start)])
    return data


def cell_button(data: dict[str, Any], pupil_id: int, objective_id: int) -> str:
    """A cell's button as the page's data gives it (without the "pupil, objective" the browser
    puts in its name)."""
    row = next(r for r, found in enumerate(data["rows"]) if found[0] == pupil_id)
    column = next(c for c, found in enumerate(data["columns"]) if found[0] == objective_id)
    before, after = data["buttons"][data["cells"][row][column]]
    return f"{before}{after}"
