"""The markbook's grid as the browser joins it from the page's data: every cell the same HTML
the server sends for that cell when it is saved or changed by someone else, so swapping one
in never changes what a cell says."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from nextsteps.curriculum.models import Framework
from nextsteps.markbook.cells import Cell, render_cell
from nextsteps.markbook.models import Standing
from nextsteps.teaching.models import Class
from nextsteps.teaching.selectors import class_pupils
from tests.browser.conftest import screenshot, sign_in

# Each cell as drawn (less what the grid's keyboard adds to the cell it starts on) beside the
# server's HTML for it, both as the browser reads them: "&#183;" and "·" are the same text.
DRAWN_AND_SENT = """(sent) => {
  const read = (html) => {
    const holder = document.createElement("template");
    holder.innerHTML = html;
    return holder.content.firstElementChild;
  };
  return Array.from(document.querySelectorAll("table[data-markbook] td.mb-cell")).map((td) => {
    const copy = td.cloneNode(true);
    const button = copy.querySelector(".mb-btn");
    button.classList.remove("is-active");
    button.setAttribute("tabindex", "-1");
    const server = td.id in sent ? read(sent[td.id]).outerHTML : null;
    return [td.id, copy.outerHTML, server];
  });
}"""


def test_the_browser_draws_every_cell_as_the_server_sends_a_saved_cell(page_for: Any) -> None:
    four_oak = Class.objects.get(name="4 Oak")
    maths = Framework.objects.get(school=four_oak.school, name="Primary mathematics")
    page = page_for("laptop")
    sign_in(page, "teacher")
    url = reverse("markbook", kwargs={"urn": four_oak.school.urn, "class_id": four_oak.pk})
    page.goto(f"{page.base_url}{url}?framework={maths.pk}&year=4")
    page.wait_for_load_state("networkidle")
    pupils = class_pupils(four_oak)
    objectives = list(maths.objectives.filter(year_group=4))
    standings = {
        (s.pupil_id, s.objective_id): s
        for s in Standing.objects.filter(pupil__in=pupils, objective__in=objectives).select_related(
            "level", "last_recorded_by"
        )
    }
    assert len(standings) > 50  # the demo's evidence: most cells have a level
    sent = {
        cell.dom_id: str(render_cell(cell))
        for pupil in pupils
        for objective in objectives
        for cell in [
            Cell(
                pupil.pk,
                objective.pk,
                standings.get((pupil.pk, objective.pk)),
                pupil.name,
                objective.code,
            )
        ]
    }
    compared = page.evaluate(DRAWN_AND_SENT, sent)
    assert len(compared) == len(sent)
    for dom_id, drawn, server in compared:
        assert drawn == server, dom_id
    # The rows in the class's order, each with its pupil's name linking to their profile.
    names = page.locator("table[data-markbook] th.mb-pupil a").all_inner_texts()
    assert names == [pupil.name for pupil in pupils]
    assert page.js_errors == []
    screenshot(page, "markbook-drawn-laptop")
