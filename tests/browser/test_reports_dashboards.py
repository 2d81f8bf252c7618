"""Dashboards and reports in a real browser: the head's whole-school view, Ms Okafor's class
dashboard, the trust leader's side-by-side view and a parent reading a released report."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, screenshot, sign_in

URN = 990101


@pytest.mark.parametrize("viewport", ["laptop", "tablet", "phone"])
def test_dashboards_and_reports_read_well_at_each_size(page_for: Any, viewport: str) -> None:
    width = VIEWPORTS[viewport][0]
    page = page_for(viewport)
    sign_in(page, "primaryhead")
    page.goto(f"{page.base_url}/school/{URN}/reports/")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Whole-school dashboard")).to_be_visible()
    assert page.locator("svg[role=img]").count() >= 2
    expect(page.locator("[data-freshness]")).to_contain_text("Figures as of")
    expect(page.locator("[data-freshness] time")).to_be_visible()
    screenshot(page, f"reports-leader-{viewport}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("link", name="4 Oak").first.click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Gaps to act on")).to_be_visible()
    screenshot(page, f"reports-class-{viewport}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.js_errors == []

    page = page_for(viewport)
    sign_in(page, "parent")
    page.goto(f"{page.base_url}/school/{URN}/reports/information/")
    expect(page.get_by_role("heading", name="National assessments")).to_be_visible()
    screenshot(page, f"reports-parent-information-{viewport}")

    page = page_for(viewport)
    sign_in(page, "trustleader")
    page.goto(f"{page.base_url}/trust/riverbend/")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("link", name="Kingsmead Academy").first).to_be_visible()
    expect(page.get_by_role("heading", name="Gaps between groups of pupils").first).to_be_visible()
    expect(page.locator("[data-freshness]")).to_contain_text("Figures as of")
    screenshot(page, f"reports-trust-{viewport}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_leader_makes_a_year_groups_pdfs_in_the_background_and_watches_progress(
    page_for: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    page = page_for("laptop")
    sign_in(page, "primaryhead")
    page.goto(f"{page.base_url}/school/{URN}/reports/?year=4")
    page.get_by_role("link", name="Year 4", exact=True).last.click()
    expect(page.get_by_role("heading", name="Reports · Year 4")).to_be_visible()
    page.get_by_role("button", name="Make the PDFs").click()
    progress = page.get_by_role("progressbar", name="Reports made").first
    expect(progress).to_be_visible()  # shown at once, while the PDFs are still being made
    screenshot(page, "reports-year-batch-running-laptop")
    page.get_by_role("link", name="Download the PDF").wait_for(timeout=240_000)
    assert progress.get_attribute("aria-valuenow") == "100"
    screenshot(page, "reports-year-batch-done-laptop")
    assert page.js_errors == []


def test_choosing_a_group_filters_the_headline_figure_too(page_for: Any) -> None:
    page = page_for("laptop")
    sign_in(page, "primaryhead")
    page.goto(f"{page.base_url}/school/{URN}/reports/")
    card = page.locator('[data-figure="secure"]').locator("xpath=..")

    def headline() -> tuple[int, int]:
        """The headline's secure cells out of the expected cells ("1234 / 5678")."""
        secure, expected = card.locator("p.small").inner_text().split("/")
        return int(secure), int(expected)

    def choose(label: str) -> tuple[int, int]:
        page.get_by_label("Disadvantaged (pupil premium)").select_option(label=label)
        page.get_by_role("button", name="Show").click()
        page.wait_for_load_state("networkidle")
        expect(page.locator("[data-filters]")).to_contain_text(label, use_inner_text=True)
        return headline()

    everyone = headline()
    disadvantaged = choose("Disadvantaged")
    others = choose("Not disadvantaged")
    # The headline counts only the chosen pupils: the two groups split the whole school.
    assert disadvantaged != everyone and others != everyone
    assert (disadvantaged[0] + others[0], disadvantaged[1] + others[1]) == everyone
    screenshot(page, "reports-leader-filtered-laptop")
    assert page.js_errors == []


@pytest.mark.parametrize("viewport", ["laptop", "tablet"])
def test_trust_leader_combines_groups_and_the_schools_page_keeps_them(
    page_for: Any, viewport: str
) -> None:
    width = VIEWPORTS[viewport][0]
    page = page_for(viewport)
    sign_in(page, "trustleader")
    page.goto(f"{page.base_url}/trust/riverbend/")
    page.get_by_label("Disadvantaged (pupil premium)").select_option(label="Disadvantaged")
    page.get_by_label("Special educational needs").select_option(label="SEN support or EHCP")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-filters]")).to_contain_text("Disadvantaged and SEN support or EHCP")
    expect(page.get_by_text("Year 11 leavers of").first).to_contain_text("Disadvantaged and SEN")
    screenshot(page, f"reports-trust-combined-{viewport}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("link", name="Kingsmead Academy").first.click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_label("Disadvantaged (pupil premium)")).to_have_value("disadvantaged")
    expect(page.get_by_label("Special educational needs")).to_have_value("sen")
    assert page.js_errors == []
