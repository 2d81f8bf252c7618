"""The main journeys with the keyboard alone: Tab, Enter, arrows and typing, never a click.

At every stop the focused element shows a focus indicator (an outline or a box shadow, on the
element or, for a visually hidden radio button, on its label). Also: the skip link works,
colour is never the only signal, and text at 200% fits the page at laptop width.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from nextsteps.markbook.models import Judgement
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import load_cast

PASSWORD = "nextsteps-demo"  # noqa: S105 - the demo's published password

# What has focus, and whether it shows: a visually hidden input shows focus on its label.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const box = el.getBoundingClientRect();
  const hidden = box.width <= 2 || box.height <= 2 || getComputedStyle(el).opacity === "0";
  const shown = hidden && el.labels && el.labels.length ? el.labels[0] : el;
  const style = getComputedStyle(shown);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== "none";
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  return {
    tag: el.tagName.toLowerCase(),
    type: el.getAttribute("type") || "",
    checked: Boolean(el.checked),
    id: el.id,
    name: el.getAttribute("name") || "",
    text: (el.getAttribute("aria-label") || label || el.innerText || "").trim(),
    href: el.getAttribute("href") || "",
    classes: el.className || "",
    visible: outline || shadow,
  };
}"""


def focus(page: Any) -> dict[str, Any]:
    now = page.evaluate(FOCUSED)
    assert now is not None, "nothing has focus"
    assert now["visible"], f"no visible focus indicator on {now}"
    return now


def tab_to(page: Any, wanted: Callable[[dict[str, Any]], bool], limit: int = 150) -> dict:
    """Press Tab until the focused element is the one wanted; each stop on the way must
    show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focus(page)
        if wanted(now):
            return now
    raise AssertionError(f"Tab never reached the element wanted (last: {now})")


def text_is(words: str) -> Callable[[dict[str, Any]], bool]:
    return lambda f: f["text"] == words


def href_is(path: str) -> Callable[[dict[str, Any]], bool]:
    return lambda f: f["href"].split("?")[0] == path


def follow(page: Any) -> None:
    """Press Enter on the focused link and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")


def keyboard_sign_in(page: Any, username: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    if page.evaluate("document.activeElement.name") != "username":  # the field has autofocus
        tab_to(page, lambda f: f["name"] == "username")
    focus(page)
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert focus(page)["name"] == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")


def test_skip_link_is_first_shows_when_focused_and_moves_focus_to_the_content(
    page_for: Any,
) -> None:
    page = page_for("laptop")
    sign_in(page, "teacher")
    page.keyboard.press("Tab")
    skip = focus(page)
    assert skip["text"] == "Skip to main content" and skip["href"] == "#main"
    box = page.locator("a.skip-link").bounding_box()
    assert box is not None and box["width"] > 50 and box["height"] > 20  # shown, not clipped
    screenshot(page, "keyboard-skip-link-laptop")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab goes to the first control in the content, not back to the menu.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_the_folded_menu_on_a_phone_opens_with_the_keyboard(page_for: Any) -> None:
    page = page_for("phone")
    sign_in(page, "teacher")
    expect(page.get_by_role("link", name="Frameworks")).to_be_hidden()
    tab_to(page, text_is("Menu"))
    page.keyboard.press("Enter")
    page.wait_for_selector("#main-nav.show")
    assert page.get_by_role("button", name="Menu").get_attribute("aria-expanded") == "true"
    tab_to(page, text_is("Frameworks"))
    screenshot(page, "keyboard-menu-open-390")
    follow(page)
    assert page.url.endswith("/frameworks/")


def test_teacher_records_judgements_in_the_markbook_with_the_keyboard(page_for: Any) -> None:
    cast = load_cast()
    page = page_for("tablet")
    keyboard_sign_in(page, "teacher")
    tab_to(page, href_is(f"/school/{cast.primary.urn}/classes/{cast.four_oak.pk}/"))
    follow(page)
    tab_to(page, text_is("Markbook"))
    follow(page)
    cell = tab_to(page, lambda f: "mb-btn" in f["classes"])
    assert ", " in cell["text"]  # the button says whose cell and which objective
    first = page.evaluate(
        "() => { const td = document.activeElement.closest('td');"
        " return [Number(td.dataset.pupil), Number(td.dataset.objective)]; }"
    )
    before = Judgement.objects.filter(pupil_id=first[0], objective_id=first[1]).count()
    for key in "323":
        page.keyboard.press(key)  # records the level and moves down a row
    page.wait_for_function(
        "() => !document.querySelector('.is-saving')"
        " && document.querySelector('#mb-status').textContent.startsWith('Saved:')"
    )
    focus(page)
    assert Judgement.objects.filter(pupil_id=first[0], objective_id=first[1]).count() == before + 1
    latest = Judgement.objects.filter(pupil_id=first[0], objective_id=first[1]).latest("pk")
    assert latest.level is not None
    assert latest.level == list(latest.level.scale.levels.order_by("position"))[2]
    # Enter opens the cell's panel with focus inside it; Escape closes it and returns focus.
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#mb-panel').contains(document.activeElement)"
    )
    focus(page)
    screenshot(page, "keyboard-markbook-panel-tablet")
    page.keyboard.press("Escape")
    expect(page.locator("#mb-panel")).to_be_hidden()
    assert "mb-btn" in focus(page)["classes"]
    assert page.js_errors == []


def test_pupil_reads_her_goals_rates_a_step_and_answers_feedback_with_the_keyboard(
    page_for: Any,
) -> None:
    page = page_for("tablet")
    keyboard_sign_in(page, "pupil")
    main = page.locator("main")
    assert "I am learning to use short multiplication." in main.inner_text()
    # Rate the first step of the first goal: Tab into its faces, an arrow key chooses the next.
    face = tab_to(page, lambda f: f["type"] == "radio")
    page.keyboard.press("ArrowRight")
    chosen = focus(page)
    assert chosen["type"] == "radio" and chosen["checked"] and chosen["text"] != face["text"]
    tab_to(page, text_is("Save how I am doing"))
    follow(page)
    assert "Your teacher can see how you are getting on" in main.inner_text()
    # The feedback on her story: open its fold, open it and answer in purple pen.
    tab_to(page, lambda f: f["tag"] == "summary" and f["text"].startswith("My feedback"))
    page.keyboard.press("Enter")
    tab_to(page, lambda f: "/feedback/work/" in f["href"])
    follow(page)
    assert "MY NEXT STEP" in main.inner_text().upper()
    tab_to(page, lambda f: f["text"] == "What I changed, or my answer to the feedback")
    page.keyboard.type("I gave Leo a grumpy line of dialogue.")
    tab_to(page, text_is("Save my improved work"))
    follow(page)
    text = main.inner_text()
    assert "Saved! Your teacher can see your work." in text
    assert "I gave Leo a grumpy line of dialogue." in text
    screenshot(page, "keyboard-pupil-answered-tablet")
    assert page.js_errors == []


def test_parent_reads_their_childs_page_with_the_keyboard(page_for: Any) -> None:
    page = page_for("phone")
    keyboard_sign_in(page, "parent")
    tab_to(page, lambda f: "Amara Hughes" in f["text"])
    follow(page)
    text = page.locator("main").inner_text()
    assert "Next steps" in text and "How to help at home" in text
    # The school's information for parents is one more link away.
    tab_to(page, lambda f: f["text"].startswith("How the school assesses"))
    follow(page)
    assert page.url.endswith("/reports/information/")
    assert page.js_errors == []


def test_leader_drills_from_the_dashboard_to_a_class_and_a_pupil_with_the_keyboard(
    page_for: Any,
) -> None:
    page = page_for("laptop")
    keyboard_sign_in(page, "leader")
    tab_to(page, text_is("Open the dashboard"))
    follow(page)
    # Year 8 science, as in journey 5: the figure in the subject-by-year table.
    tab_to(page, lambda f: "subject=Science&year=8" in f["href"])
    follow(page)
    assert "subject=Science&year=8" in page.url
    tab_to(page, lambda f: "/reports/classes/" in f["href"] and f["text"].endswith(" Sc"))
    follow(page)
    assert "Class dashboard · 8" in page.locator("h1").inner_text()
    tab_to(page, lambda f: "/reports/pupils/" in f["href"])
    follow(page)
    assert "Where they are" in page.locator("main").inner_text()
    assert page.js_errors == []


# Each page and the person who uses it, for the colour and text-size checks.
MAIN_PAGES = {
    "teacher home": ("teacher", "/school/{urn}/teacher/"),
    "markbook": ("teacher", "/school/{urn}/markbook/classes/{four_oak}/"),
    "pupil profile": ("teacher", "/school/{urn}/markbook/pupils/{amara}/"),
    "gap analysis": ("teacher", "/school/{urn}/markbook/classes/{four_oak}/gaps/"),
    "class dashboard": ("teacher", "/school/{urn}/reports/classes/{four_oak}/"),
    "my learning": ("pupil", "/school/{urn}/pupil/"),
    "child's page": ("parent", "/school/{urn}/feedback/children/{amara}/"),
    "school dashboard": ("primaryhead", "/school/{urn}/reports/"),
}

# Chips, badges and cells whose colour means something must say it in words too. Their words
# are read as text (`textContent`): `innerText` is empty inside a closed fold, where the words
# are still there for the moment it is opened.
SIGNALS = ".level-chip, .mb-btn:not(.mb-empty), .mb-swatch, .badge, .status, .tag"
WORDLESS = """(selector) => Array.from(document.querySelectorAll(selector))
  .filter((el) => el.getClientRects().length)
  .filter((el) => !(el.textContent.trim() || (el.getAttribute("aria-label") || "").trim()))
  .map((el) => el.outerHTML.slice(0, 120))"""


def pages_by_person() -> dict[str, list[tuple[str, str]]]:
    cast = load_cast()
    ids = {"urn": cast.primary.urn, "four_oak": cast.four_oak.pk, "amara": cast.amara.pk}
    people: dict[str, list[tuple[str, str]]] = {}
    for name, (person, path) in MAIN_PAGES.items():
        people.setdefault(person, []).append((name, path.format(**ids)))
    return people


@pytest.mark.parametrize("person", ["teacher", "pupil", "parent", "primaryhead"])
def test_colour_is_never_the_only_signal(page_for: Any, person: str) -> None:
    page = page_for("laptop")
    sign_in(page, person)
    for name, path in pages_by_person()[person]:
        page.goto(page.base_url + path)
        assert page.evaluate(WORDLESS, SIGNALS) == [], f"{name}: a colour with no words"
    if person == "teacher":
        page.goto(page.base_url + pages_by_person()["teacher"][1][1])
        cell = page.locator(".mb-btn:not(.mb-empty)").first
        level = cell.get_attribute("title").split(" (")[0]  # type: ignore[union-attr]
        assert level in cell.get_attribute("aria-label")  # type: ignore[operator]
        assert cell.inner_text().strip()  # and initials on the cell itself


# Text that cannot be read in full: boxes that clip (overflow hidden) text larger than they
# are, and drop-down lists too narrow for the option they show.
CLIPPED = """() => {
  const shown = (el) => el.getClientRects().length && !el.closest(".visually-hidden");
  const boxes = Array.from(document.querySelectorAll("main *, header *")).filter(shown)
    .filter((el) => {
      const style = getComputedStyle(el);
      const clips = ["hidden", "clip"].includes(style.overflowX)
        || ["hidden", "clip"].includes(style.overflowY);
      return clips && (el.textContent || "").trim()
        && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
    })
    .map((el) => el.tagName + "." + el.className + ": " + el.textContent.trim().slice(0, 60));
  const pen = document.createElement("canvas").getContext("2d");
  const lists = Array.from(document.querySelectorAll("main select")).filter(shown)
    .filter((el) => {
      const style = getComputedStyle(el);
      pen.font = style.font;
      const option = el.options[el.selectedIndex];
      const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return option && pen.measureText(option.text).width > room + 1;
    })
    .map((el) => "the list " + (el.labels[0] ? el.labels[0].innerText : el.name));
  return boxes.concat(lists);
}"""


@pytest.mark.parametrize("person", ["teacher", "pupil", "parent", "primaryhead"])
def test_text_at_200_percent_fits_the_page_at_laptop_width(page_for: Any, person: str) -> None:
    page = page_for("laptop")
    sign_in(page, person)
    problems = []
    for name, path in pages_by_person()[person]:
        page.goto(page.base_url + path)
        problems += [f"{name} at 100%: clipped {what}" for what in page.evaluate(CLIPPED)]
        # Text only, as a browser's "text size" setting does (CSSOM, which the CSP allows).
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{name}: the page scrolls sideways by {overflow}px")
        problems += [f"{name}: clipped {what}" for what in page.evaluate(CLIPPED)]
        screenshot(page, f"text-200-{name.replace(' ', '-').replace(chr(39), '')}-1366")
    assert not problems, problems
