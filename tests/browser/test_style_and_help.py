"""The style page, the getting-started guide and the help panels, in a real browser.

Screenshots at phone, tablet and laptop widths; the markbook and the sign-in cards printed
(emulated print media) show no menus or buttons and keep their tables whole.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in


@pytest.mark.parametrize("viewport", ["phone", "tablet", "laptop"])
def test_style_page_shows_the_components_at_every_width(page_for: Any, viewport: str) -> None:
    page = page_for(viewport)
    sign_in(page, "teacher")
    page.goto(page.base_url + "/school/990101/style/")
    main = page.locator("main")
    expect(main.get_by_role("heading", name="Style and components", level=1)).to_be_visible()
    for name in ("Buttons", "Form fields", "Data tables", "Level chips", "Charts", "Notices"):
        expect(main.get_by_role("heading", name=name, level=2)).to_be_visible()
    # The page never scrolls sideways as a whole: wide tables scroll inside their region.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(page, f"style-page-{viewport}")
    assert page.js_errors == []


def test_help_panel_opens_with_the_keyboard(page_for: Any) -> None:
    page = page_for("tablet")
    sign_in(page, "teacher")
    page.goto(page.base_url + "/school/990101/assessments/")
    summary = page.locator("details.ns-help > summary")
    assert page.locator("details.ns-help").get_attribute("open") is None
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details.ns-help").get_attribute("open") is not None
    expect(page.get_by_text("Enter marks in the grid")).to_be_visible()
    screenshot(page, "help-panel-assessments-tablet")


@pytest.mark.parametrize("viewport", ["phone", "laptop"])
def test_admin_finds_the_getting_started_guide_from_home(page_for: Any, viewport: str) -> None:
    page = page_for(viewport)
    sign_in(page, "admin")
    page.get_by_role("link", name="Getting started guide").click()
    page.wait_for_load_state("networkidle")
    expect(page).to_have_url(re.compile(re.escape("/school/990101/getting-started/") + "$"))
    steps = page.locator("ol.ns-guide-steps > li")
    assert steps.count() == 6
    screenshot(page, f"getting-started-{viewport}")


def test_markbook_prints_without_menus_or_buttons(page_for: Any) -> None:
    page = page_for("laptop")
    sign_in(page, "teacher")
    page.goto(page.base_url + "/school/990101/teacher/")
    page.locator("main a.card-link-stretch").first.click()
    page.get_by_role("link", name="Markbook").first.click()
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    expect(page.locator("header.ns-header")).to_be_hidden()
    expect(page.get_by_role("link", name="Quick capture")).to_be_hidden()
    expect(page.locator("details.ns-help")).to_be_hidden()
    expect(page.locator("table").first).to_be_visible()
    screenshot(page, "markbook-print")
