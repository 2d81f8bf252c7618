"""The markbook on a tablet: each column's full wording is a tap away, the levels read the same
in the key, the grid and the cell's panel, and a skip link leads to the grid."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from nextsteps.curriculum.models import Objective
from nextsteps.markbook.kernels.labels import short_label
from nextsteps.teaching.models import Class
from nextsteps.teaching.selectors import class_pupils
from tests.browser.conftest import screenshot, sign_in


def open_markbook(page: Any) -> tuple[Class, Objective]:
    four_oak = Class.objects.get(name="4 Oak")
    objective = Objective.objects.get(framework__school=four_oak.school, code="Y4-ST-01")
    page.goto(page.base_url + f"/school/{four_oak.school.urn}/markbook/classes/{four_oak.pk}/")
    page.wait_for_load_state("networkidle")
    return four_oak, objective


def test_a_tap_on_a_column_shows_its_full_wording_and_escape_hides_it(page_for: Any) -> None:
    page = page_for("tablet")
    sign_in(page, "teacher")
    _, objective = open_markbook(page)
    header = page.locator(f'button[data-mb-code="{objective.code}"]')
    header.scroll_into_view_if_needed()
    header.click()
    wording = page.locator("#mb-column-wording")
    expect(wording).to_be_visible()
    expect(wording).to_contain_text(objective.wording)
    expect(header).to_have_attribute("aria-expanded", "true")
    screenshot(page, "markbook-column-wording-tablet")
    # With the keyboard: Escape hides it and focus stays on the column's button.
    page.keyboard.press("Escape")
    expect(wording).to_be_hidden()
    expect(header).to_be_focused()
    expect(header).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(wording).to_be_visible()
    page.get_by_role("button", name="Close").first.click()
    expect(wording).to_be_hidden()
    assert page.js_errors == []


def test_a_level_typed_shows_the_same_label_while_saving_saved_and_in_the_panel(
    page_for: Any,
) -> None:
    page = page_for("tablet")
    sign_in(page, "teacher")
    four_oak, objective = open_markbook(page)
    pupil = class_pupils(four_oak)[0]
    level = objective.framework.scale.levels.order_by("position")[1]
    cell = page.locator(f"#cell-{pupil.pk}-{objective.pk} button")
    cell.focus()
    page.keyboard.press("2")
    expect(cell).to_have_text(short_label(level.label))  # while it saves
    page.wait_for_function("() => !document.querySelector('.is-saving, .is-pending')")
    expect(cell).to_have_text(short_label(level.label))  # once saved
    key = page.locator(f'.mb-key[data-mb-label="{level.label}"] .mb-swatch')
    expect(key).to_have_text(short_label(level.label))
    cell.click()
    panel = page.locator("#mb-panel")
    button = panel.locator(f'button[data-mb-label="{level.label}"]')
    expect(button).to_contain_text(short_label(level.label))
    expect(panel.locator(".mb-history .mb-swatch").first).to_have_text(short_label(level.label))
    screenshot(page, "markbook-panel-labels-tablet")
    assert page.js_errors == []


def test_the_skip_link_puts_focus_on_the_grid(page_for: Any) -> None:
    page = page_for("tablet")
    sign_in(page, "teacher")
    open_markbook(page)
    skip = page.get_by_role("link", name="Skip to the grid")
    skip.focus()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.closest('table[data-markbook]') !== null")
    assert page.js_errors == []
