"""The headteacher filters the whole-school view to disadvantaged pupils, follows a class's link
(which keeps the filter) and narrows the class dashboard to disadvantaged girls, at tablet
width."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, screenshot, sign_in
from tests.browser.test_accessibility import AXE_SOURCE, check_page

URN = 990101


def test_head_filters_a_class_dashboard_by_group(page_for: Any) -> None:
    width = VIEWPORTS["tablet"][0]
    page = page_for("tablet")
    page.context.add_init_script(path=str(AXE_SOURCE))
    sign_in(page, "primaryhead")
    page.goto(f"{page.base_url}/school/{URN}/reports/?group=disadvantaged")
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="4 Oak").first.click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Gaps to act on")).to_be_visible()
    expect(page.locator("[data-filters]")).to_contain_text("Disadvantaged")
    expect(page.get_by_label("Disadvantaged (pupil premium)")).to_have_value("disadvantaged")
    page.get_by_label("Gender").select_option("female")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-filters]")).to_contain_text("Disadvantaged and Girls")
    expect(page.get_by_role("link", name="Clear")).to_be_visible()
    csv_link = page.get_by_role("link", name="CSV").first
    href = csv_link.get_attribute("href") or ""
    assert "group=disadvantaged" in href and "group=female" in href, href
    screenshot(page, "reports-class-filtered-tablet")
    # The filtered page (its form, notice and flags) passes the same WCAG checks as every page.
    assert check_page(page, "primaryhead") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.js_errors == []
