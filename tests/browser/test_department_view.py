"""Mrs Shah, head of maths at Kingsmead, opens her department's data from her home page and
filters it to disadvantaged pupils with SEN, at laptop and tablet widths."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, screenshot, sign_in


@pytest.mark.parametrize("viewport", ["laptop", "tablet"])
def test_head_of_maths_reads_the_department_view(page_for: Any, viewport: str) -> None:
    width = VIEWPORTS[viewport][0]
    page = page_for(viewport)
    sign_in(page, "hod")
    page.get_by_role("link", name="Open the Mathematics data").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Mathematics · department data")).to_be_visible()
    expect(page.get_by_role("heading", name="Gaps to reteach")).to_be_visible()
    expect(page.get_by_role("heading", name="By teacher")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Mrs Shah")).to_be_visible()
    screenshot(page, f"department-view-{viewport}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_label("Disadvantaged (pupil premium)").select_option("disadvantaged")
    page.get_by_label("Special educational needs").select_option("sen")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-filters]")).to_contain_text("Disadvantaged and SEN support or EHCP")
    screenshot(page, f"department-view-filtered-{viewport}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.js_errors == []
