"""Each demo account signs in through the real sign-in page and sees its own home."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from nextsteps.accounts.models import User
from tests.browser.conftest import screenshot, sign_in

HOMES = {
    "admin": ("/school/990101/admin/", "School data"),
    "leader": ("/school/990102/leader/", "Kingsmead Academy"),
    "hod": ("/school/990102/hod/", "Mathematics"),
    "teacher": ("/school/990101/teacher/", "My classes"),
    "ta": ("/school/990101/ta/", "Groups I support"),
    "pupil": ("/school/990101/pupil/", "Hello, Amara!"),
    "parent": ("/school/990101/guardian/", "My children"),
}


@pytest.mark.parametrize("viewport", ["laptop", "tablet"])
@pytest.mark.parametrize("username", sorted(HOMES))
def test_demo_account_signs_in_to_its_home(page_for: Any, username: str, viewport: str) -> None:
    page = page_for(viewport)
    sign_in(page, username)
    path, heading = HOMES[username]
    assert page.url.endswith(path)
    assert heading in page.locator("main").inner_text()
    assert page.js_errors == []
    screenshot(page, f"home-{username}-{viewport}")


def test_parent_reads_on_a_phone_and_opens_their_childs_page(page_for: Any) -> None:
    page = page_for("phone")
    sign_in(page, "parent")
    page.get_by_role("link", name="Amara Hughes").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text("4 Oak", use_inner_text=True)
    assert "UPN" not in page.locator("main").inner_text()  # staff-only details stay hidden
    screenshot(page, "parent-child-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_wrong_password_says_so_and_keeps_the_username(page_for: Any) -> None:
    page = page_for("laptop")
    sign_in(page, "teacher", "wrong-password")
    assert "did not match" in page.locator("main").inner_text()
    assert page.get_by_label("Username").input_value() == "teacher"
    screenshot(page, "sign-in-error")


def test_teacher_prints_sign_in_cards_for_her_class(page_for: Any) -> None:
    from nextsteps.teaching.models import Class
    from nextsteps.teaching.selectors import class_pupils

    on_roll = len(class_pupils(Class.objects.get(name="4 Oak", school__urn=990101)))
    page = page_for("laptop")
    sign_in(page, "teacher")
    page.locator("a.card-link-stretch", has_text="4 Oak").click()
    page.get_by_role("link", name="Pupil sign-in cards").click()
    page.once("dialog", lambda dialog: dialog.accept())
    try:
        # New cards give each pupil in the class a new password, each hashed with argon2.
        page.get_by_role("button", name="Issue new cards").click(timeout=90_000)
        page.wait_for_load_state("networkidle")
        expect(page.locator(".sign-in-card")).to_have_count(on_roll)
        screenshot(page, "sign-in-cards")
    finally:
        # The journeys after this one sign Amara in with the demo password.
        amara = User.objects.get(username="pupil")
        amara.set_password("nextsteps-demo")
        amara.save(update_fields=["password"])


def test_teacher_navigates_to_a_framework_and_filters_by_year(page_for: Any) -> None:
    page = page_for("laptop")
    sign_in(page, "teacher")
    page.get_by_role("link", name="Frameworks").first.click()
    page.get_by_role("link", name="Primary mathematics").click()
    page.get_by_label("Year group").select_option(label="Year 4")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    text = page.locator("main").inner_text()
    assert "Multiplication and division" in text
    screenshot(page, "framework-year4-laptop")
