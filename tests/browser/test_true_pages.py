"""A page a person may not open, and API tokens with their terms, as people see them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

PRIMARY = 990101


def test_a_teacher_on_the_leaders_home_is_told_plainly_in_the_layout(page_for: Any) -> None:
    for viewport in ("laptop", "tablet", "phone"):
        page = page_for(viewport)
        sign_in(page, "teacher")
        response = page.goto(page.base_url + f"/school/{PRIMARY}/leader/")
        assert response is not None and response.status == 403
        main = page.locator("main")
        expect(main.get_by_role("heading", name="You cannot open this page")).to_be_visible()
        expect(main.get_by_text("This page is not open to your role at")).to_be_visible()
        home = main.get_by_role("link", name="Go to your home page")
        expect(home).to_be_visible()
        screenshot(page, f"forbidden-{viewport}")
        home.click()
        page.wait_for_load_state("networkidle")
        expect(page).to_have_url(re.compile(re.escape(f"/school/{PRIMARY}/teacher/")))
        # The browser logs the page's own 403 as a failed load; nothing else may fail.
        assert [e for e in page.js_errors if "status of 403" not in e] == []


def test_a_read_only_token_with_an_expiry_is_made_and_listed(page_for: Any) -> None:
    expires = timezone.localdate() + dt.timedelta(days=90)
    for viewport in ("laptop", "tablet", "phone"):
        page = page_for(viewport)
        sign_in(page, "admin")
        page.goto(page.base_url + f"/school/{PRIMARY}/data/tokens/")
        page.get_by_label("What the token is for").fill(f"Trust reporting ({viewport})")
        expect(page.get_by_label("Read only")).to_be_checked()
        page.get_by_label("Expires on (optional)").fill(expires.isoformat())
        page.get_by_role("button", name="Make a token").click()
        page.wait_for_load_state("networkidle")
        expect(page.get_by_text("copy it now, it will not be shown again")).to_be_visible()
        row = page.get_by_role("row").filter(has_text=f"Trust reporting ({viewport})")
        expect(row.get_by_text("read only")).to_be_visible()
        expect(row.get_by_text(f"{expires.day} {expires:%b %Y}")).to_be_visible()
        screenshot(page, f"api-tokens-{viewport}")
        assert page.js_errors == []
