"""The feedback loop in a browser, as Ms Okafor, Amara and Mr Hughes live it (journeys 1–3):
the teacher sets work, the pupil submits, the teacher gives feedback with a marking code,
the pupil revises in purple pen, the teacher acknowledges, and the parent sees the next step.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

WORK = "Column multiplication: three sums"
NEXT_STEP = "Estimate first: 243 × 6 is about 250 × 6 = 1500."


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("viewport", ["tablet", "laptop"])
def test_the_whole_feedback_loop(page_for: Any, viewport: str) -> None:
    teacher = page_for(viewport)
    work = f"{WORK} ({viewport})"  # each run sets its own piece of work
    sign_in(teacher, "teacher")
    main = teacher.locator("main")
    assert "1 target claimed" in main.inner_text()  # Amara claimed hers last night
    screenshot(teacher, f"feedback-1-teacher-home-{viewport}")
    teacher.get_by_role("link", name=re.compile("^4 Oak")).first.click()
    teacher.get_by_role("link", name="Feedback and targets").first.click()
    teacher.get_by_role("link", name="Set work").click()
    teacher.get_by_label("Title").fill(work)
    teacher.get_by_label("What to do").fill("Work out 243 × 6, 318 × 4 and 127 × 5 in columns.")
    teacher.get_by_label(re.compile("^Y4-MD-05")).check()
    screenshot(teacher, f"feedback-2-set-work-{viewport}")
    teacher.get_by_role("button", name="Set the work").click()
    expect(main).to_contain_text(work, use_inner_text=True)
    expect(main).to_contain_text("Not handed in", use_inner_text=True)

    pupil = page_for(viewport)
    sign_in(pupil, "pupil")
    text = pupil.locator("main").inner_text()
    assert "Hello, Amara!" in text and "I am learning to use short multiplication." in text
    goal = pupil.locator(".goal-card", has_text="short multiplication")
    goal.locator("label", has_text="I'm getting there").first.click()
    goal.locator("label", has_text="I can do it").nth(1).click()
    goal.get_by_label(re.compile("What I need help with")).fill("I get stuck on carrying")
    goal.get_by_role("button", name="Save how I am doing").click()
    expect(pupil.locator("main")).to_contain_text(
        "Your teacher can see how you are getting on", use_inner_text=True
    )
    screenshot(pupil, f"feedback-3-my-learning-{viewport}")
    no_sideways_scroll(pupil)
    pupil.locator("summary", has_text="My work").click()
    pupil.get_by_role("link", name=work).click()
    pupil.get_by_label("My writing").fill("243 × 6 = 1448\n318 × 4 = 1272\n127 × 5 = 635")
    pupil.get_by_role("button", name="Hand it in").click()
    expect(pupil.locator("main")).to_contain_text(
        "Saved! Your teacher can see your work.", use_inner_text=True
    )

    teacher.reload()
    teacher.get_by_role("link", name="Amara Hughes").click()
    teacher.get_by_label("I can set out short multiplication in columns.").check()
    teacher.get_by_label("Sp Spelling").check()
    teacher.get_by_label("^ Missing word").uncheck()
    teacher.get_by_label("✓ A good point").check()
    teacher.get_by_label("Where: A good point").fill("neat columns")
    teacher.get_by_label("One next step").fill(NEXT_STEP)
    screenshot(teacher, f"feedback-4-giving-feedback-{viewport}")
    teacher.get_by_role("button", name="Give feedback").click()
    expect(main).to_contain_text("Feedback given.", use_inner_text=True)

    pupil.goto(pupil.base_url + "/school/990101/pupil/")
    pupil.locator("summary", has_text="New for me").click()
    expect(pupil.locator("main")).to_contain_text("You have feedback on", use_inner_text=True)
    pupil.locator("summary", has_text="My work").click()
    pupil.get_by_role("link", name=work).first.click()
    page_text = pupil.locator("main").inner_text()
    assert NEXT_STEP in page_text and "A good point" in page_text and "neat columns" in page_text
    pupil.get_by_label("My writing").fill("243 × 6 = 1458\n318 × 4 = 1272\n127 × 5 = 635")
    pupil.get_by_label("What I changed, or my answer to the feedback").fill(
        "I carried the 2 this time."
    )
    pupil.get_by_role("button", name="Save my improved work").click()
    purple = pupil.locator(".writing ins.purple-pen").first
    assert "1458" in purple.inner_text()
    assert purple.evaluate("e => getComputedStyle(e).color") == "rgb(111, 44, 145)"
    assert "1448" in pupil.locator(".writing del.removed").first.inner_text()
    screenshot(pupil, f"feedback-5-purple-pen-{viewport}")
    no_sideways_scroll(pupil)

    teacher.goto(teacher.base_url + "/school/990101/teacher/")
    assert "2 responses to acknowledge" in main.inner_text()
    teacher.locator("li", has_text=work).get_by_role("link", name="Amara Hughes").click()
    teacher.get_by_role("button", name="Acknowledge the response").click()
    expect(main).to_contain_text("Response acknowledged.", use_inner_text=True)
    expect(main).to_contain_text("Seen by the teacher", use_inner_text=True)
    screenshot(teacher, f"feedback-6-acknowledged-{viewport}")
    teacher.get_by_role("link", name="← Everyone's work").click()
    teacher.get_by_role("link", name="← 4 Oak").click()
    screenshot(teacher, f"feedback-8-class-hub-{viewport}")
    teacher.get_by_role("link", name="Self-assessment").click()
    expect(main).to_contain_text("I get stuck on carrying", use_inner_text=True)
    screenshot(teacher, f"feedback-9-self-assessment-{viewport}")
    teacher.get_by_role("link", name="Targets", exact=True).click()
    screenshot(teacher, f"feedback-10-targets-{viewport}")

    parent = page_for(viewport)
    sign_in(parent, "parent")
    parent.get_by_role("link", name=re.compile("Amara Hughes")).click()
    parent_text = parent.locator("main").inner_text()
    assert NEXT_STEP in parent_text
    assert (
        "How to help at home" in parent_text and "Practise one times table a night" in parent_text
    )
    screenshot(parent, f"feedback-7-parent-{viewport}")
    no_sideways_scroll(parent)
    for page in (teacher, pupil, parent):
        assert page.js_errors == []


def test_my_learning_and_the_childs_page_read_well_on_a_phone(page_for: Any) -> None:
    pupil = page_for("phone")
    sign_in(pupil, "pupil")
    assert "What I am learning now" in pupil.locator("main").inner_text()
    screenshot(pupil, "feedback-my-learning-phone")
    no_sideways_scroll(pupil)
    pupil.locator("summary", has_text="My feedback").click()
    pupil.get_by_role("link", name="The Lost Key: a story opening with dialogue").first.click()
    expect(pupil.locator(".writing ins.purple-pen")).not_to_have_count(0)
    screenshot(pupil, "feedback-story-purple-phone")
    no_sideways_scroll(pupil)
    parent = page_for("phone")
    sign_in(parent, "parent")
    parent.get_by_role("link", name=re.compile("Amara Hughes")).click()
    screenshot(parent, "feedback-parent-phone")
    no_sideways_scroll(parent)
    assert pupil.js_errors == [] and parent.js_errors == []


def test_teacher_logs_a_focus_group_and_chooses_intentions_on_a_tablet(page_for: Any) -> None:
    page = page_for("tablet")
    sign_in(page, "teacher")
    page.get_by_role("link", name="4 Oak: feedback and targets").click()
    page.get_by_role("link", name="Log a focus group").click()
    page.get_by_label("Group").select_option(label="Triangles")
    page.get_by_label("Learning intention").select_option(
        value=page.locator("#pick-objective option", has_text="Y4-MD-05").get_attribute("value")
    )
    page.get_by_role("button", name="Start").click()
    rows = page.locator("tbody tr")
    first, second = rows.nth(0), rows.nth(1)
    first.locator("select").select_option(label="Secure")
    first.locator("input").fill("Estimate first next time.")
    second.locator("select").select_option(label="Working towards")
    second.locator("textarea").fill("Forgot to carry into the hundreds.")
    screenshot(page, "feedback-conversation-form-tablet")
    page.get_by_role("button", name="Save and record judgements").click()
    text = page.locator("main").inner_text()
    assert "2 judgements recorded" in text and "Forgot to carry into the hundreds." in text
    screenshot(page, "feedback-conversation-tablet")
    no_sideways_scroll(page)
    page.get_by_role("link", name="← 4 Oak").click()
    page.get_by_role("link", name="Learning intentions").first.click()
    page.get_by_role("link", name="Squares").click()
    assert page.get_by_label(re.compile("Y4-MD-01 Recall")).is_checked()
    screenshot(page, "feedback-intentions-tablet")
    assert page.js_errors == []
