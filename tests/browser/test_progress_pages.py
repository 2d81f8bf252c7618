"""Mr Adeyemi loads Progress 8 from his home page (journey 5, step 3): the latest leavers with a
KS2 baseline, and last summer's, who have none."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, screenshot, sign_in


@pytest.mark.parametrize("viewport", ["laptop", "tablet", "phone"])
def test_leader_opens_progress8_from_home_and_reads_it(page_for: Any, viewport: str) -> None:
    page = page_for(viewport)
    sign_in(page, "leader")
    page.get_by_role("link", name="See progress measures").click()
    with_ks2 = page.locator("li", has_not_text="Not available")
    with_ks2.get_by_role("link", name=re.compile("Year 11 leavers of")).first.click()
    page.wait_for_load_state("networkidle")

    main = page.locator("main")
    assert re.search(r"Progress 8: Year 11 leavers of \d{4}", main.inner_text())
    headline = page.get_by_test_id("progress8-score").inner_text()
    assert re.fullmatch(r"[+\u2212]\d\.\d\d", headline)
    assert page.locator("svg[role=img]:visible").count() == 2  # one drawing per chart here
    expect(page.get_by_role("table", name="Progress 8 by group")).to_be_visible()
    assert page.js_errors == []
    screenshot(page, f"progress8-{viewport}")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport][0]


def test_leader_switches_to_the_trusts_provisional_estimates(page_for: Any) -> None:
    page = page_for("laptop")
    sign_in(page, "leader")
    page.get_by_role("link", name="See progress measures").click()
    with_ks2 = page.locator("li", has_not_text="Not available")
    with_ks2.get_by_role("link", name=re.compile("Year 11 leavers of")).first.click()
    trust = "Progress 8 estimates {}, provisional from Riverbend Learning Trust"
    year = re.search(r"leavers of (\d{4})", page.locator("h1").inner_text())
    assert year is not None
    page.get_by_label("Measured against").select_option(label=trust.format(year.group(1)))
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")

    expect(page.locator("main")).to_contain_text("Provisional.", use_inner_text=True)
    assert "Riverbend Learning Trust" in page.locator("main").inner_text()
    screenshot(page, "progress8-trust-provisional")


def test_printed_page_for_governors_leaves_out_pupil_names(page_for: Any) -> None:
    page = page_for("laptop")
    sign_in(page, "leader")
    page.get_by_role("link", name="See progress measures").click()
    with_ks2 = page.locator("li", has_not_text="Not available")
    with_ks2.get_by_role("link", name=re.compile("Year 11 leavers of")).first.click()
    page.wait_for_load_state("networkidle")
    pupils = page.get_by_role("heading", name="The pupils behind the figure")
    expect(pupils).to_be_visible()

    page.emulate_media(media="print")

    expect(pupils).to_be_hidden()
    expect(page.get_by_role("heading", name="How these numbers were worked out")).to_be_visible()
    screenshot(page, "progress8-print")


def test_leader_reads_last_summers_leavers_have_no_progress8_beside_the_schools_estimate(
    page_for: Any,
) -> None:
    page = page_for("laptop")
    sign_in(page, "leader")
    page.get_by_role("link", name="See progress measures").click()
    home = page.locator("main").inner_text()
    assert "Not available — no KS2 baseline for this cohort" in home
    unavailable = page.locator("li", has_text="Not available — no KS2 baseline")
    unavailable.get_by_role("link", name=re.compile("Year 11 leavers of")).click()
    page.wait_for_load_state("networkidle")

    main = page.locator("main").inner_text()
    assert "Not available — no KS2 baseline for this cohort." in main
    assert "average Attainment 8 of all 120 pupils" in main
    headline = page.get_by_test_id("progress8-score").locator("xpath=..")
    assert "internal estimate, not the DfE measure" in headline.inner_text()
    assert page.js_errors == []
    screenshot(page, "progress8-not-available-laptop")


def test_primary_head_sees_year6_results_and_is_asked_for_the_ks1_ks2_table(
    page_for: Any,
) -> None:
    page = page_for("tablet")
    sign_in(page, "primaryhead")
    page.get_by_role("link", name="See progress measures").click()
    page.get_by_role("link", name=re.compile("Year 6 of")).click()
    page.wait_for_load_state("networkidle")

    text = page.locator("main").inner_text()
    assert "KS2 results" in text
    assert "No KS1 to KS2 table" in text
    screenshot(page, "ks1-ks2-tablet")
