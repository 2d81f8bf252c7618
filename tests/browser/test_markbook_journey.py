"""Journey 1: Ms Okafor fills a markbook column with the keyboard; standings and gaps change."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from nextsteps.curriculum.models import Objective
from nextsteps.markbook.models import Standing
from nextsteps.teaching.models import Class
from nextsteps.teaching.selectors import class_pupils
from tests.browser.conftest import empty_column, screenshot, sign_in


def test_teacher_fills_a_column_with_the_keyboard_and_sees_gaps_change(page_for: Any) -> None:
    four_oak = Class.objects.get(name="4 Oak")
    pupils = class_pupils(four_oak)
    objective = empty_column(four_oak, pupils)
    page = page_for("tablet")
    sign_in(page, "teacher")
    page.locator("a.card-link-stretch", has_text="4 Oak").click()
    page.get_by_role("link", name="Markbook").first.click()
    page.wait_for_load_state("networkidle")
    screenshot(page, "markbook-before-tablet")
    page.locator(f"#cell-{pupils[0].pk}-{objective.pk} button").focus()
    levels = ["3", "3", "2", "3", "4", "1", "3", "3", "2", "3"] * 3
    for key in levels[: len(pupils)]:
        page.keyboard.press(key)
    column = page.locator(f"td[data-objective='{objective.pk}'] button.mb-btn:not(.mb-empty)")
    page.wait_for_function(
        "([selector, n]) => document.querySelectorAll(selector).length === n"
        " && !document.querySelector('.is-saving')",
        arg=[f"td[data-objective='{objective.pk}'] button.mb-btn:not(.mb-empty)", len(pupils)],
    )
    assert column.count() == len(pupils)
    assert "Saved:" in page.locator("#mb-status").inner_text()
    assert page.js_errors == []
    screenshot(page, "markbook-after-tablet")
    standings = Standing.objects.filter(objective=objective, pupil__in=pupils)
    assert standings.count() == len(pupils)
    first = standings.get(pupil=pupils[0])
    assert first.level is not None and first.level.label == "Secure"

    page.get_by_role("link", name="Gap analysis").click()
    page.wait_for_load_state("networkidle")
    row = page.locator("tr", has_text=objective.code)
    secure = sum(1 for key in levels[: len(pupils)] if key in {"3", "4"})
    assert f"{secure} / {len(pupils)}" in row.inner_text()
    screenshot(page, "gap-analysis-tablet")


def test_the_cell_panel_records_with_a_note_and_shows_the_history(page_for: Any) -> None:
    four_oak = Class.objects.get(name="4 Oak")
    objective = Objective.objects.get(framework__school=four_oak.school, code="Y4-ST-01")
    amara = next(p for p in class_pupils(four_oak) if p.legal_forename == "Amara")
    page = page_for("laptop")
    sign_in(page, "teacher")
    page.goto(page.base_url + f"/school/{four_oak.school.urn}/markbook/classes/{four_oak.pk}/")
    page.locator(f"#cell-{amara.pk}-{objective.pk} button").click()
    panel = page.locator("#mb-panel")
    panel.get_by_label("Note").fill("Read the bar chart scale correctly")
    panel.locator('button[data-mb-label="Secure"]').click()
    page.wait_for_function(
        "() => document.querySelector('#mb-panel').innerText.includes('Read the bar chart')"
    )
    assert "Ms Okafor" in panel.inner_text()
    screenshot(page, "markbook-cell-panel-laptop")
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()


def test_quick_capture_on_a_phone_records_a_group_in_a_few_taps(page_for: Any) -> None:
    four_oak = Class.objects.get(name="4 Oak")
    objective = Objective.objects.get(framework__school=four_oak.school, code="Y4-MD-05")
    page = page_for("phone")
    sign_in(page, "teacher")
    page.goto(
        page.base_url + f"/school/{four_oak.school.urn}/markbook/classes/{four_oak.pk}/capture/"
    )
    page.get_by_label("Today's learning intention").select_option(value=str(objective.pk))
    page.get_by_label("Group").select_option(label="Triangles")
    page.get_by_role("button", name="Start").click()
    page.wait_for_load_state("networkidle")
    buttons = page.get_by_role("button", name="Secure", exact=False)
    names = page.locator(".qc-name").all_inner_texts()
    for name in names:
        page.get_by_role("button", name=f"{name}: Secure").click()
    page.wait_for_function(
        "n => document.querySelectorAll('.qc-row .mb-btn:not(.mb-empty)').length >= n",
        arg=len(names),
    )
    assert buttons.count() >= len(names)
    screenshot(page, "quick-capture-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
