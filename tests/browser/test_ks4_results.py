"""The KS4 results analysis and the trust view in a real browser, at each size: Mr Adeyemi
reads last summer's results, Mrs Shah her department's, and the trust leader compares
secondary with secondary and primary with primary."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, screenshot, sign_in

SECONDARY = 990102


def last_summer(page: Any) -> int:
    """The demo's latest KS4 year, from the progress page's links."""
    href = page.get_by_role("link", name="Year 11 leavers of").first.get_attribute("href")
    return int(href.rstrip("/").split("/")[-1])


@pytest.mark.parametrize("viewport", ["laptop", "tablet", "phone"])
def test_the_ks4_analysis_reads_well_at_each_size(page_for: Any, viewport: str) -> None:
    width = VIEWPORTS[viewport][0]
    page = page_for(viewport)
    sign_in(page, "leader")
    page.goto(f"{page.base_url}/school/{SECONDARY}/progress/")
    year = last_summer(page)
    page.get_by_role("link", name=f"KS4 results of {year}").click()
    expect(
        page.get_by_role("heading", name=f"KS4 results: Year 11 leavers of {year}")
    ).to_be_visible()
    expect(page.get_by_test_id("residuals").get_by_text("Mathematics")).to_be_visible()
    expect(page.get_by_test_id("ks4-classes").get_by_text("11 Ma1")).to_be_visible()
    screenshot(page, f"ks4-analysis-{viewport}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("link", name="Year 11 now: working-at grades").click()
    expect(page.get_by_test_id("no-predictions")).to_contain_text("No predicted grades.")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.js_errors == []


def test_the_head_of_maths_reads_her_subject_against_the_others(page_for: Any) -> None:
    page = page_for("laptop")
    sign_in(page, "leader")
    page.goto(f"{page.base_url}/school/{SECONDARY}/progress/")
    year = last_summer(page)
    page = page_for("laptop")
    sign_in(page, "hod")
    page.goto(f"{page.base_url}/school/{SECONDARY}/progress/ks4/{year}/")
    residuals = page.get_by_test_id("residuals")
    expect(residuals.get_by_text("Mathematics")).to_be_visible()
    expect(residuals.get_by_text("French")).to_have_count(0)
    expect(page.get_by_text("You lead a department")).to_be_visible()
    screenshot(page, "ks4-analysis-hod-laptop")


@pytest.mark.parametrize("viewport", ["laptop", "tablet"])
def test_the_trust_view_keeps_phases_apart_and_the_filter_in_its_links(
    page_for: Any, viewport: str
) -> None:
    width = VIEWPORTS[viewport][0]
    page = page_for(viewport)
    sign_in(page, "trustleader")
    page.goto(f"{page.base_url}/trust/riverbend/")
    expect(page.get_by_role("heading", name="Primary schools")).to_be_visible()
    expect(page.get_by_role("heading", name="Secondary schools")).to_be_visible()
    page.get_by_label("Disadvantaged (pupil premium)").select_option("disadvantaged")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Year 11 leavers of").first).to_be_visible()
    ks4 = page.get_by_test_id("trust-ks4")
    expect(ks4.get_by_text("95% interval")).to_be_visible()
    screenshot(page, f"trust-phases-{viewport}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator('[data-phase="secondary"]').get_by_role(
        "link", name="Kingsmead Academy"
    ).first.click()
    expect(page.get_by_role("heading", name="Whole-school dashboard")).to_be_visible()
    assert "group=disadvantaged" in page.url
    assert page.js_errors == []
