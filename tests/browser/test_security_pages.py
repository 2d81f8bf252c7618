"""The data manager's security page, a pupil's subject access export, and the privacy notice."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from tests.browser.conftest import screenshot, sign_in


def test_data_manager_sets_rules_and_finds_the_subject_access_export(page_for: Any) -> None:
    school = School.objects.get(urn=990101)
    amara = Pupil.objects.get(school=school, user__username="pupil")
    for viewport in ("laptop", "phone"):
        page = page_for(viewport)
        sign_in(page, "admin")
        page.goto(page.base_url + f"/school/{school.urn}/security/")
        page.get_by_label("Keep leavers' data for (months)").fill("36")
        page.get_by_role("button", name="Save settings").click()
        page.wait_for_load_state("networkidle")
        expect(page.locator("body")).to_contain_text("The security settings are saved.")
        screenshot(page, f"security-settings-{viewport}")
        page.goto(page.base_url + f"/school/{school.urn}/pupils/{amara.pk}/")
        page.get_by_role("link", name="Subject access export").click()
        page.wait_for_load_state("networkidle")
        expect(page.locator("body")).to_contain_text("Judgements")
        screenshot(page, f"subject-access-{viewport}")
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the export (zip)").click()
        assert download.value.suggested_filename.startswith(f"subject-access-{school.urn}-")
        page.goto(page.base_url + "/privacy/")
        assert "36 months" in page.content()
        screenshot(page, f"privacy-notice-{viewport}")
        assert page.js_errors == []
