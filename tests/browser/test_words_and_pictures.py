"""A young pupil's pages in a browser: pictures for faces, a child's words, what they are
learning now first with the rest folded, and a menu of only what a pupil uses.

Amara (Year 4) on a phone, on the class tablet (the primary school's usual device) and on a
laptop. Screenshots go to `screenshots/words-and-pictures-*`.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_accessibility import AXE_SOURCE
from tests.browser.test_feedback_loop import no_sideways_scroll
from tests.browser.test_mtc_practice import axe_violations

PUPIL_MENU = ["My learning", "My work", "Looking back", "Marking codes", "What's new"]

# A face is drawn when its picture has loaded (an image that failed to load has no width).
FACES_DRAWN = """() => [...document.querySelectorAll("img.face")].map(img => ({
  src: img.getAttribute("src"), alt: img.alt, drawn: img.complete && img.naturalWidth > 0,
}))"""

# Any emoji in what the page shows: a picture must never depend on the device's fonts.
EMOJI_SHOWN = r"""() => [...document.body.innerText.matchAll(
  /[\p{Extended_Pictographic}\p{Emoji_Presentation}]/gu)]
  .map(m => m[0]).filter(c => !"©®".includes(c))"""


def open_menu(page: Any) -> None:
    """On a narrow screen the menu sits behind its button."""
    toggler = page.get_by_role("button", name="Menu")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#main-nav")).to_be_visible()


@pytest.mark.parametrize("viewport", ["phone", "tablet", "laptop"])
def test_a_young_pupils_home_in_pictures_and_a_childs_words(page_for: Any, viewport: str) -> None:
    page = page_for(viewport)
    page.context.add_init_script(path=str(AXE_SOURCE))
    sign_in(page, "pupil")
    main = page.locator("main")

    # What she is learning now comes first, open; everything else is folded with a summary.
    expect(main.locator("h2").first).to_have_text("What I am learning now")
    expect(main.locator(".goal-card").first).to_be_visible()
    folds = main.locator("details.fold")
    assert folds.count() >= 4
    for index in range(folds.count()):
        fold = folds.nth(index)
        expect(fold).not_to_have_attribute("open", "")
        expect(fold.locator("summary")).to_be_visible()
    screenshot(page, f"words-and-pictures-home-{viewport}")

    # The self-assessment faces are the product's own pictures, each with its name.
    faces = page.evaluate(FACES_DRAWN)
    assert faces and all(face["drawn"] for face in faces), faces
    assert {face["alt"] for face in faces} == {
        "Unsure face",
        "Thinking face",
        "Smiling face",
        "Big smile with stars",
    }
    assert all(re.search(r"/static/feedback/faces/[a-z-]+\.svg$", f["src"]) for f in faces)
    expect(page.get_by_role("radio", name="Smiling face I can do it").first).to_be_attached()
    assert page.evaluate(EMOJI_SHOWN) == []

    # A folded part opens with a tap and speaks a child's words.
    targets = main.locator("details.fold", has=page.locator("summary", has_text="My targets"))
    targets.locator("summary").click()
    expect(targets).to_have_attribute("open", "")
    expect(targets.get_by_text("I have done it! My teacher will check")).to_be_visible()
    expect(targets.get_by_text("Claimed")).to_have_count(0)
    classroom = main.locator("details.fold", has=page.locator("summary", has_text="to the class"))
    classroom.locator("summary").click()
    expect(classroom.get_by_text("Something lots of us mixed up")).to_be_visible()
    no_sideways_scroll(page)
    assert axe_violations(page) == []  # the folds, their headings and the faces' names
    screenshot(page, f"words-and-pictures-home-open-{viewport}")

    # The menu holds only what a pupil uses.
    open_menu(page)
    menu = page.locator("#main-nav .navbar-nav").first.locator("a.nav-link")
    shown = [" ".join(text.split()) for text in menu.all_inner_texts()]
    notifications = page.locator("#main-nav a.nav-link", has_text="What's new")
    expect(notifications).to_be_visible()
    assert shown + ["What's new"] == PUPIL_MENU
    expect(page.get_by_role("link", name="Assessment policy")).to_have_count(0)
    if viewport == "phone":
        screenshot(page, "words-and-pictures-menu-phone")
    assert page.js_errors == []


def test_a_pupil_reads_her_target_and_her_purple_pen_work_in_her_words(page_for: Any) -> None:
    page = page_for("tablet")
    sign_in(page, "pupil")
    main = page.locator("main")
    main.locator("summary", has_text="My targets").click()
    main.get_by_role("link", name="See my target").first.click()
    expect(main.get_by_text("I have done it! My teacher will check")).to_be_visible()
    expect(main.get_by_text("I said I had done it")).to_be_visible()
    assert "Claimed" not in main.inner_text()
    screenshot(page, "words-and-pictures-target-tablet")

    open_menu(page)
    page.get_by_role("link", name="My work").click()
    expect(main.get_by_text("I made it better").first).to_be_visible()
    main.get_by_role("link", name=re.compile("^The Lost Key")).first.click()
    expect(main.get_by_text("Made better with my purple pen").first).to_be_visible()
    assert "revision" not in main.inner_text().lower()
    screenshot(page, "words-and-pictures-story-tablet")
    assert page.js_errors == []
