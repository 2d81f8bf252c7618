"""Mr Adeyemi reads Year 9's options against both KS4 models, and Basics beside Attainment 8."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, screenshot, sign_in


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_leader_reads_year9_options_against_both_models(page_for: Any, viewport: str) -> None:
    page = page_for(viewport)
    sign_in(page, "leader")
    page.get_by_role("link", name="See progress measures").click()
    page.get_by_role("link", name="Year 9 options against the KS4 models").click()
    page.wait_for_load_state("networkidle")

    main = page.locator("main")
    assert "Year 9 options against the KS4 models" in page.locator("h1").inner_text()
    text = main.inner_text()
    assert re.search(r"In force for the leavers of \d{4}", text)
    assert "Proposed: not yet in force" in text
    assert "needs subjects from at least 2 of humanities, creative, languages" in text
    table = page.get_by_role("table", name="Planned subjects and the slots they fill in each model")
    assert table.locator("tbody tr").count() > 50
    assert page.js_errors == []
    screenshot(page, f"ks4-options-{viewport}")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport][0]


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_leader_reads_basics_beside_attainment8(page_for: Any, viewport: str) -> None:
    page = page_for(viewport)
    sign_in(page, "leader")
    page.get_by_role("link", name="See progress measures").click()
    with_ks2 = page.locator("li", has_not_text="Not available")
    with_ks2.get_by_role("link", name=re.compile("Year 11 leavers of")).first.click()
    page.wait_for_load_state("networkidle")

    basics = page.get_by_test_id("basics")
    expect(basics.get_by_role("heading", name="Basics: English and maths")).to_be_visible()
    assert re.fullmatch(r"\d+\.\d%", page.get_by_test_id("basics-standard").inner_text())
    assert re.fullmatch(r"\d+\.\d%", page.get_by_test_id("basics-strong").inner_text())
    assert "grade 4 or above in English and maths" in basics.inner_text()
    assert "ebacc entry" not in page.locator("main").inner_text().lower()
    basics.scroll_into_view_if_needed()
    screenshot(page, f"ks4-basics-{viewport}")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport][0]
