"""The markbook's grid as the browser joins it from the page's data: every cell the same HTML
the server sends for that cell when it is saved or changed by someone else, so swapping one
in never changes what a cell says."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse
from playwright.sync_api import expect

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


# The grid's rows as the browser holds them, less what the grid's keyboard adds to the cell it
# starts on.
ROWS = """() => {
  const body = document.querySelector("table[data-markbook] tbody").cloneNode(true);
  body.querySelectorAll(".mb-btn").forEach((button) => {
    button.classList.remove("is-active");
    button.setAttribute("tabindex", "-1");
  });
  return body.innerHTML;
}"""


def test_without_javascript_the_grid_is_drawn_by_the_server_the_same(page_for: Any) -> None:
    """A browser with JavaScript turned off is told so, and offered the same grid with its rows
    drawn by the server: the same rows, cell for cell, as the browser joins from the data."""
    four_oak = Class.objects.get(name="4 Oak")
    maths = Framework.objects.get(school=four_oak.school, name="Primary mathematics")
    pupils = len(class_pupils(four_oak))
    url = reverse("markbook", kwargs={"urn": four_oak.school.urn, "class_id": four_oak.pk})
    url = f"{url}?framework={maths.pk}&year=4"
    joined = page_for("laptop")
    sign_in(joined, "teacher")
    joined.goto(f"{joined.base_url}{url}")
    expect(joined.locator("table[data-markbook] tbody tr")).to_have_count(pupils)
    plain = page_for("laptop", javascript=False)
    sign_in(plain, "teacher")
    plain.goto(f"{plain.base_url}{url}")
    expect(plain.locator("table[data-markbook] tbody tr")).to_have_count(0)
    screenshot(plain, "markbook-javascript-off-laptop")
    plain.get_by_role("link", name="see the grid without it").click()
    expect(plain).to_have_url(re.compile(f"framework={maths.pk}&year=4&draw=server$"))
    rows = plain.locator("table[data-markbook] tbody tr")
    expect(rows).to_have_count(pupils)
    assert plain.evaluate(ROWS) == joined.evaluate(ROWS)
    notice = plain.locator("noscript p.alert-info")
    expect(notice).to_contain_text("the server has drawn the grid")
    expect(notice).to_be_visible()
    assert joined.js_errors == []
    screenshot(plain, "markbook-without-javascript-laptop")
    # The filters keep the grid drawn by the server.
    plain.get_by_label("Strand").select_option(label="Multiplication and division")
    plain.get_by_role("button", name="Show").click()
    expect(plain).to_have_url(re.compile(r"strand=\d+&group=&draw=server$"))
    expect(rows).to_have_count(pupils)
    phone = page_for("phone", javascript=False)
    phone.context.add_cookies(plain.context.cookies())
    phone.goto(plain.url)
    expect(phone.locator("table[data-markbook] tbody tr")).to_have_count(pupils)
    screenshot(phone, "markbook-without-javascript-phone")
