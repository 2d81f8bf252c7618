"""A report as parents and staff read it (the school's logo, achievements in the child's name,
the teacher's comment) at laptop and tablet widths, and Ms Okafor writing comments on her
class's reports page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, screenshot, sign_in

URN = 990101


def _amara_and_four_oak() -> tuple[int, int]:
    from nextsteps.people.models import Pupil
    from nextsteps.teaching.models import Class

    amara = Pupil.objects.get(school__urn=URN, user__username="pupil")
    four_oak = Class.objects.get(school__urn=URN, name="4 Oak")
    return amara.pk, four_oak.pk


@pytest.mark.parametrize("viewport", ["laptop", "tablet"])
def test_a_report_reads_well_at_laptop_and_tablet(page_for: Any, viewport: str) -> None:
    width = VIEWPORTS[viewport][0]
    amara, _class = _amara_and_four_oak()
    page = page_for(viewport)
    sign_in(page, "primaryhead")
    page.goto(f"{page.base_url}/school/{URN}/reports/pupils/{amara}/?version=draft")
    report = page.locator("article.pupil-report")
    expect(report.get_by_role("img", name="Hollins Park Primary School logo")).to_be_visible()
    expect(report.get_by_text("Hollins Park Primary School", exact=True)).to_be_visible()
    expect(report.get_by_role("heading", name="What Amara can do").first).to_be_visible()
    expect(report.get_by_text("becoming a confident mathematician")).to_be_visible()
    expect(report.get_by_text("Attendance this year:")).to_be_visible()
    screenshot(page, f"report-draft-{viewport}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page = page_for(viewport)
    sign_in(page, "parent")
    page.goto(f"{page.base_url}/school/{URN}/reports/pupils/{amara}/")
    report = page.locator("article.pupil-report")
    expect(report.get_by_role("img", name="Hollins Park Primary School logo")).to_be_visible()
    expect(report.get_by_text("to the class")).to_be_visible()
    screenshot(page, f"report-parent-{viewport}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.js_errors == []


def test_a_teacher_writes_comments_on_the_class_reports_page(page_for: Any) -> None:
    amara, four_oak = _amara_and_four_oak()
    page = page_for("tablet")
    sign_in(page, "teacher")
    page.goto(f"{page.base_url}/school/{URN}/reports/classes/{four_oak}/reports/")
    card = page.locator(f"#comment-{amara}")
    box = card.get_by_label("Amara Hughes")
    expect(box).to_be_visible()
    box.fill("Amara has had a wonderful term.\n\nShe explains her reasoning clearly.")
    card.get_by_role("button", name="Save comment").click()
    expect(page.locator(f"#comment-{amara}").get_by_role("status")).to_have_text(
        "Saved Amara's comment."
    )
    screenshot(page, "report-comments-tablet")
    page.reload()
    expect(page.locator(f"#comment-{amara}").get_by_label("Amara Hughes")).to_have_value(
        "Amara has had a wonderful term.\n\nShe explains her reasoning clearly."
    )
    assert page.js_errors == []

    page = page_for("laptop")
    sign_in(page, "primaryhead")
    page.goto(f"{page.base_url}/school/{URN}/reports/settings/")
    expect(page.get_by_role("heading", name="Sections the reports give")).to_be_visible()
    expect(
        page.get_by_role("img", name="Hollins Park Primary School logo, as reports show it")
    ).to_be_visible()
    screenshot(page, "report-settings-laptop")
