"""Judging in a browser: comparisons with the keyboard, blind moderation, the report."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

KINGSMEAD = 990102


def science_session() -> Any:
    from nextsteps.judging.models import CJSession

    return CJSession.objects.get(school__urn=KINGSMEAD, title__startswith="Year 9 science")


@pytest.mark.parametrize("viewport", ["laptop", "tablet"])
def test_a_judge_makes_comparisons_with_the_keyboard(page_for: Any, viewport: str) -> None:
    from nextsteps.judging.models import Comparison

    session = science_session()
    before = Comparison.objects.filter(session=session, judge__staff__user__username="hod")
    made = before.count()
    page = page_for(viewport)
    sign_in(page, "hod")
    page.goto(f"{page.base_url}/school/{KINGSMEAD}/judging/")
    page.get_by_role("link", name="Judge", exact=True).first.click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text("Left is better", use_inner_text=True)
    screenshot(page, f"cj-judge-{viewport}")
    for key, side in (("ArrowLeft", "left"), ("l", "right"), ("a", "left")):
        shown = {
            s: page.locator(f"#script-{s}").inner_text().split("·")[-1].strip()
            for s in ("left", "right")
        }
        with page.expect_navigation():
            page.keyboard.press(key)
        page.wait_for_load_state("networkidle")
        latest = Comparison.objects.filter(session=session).order_by("-pk").first()
        assert latest is not None
        assert (latest.left.code, latest.right.code) == (shown["left"], shown["right"])
        assert latest.winner.code == shown[side]
        assert latest.seconds >= 0
    assert before.count() == made + 3
    assert f"You have made {made + 3} judgements" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert page.js_errors == []


def test_zoom_makes_a_script_larger_and_the_page_works_on_a_phone(page_for: Any) -> None:
    page = page_for("phone")
    sign_in(page, "hod")
    page.goto(f"{page.base_url}/school/{KINGSMEAD}/judging/cj/{science_session().pk}/judge/")
    text = page.locator("[data-zoom-text]").first
    size = text.evaluate("element => parseFloat(getComputedStyle(element).fontSize)")
    page.locator("[data-zoom='in']").first.click()
    page.locator("[data-zoom='in']").first.click()
    bigger = text.evaluate("element => parseFloat(getComputedStyle(element).fontSize)")
    assert bigger > size * 1.4
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "cj-judge-phone")
    assert page.js_errors == []


@pytest.mark.parametrize("viewport", ["laptop", "tablet"])
def test_the_organiser_reads_the_report(page_for: Any, viewport: str) -> None:
    page = page_for(viewport)
    sign_in(page, "leader")
    page.goto(f"{page.base_url}/school/{KINGSMEAD}/judging/cj/{science_session().pk}/")
    screenshot(page, f"cj-session-{viewport}")
    page.get_by_role("link", name="Report").click()
    page.wait_for_load_state("networkidle")
    main = page.locator("main").inner_text()
    assert "reliability (SSR)" in main and "Inconsistent" in main
    assert page.locator("svg.scale-chart g.point").count() == 63
    screenshot(page, f"cj-report-{viewport}")
    assert page.js_errors == []


def test_a_moderator_standardises_then_judges_blind_with_number_keys(page_for: Any) -> None:
    from nextsteps.accounts.models import User
    from nextsteps.curriculum.models import Objective
    from nextsteps.judging.models import ModerationRating
    from nextsteps.judging.services.moderation import moderation_session_create
    from nextsteps.people.models import Staff
    from nextsteps.schools.models import School

    school = School.objects.get(urn=KINGSMEAD)
    objective = Objective.objects.get(school=school, code="Y8-AL-02")
    moderator = Staff.objects.filter(school=school).exclude(user__username__in=["hod", "leader"])
    teacher = moderator.filter(class_links__teaching_class__subjects__name="English").first()
    teacher.user.set_password("nextsteps-demo")
    teacher.user.save()
    session = moderation_session_create(
        school=school,
        title="Equations check",
        objective=objective,
        department=objective.framework.subject.department,
        sampling="stratified",
        sample_size=4,
        moderators=[teacher],
        by=User.objects.get(username="hod"),
        seed=2,
    )
    page = page_for("tablet")
    sign_in(page, teacher.user.username)
    page.goto(f"{page.base_url}/school/{KINGSMEAD}/judging/moderation/{session.pk}/")
    page.get_by_role("link", name="Judge the exemplars").click()
    for group in page.locator("fieldset.level-options").all():
        group.locator("label").nth(2).click()
    page.get_by_role("button", name="Compare with the agreed standard").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text("How your levels compare", use_inner_text=True)
    screenshot(page, "moderation-standardise-tablet")
    page.get_by_role("link", name="Now moderate the sample").click()
    page.wait_for_load_state("networkidle")
    item = session.items.select_related("original_level", "teaching_class").get(
        pk=int(page.url.rstrip("/").rsplit("/", 1)[-1])
    )
    work = page.locator("main").inner_text()
    assert item.teaching_class.name not in work and "Teacher’s level" not in work
    screenshot(page, "moderation-blind-item-tablet")
    page.keyboard.press("2")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and go to the next piece").click()
    rating = ModerationRating.objects.get(item=item)
    assert rating.level.position == 2
    assert page.js_errors == []


def test_the_head_of_maths_sees_agreement_and_agrees_an_outcome(page_for: Any) -> None:
    from nextsteps.judging.models import ModerationSession

    session = ModerationSession.objects.get(school__urn=KINGSMEAD, title__startswith="Year 8")
    page = page_for("laptop")
    sign_in(page, "hod")
    page.goto(f"{page.base_url}/school/{KINGSMEAD}/judging/moderation/{session.pk}/")
    assert "Weighted kappa" in page.locator("main").inner_text()
    screenshot(page, "moderation-session-laptop")
    page.get_by_role("link", name="Agree").first.click()
    page.wait_for_load_state("networkidle")
    page.locator("fieldset.level-options label").nth(2).click()
    page.get_by_role("textbox", name="Reason").fill("Every step shown and checked by substitution.")
    page.get_by_role("button", name="Agree and record as a judgement").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text(
        "recorded as a moderation judgement", use_inner_text=True
    )
    screenshot(page, "moderation-outcome-laptop")
    page.goto(f"{page.base_url}/school/{KINGSMEAD}/judging/feedback/")
    screenshot(page, "moderation-feedback-laptop")
    assert page.js_errors == []
