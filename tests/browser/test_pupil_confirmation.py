"""A pupil who sends a form sees the confirmation where they are, not off-screen at the top."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in


def test_the_thanks_for_a_self_assessment_is_shown_and_focused_on_the_goal(page_for: Any) -> None:
    page = page_for("tablet")
    sign_in(page, "pupil")
    form = page.locator("form[action*='/feedback/me/goals/']").last
    card = form.locator("xpath=ancestor::article[1]")
    card_id = card.get_attribute("id")
    for fieldset in form.locator("fieldset.step-row").all():
        fieldset.locator("label").first.click()
    form.get_by_role("button", name="Save how I am doing").click()
    page.wait_for_load_state("networkidle")
    thanks = page.locator(f"#{card_id} .ns-messages")
    expect(thanks).to_be_visible()
    expect(thanks).to_contain_text("Thank you!")
    expect(thanks).to_be_focused()
    expect(thanks).to_be_in_viewport(ratio=1)  # waits: the page may still be settling
    screenshot(page, "pupil-self-assessment-thanks-tablet")
    assert page.js_errors == []


def test_the_confirmation_after_handing_in_work_is_beside_the_form(page_for: Any) -> None:
    from nextsteps.feedback.models import Work

    page = page_for("tablet")
    sign_in(page, "pupil")
    work = Work.objects.filter(teaching_class__name="4 Oak").order_by("-pk").first()
    assert work is not None
    from nextsteps.people.models import Pupil

    pupil = Pupil.objects.get(user__username="pupil")
    page.goto(
        page.base_url + f"/school/{pupil.school.urn}/feedback/work/{work.pk}/pupils/{pupil.pk}/"
    )
    section = page.locator("#my-work")
    expect(section).to_be_visible()
    section.locator("textarea").first.fill("I used my purple pen to check 7 × 8 = 56.")
    section.get_by_role("button", name=re.compile("Hand it in|Save my improved work")).click()
    page.wait_for_load_state("networkidle")
    saved = page.locator("#my-work .ns-messages")
    expect(saved).to_be_visible()
    expect(saved).to_be_focused()
    expect(saved).to_be_in_viewport(ratio=1)  # waits: notes and pictures load after it
    screenshot(page, "pupil-work-saved-tablet")
    assert page.js_errors == []
