"""Mr Hughes answers the school from his phone (journey 3): he says what he and Amara did at
home about her next step, replies to feedback on her story and marks a tip as tried; Ms
Okafor reads it in her notifications and on Amara's work. The school can turn replies off."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_accessibility import AXE_SOURCE, check_page

SCHOOL = "/school/990101"


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("viewport", ["phone", "tablet", "laptop"])
def test_a_parent_answers_and_the_teacher_reads_it(page_for: Any, viewport: str) -> None:
    at_home = f"We practised carrying with three sums after tea ({viewport})."
    reply = f"Amara read her story to her gran on the phone ({viewport})."
    parent = page_for(viewport)
    parent.context.add_init_script(path=str(AXE_SOURCE))  # the CSP refuses injected scripts
    sign_in(parent, "parent")
    parent.get_by_role("link", name=re.compile("Amara Hughes")).first.click()
    main = parent.locator("main")
    now = main.locator("#next-title").locator("..")
    expect(now.get_by_text("Working on now")).to_be_visible()
    expect(now.get_by_text("Check each carry")).to_be_visible()
    # The story's next step is done: Amara answered it in purple pen.
    expect(now.locator(".next-step-done", has_text="Give Leo a line of dialogue")).to_be_visible()
    screenshot(parent, f"parents-1-child-page-{viewport}")
    no_sideways_scroll(parent)

    now.get_by_text("Tell the teacher what you did at home").first.click()
    now.get_by_label("What you did at home").first.fill(at_home)
    screenshot(parent, f"parents-2-what-we-did-at-home-{viewport}")
    assert check_page(parent, "parent") == []  # with the form open
    now.get_by_role("button", name="Send").first.click()
    expect(
        main.get_by_text("Sent. Amara's teacher will see it in their notifications.")
    ).to_be_visible()
    expect(main.get_by_text(at_home)).to_be_visible()

    story = main.locator("article:has-text('The Lost Key') + .parent-answer-block")
    story.get_by_text("Reply to this feedback").click()
    story.get_by_label("Your reply").fill(reply)
    story.get_by_role("button", name="Send").click()
    expect(main.get_by_text(reply)).to_be_visible()

    tips = main.locator("#help-title").locator("..")
    untried = tips.get_by_role("button", name="We tried this")
    if untried.count():  # each run tries the next tip; the demo has tried the first
        tip = (
            tips.locator(".home-tip")
            .filter(has=parent.get_by_role("button", name="We tried this"))
            .first
        )
        tip.get_by_label("How did it go? (optional)").fill(f"Good fun ({viewport})")
        tip.get_by_role("button", name="We tried this").click()
        expect(main.get_by_text(f"Good fun ({viewport})")).to_be_visible()
    expect(tips.get_by_text("Tried").first).to_be_visible()
    screenshot(parent, f"parents-3-after-answering-{viewport}")
    no_sideways_scroll(parent)
    parent.goto(parent.base_url + f"{SCHOOL}/feedback/notifications/")
    expect(parent.get_by_role("button", name="E-mail me a daily summary")).to_be_visible()
    assert check_page(parent, "parent") == []
    screenshot(parent, f"parents-8-whats-new-with-e-mail-choice-{viewport}")
    assert parent.js_errors == []

    teacher = page_for(viewport)
    teacher.context.add_init_script(path=str(AXE_SOURCE))
    sign_in(teacher, "teacher")
    teacher.goto(teacher.base_url + f"{SCHOOL}/feedback/notifications/")
    note = teacher.locator("li.card", has_text=reply)
    expect(note.get_by_text("From home")).to_be_visible()
    expect(teacher.locator("li.card", has_text=at_home)).to_be_visible()
    screenshot(teacher, f"parents-4-teacher-notifications-{viewport}")
    note.get_by_role("button", name="Open").click()
    from_home = teacher.locator("#from-home")
    expect(from_home.get_by_text(reply)).to_be_visible()
    expect(from_home.get_by_text("Mr Hughes").first).to_be_visible()
    from_home.scroll_into_view_if_needed()
    screenshot(teacher, f"parents-5-teacher-reads-on-the-work-{viewport}")
    assert check_page(teacher, "teacher") == []
    no_sideways_scroll(teacher)


def test_a_refused_reply_keeps_what_the_parent_typed(page_for: Any) -> None:
    parent = page_for("phone")
    parent.context.add_init_script(path=str(AXE_SOURCE))
    sign_in(parent, "parent")
    parent.get_by_role("link", name=re.compile("Amara Hughes")).first.click()
    story = parent.locator("main article:has-text('The Lost Key') + .parent-answer-block")
    story.get_by_text("Reply to this feedback").first.click()
    long_reply = "We loved it. " * 80  # over the 1,000 characters a reply may have
    story.get_by_label("Your reply").first.fill(long_reply)
    story.get_by_role("button", name="Send").first.click()
    expect(parent.get_by_text("Not sent.")).to_be_visible()
    box = parent.locator("main article:has-text('The Lost Key') + .parent-answer-block")
    expect(box.get_by_label("Your reply")).to_have_value(long_reply)
    expect(box.get_by_text(re.compile("the most is 1000"))).to_be_visible()
    screenshot(parent, "parents-6-reply-too-long-phone")
    assert check_page(parent, "parent") == []  # the refusal, and the form open with its error


def test_the_school_turns_replies_off_and_on(page_for: Any) -> None:
    head = page_for("laptop")
    head.context.add_init_script(path=str(AXE_SOURCE))
    sign_in(head, "primaryhead")
    head.goto(head.base_url + f"{SCHOOL}/reports/settings/")
    head.get_by_label("No, turn replies off (replies already sent are kept)").check()
    head.get_by_role("button", name="Save", exact=True).click()
    expect(head.get_by_text("Replies from parents are turned off.")).to_be_visible()
    screenshot(head, "parents-7-school-settings-replies-off-laptop")
    assert check_page(head, "primaryhead") == []
    try:
        parent = page_for("phone")
        sign_in(parent, "parent")
        parent.get_by_role("link", name=re.compile("Amara Hughes")).first.click()
        main = parent.locator("main")
        expect(main.get_by_role("heading", name="Next steps")).to_be_visible()
        expect(main.get_by_text("Reply to this feedback")).to_have_count(0)
        expect(main.get_by_role("button", name="We tried this")).to_have_count(0)
        expect(main.get_by_text("Tried").first).to_be_visible()  # what was sent stays
    finally:
        head.get_by_label("Yes, parents may reply").check()
        head.get_by_role("button", name="Save", exact=True).click()
        expect(head.get_by_text("Parents can reply to feedback and next steps.")).to_be_visible()
