"""Statutory checks in the browser: a Year 1 teacher types a class's phonics marks on a tablet
(Enter moves down the column, as in a markbook), and Mrs Bennett reads the school's summary
beside the national figures on a laptop."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, screenshot, sign_in


def _year1_teacher() -> tuple[str, Any]:
    """A teacher of 1 Willow with the current year's threshold entered (the test's own)."""
    from nextsteps.accounts.models import Role, User
    from nextsteps.accounts.services import membership_grant
    from nextsteps.people.models import Staff
    from nextsteps.schools.models import School
    from nextsteps.statutory import services
    from nextsteps.teaching.models import Class, ClassStaff

    school = School.objects.get(urn=990101)
    teaching_class = Class.objects.get(school=school, name="1 Willow")
    user, created = User.objects.get_or_create(username="phonicsteacher")
    if created:
        user.set_password(settings.NEXTSTEPS_DEMO_PASSWORD)
        user.save()
        membership_grant(user=user, school=school, role=Role.TEACHER, by=None)
        staff = Staff.objects.create(
            school=school, user=user, title="Mr", forename="Tom", surname="Price"
        )
        ClassStaff.objects.create(school=school, teaching_class=teaching_class, staff=staff)
    services.phonics_threshold_enter(
        school=school, academic_year=teaching_class.academic_year.name, threshold=32
    )
    return user.username, teaching_class


def test_year1_teacher_types_phonics_marks_on_a_tablet(page_for: Any) -> None:
    from nextsteps.statutory.models import PhonicsResult
    from nextsteps.teaching.selectors import class_pupils

    username, teaching_class = _year1_teacher()
    page = page_for("tablet")
    sign_in(page, username)
    page.locator("a.card-link-stretch", has_text="1 Willow").click()
    page.get_by_role("link", name="Phonics check").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_contain_text(
        "Phonics screening check · 1 Willow", use_inner_text=True
    )

    first = page.locator("input[data-entry]").first
    first.click()
    marks = ["36", "29", "40", "32", "18"]
    for mark in marks:
        page.keyboard.type(mark)
        page.keyboard.press("Enter")  # moves to the next pupil, does not submit
    assert page.url.endswith(f"/phonics/classes/{teaching_class.pk}/")
    page.get_by_role("button", name="Save marks").click()
    page.wait_for_load_state("networkidle")

    main = page.locator("main").inner_text()
    assert "5 phonics results saved." in main
    assert main.count("Below: retake in Year 2") == 2
    pupils = class_pupils(teaching_class)[:5]
    saved = dict(PhonicsResult.objects.filter(pupil__in=pupils).values_list("pupil_id", "mark"))
    assert [saved[p.pk] for p in pupils] == [int(m) for m in marks]
    assert page.js_errors == []
    screenshot(page, "statutory-phonics-entry-tablet")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["tablet"][0]


def test_a_mark_over_40_is_refused_in_the_page(page_for: Any) -> None:
    username, _class = _year1_teacher()
    page = page_for("tablet")
    sign_in(page, username)
    page.locator("a.card-link-stretch", has_text="1 Willow").click()
    page.get_by_role("link", name="Phonics check").click()
    box = page.locator("input[data-entry]").nth(6)
    box.fill("44")
    page.get_by_role("button", name="Save marks").click()
    page.wait_for_load_state("networkidle")
    alert = page.get_by_role("alert")
    assert "Nothing was saved" in alert.inner_text()
    assert "mark must be from 0 to 40, not 44" in alert.inner_text()
    screenshot(page, "statutory-phonics-refused-tablet")


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_leader_reads_the_statutory_summary(page_for: Any, viewport: str) -> None:
    page = page_for(viewport)
    sign_in(page, "primaryhead")
    page.get_by_role("link", name="See statutory checks").click()
    page.wait_for_load_state("networkidle")
    main = page.locator("main").inner_text()
    assert "Phonics screening check" in main
    assert "Threshold mark: 32 out of 40" in main
    assert "entered by the school" in main
    assert "Nationally" in main
    assert "21.0" in main  # the national average of 2024/25, beside the school's
    assert "Schools receive no score" in main
    page.get_by_text("Scores from 0 to 25").first.click()
    assert page.js_errors == []
    screenshot(page, f"statutory-summary-{viewport}")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport][0]


def test_leader_sees_year2_retakes_and_the_words_missed_most(page_for: Any) -> None:
    page = page_for("laptop")
    sign_in(page, "primaryhead")
    page.goto(page.base_url + "/school/990101/statutory/")
    page.get_by_role("link", name="2 Oak").click()
    page.wait_for_load_state("networkidle")
    main = page.locator("main").inner_text()
    assert "Retaking the check in Year 2" in main
    assert "in Year 1" in main
    assert "Words the class missed most" in main
    assert page.js_errors == []
    screenshot(page, "statutory-phonics-year2-laptop")


def test_year4_teacher_sees_class_scores_beside_national(page_for: Any) -> None:
    page = page_for("tablet")
    sign_in(page, "teacher")
    page.locator("a.card-link-stretch", has_text="4 Oak").click()
    page.get_by_role("link", name="Times tables check results").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_contain_text(
        "Multiplication tables check · 4 Oak", use_inner_text=True
    )
    assert "No statutory scores for this year yet" in page.locator("main").inner_text()
    page.locator("input[data-entry]").first.click()
    for score in ("25", "19"):
        page.keyboard.type(score)
        page.keyboard.press("Enter")
    page.get_by_role("button", name="Save scores").click()
    page.wait_for_load_state("networkidle")
    main = page.locator("main").inner_text()
    assert "Class average" in main and "22.0" in main
    assert "How the scores spread" in main
    screenshot(page, "statutory-mtc-class-tablet")


def test_reception_baseline_page_says_no_score_returns(page_for: Any) -> None:
    page = page_for("laptop")
    sign_in(page, "primaryhead")
    page.goto(page.base_url + "/school/990101/statutory/")
    page.get_by_role("link", name="Reception Oak").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text(
        "No score comes back to the school.", use_inner_text=True
    )
    screenshot(page, "statutory-baseline-laptop")
