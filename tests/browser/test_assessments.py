"""Tests and challenges in a browser: marks entered with the keyboard, the question-level
analysis, a refused upload, and Amara's personal best on a phone."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from nextsteps.assessments import demo
from nextsteps.assessments.models import Assessment, Mark
from nextsteps.teaching.models import Class
from nextsteps.teaching.selectors import class_pupils
from tests.browser.conftest import screenshot, sign_in


def no_sideways_scroll(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_teacher_enters_marks_with_the_keyboard_then_reads_the_analysis(page_for: Any) -> None:
    four_oak = Class.objects.get(name="4 Oak")
    test = Assessment.objects.get(name=demo.MULTIPLICATION_TEST)
    q1, q2, q3 = test.questions.order_by("position")[:3]
    first, second = class_pupils(four_oak)[:2]
    # Start from marks that differ from what will be typed, so every cell typed is a change.
    for pupil, question, marks in ((first, q1, 1), (first, q2, 0), (first, q3, 0), (second, q2, 1)):
        Mark.objects.filter(pupil=pupil, question=question).update(marks=marks)
    page = page_for("tablet")
    sign_in(page, "teacher")
    page.goto(f"{page.base_url}/school/990101/classes/{four_oak.pk}/")
    page.get_by_role("link", name="Tests", exact=True).click()
    page.get_by_role("link", name=demo.MULTIPLICATION_TEST).click()
    page.get_by_role("link", name="Enter marks").click()
    page.wait_for_load_state("networkidle")

    cell = page.locator(f'input[name="m-{first.pk}-{q1.pk}"]')
    cell.click()
    page.keyboard.type("0")
    page.keyboard.press("ArrowRight")  # saves Q1 and moves to Q2
    page.keyboard.type("7")  # Q2 is worth 1 mark: refused in place
    page.keyboard.press("ArrowRight")
    bad = page.locator(f'input[name="m-{first.pk}-{q2.pk}"]')
    page.wait_for_selector(f'#e-{first.pk}-{q2.pk}[data-state="error"]')
    assert bad.get_attribute("aria-invalid") == "true"
    assert (
        "7 is more than the 1 marks question 2 is worth."
        in page.locator(f"#e-{first.pk}-{q2.pk}").inner_text()
    )
    assert "Not saved" in page.locator("#grid-status").inner_text()
    screenshot(page, "marks-refused-in-place-tablet")

    page.keyboard.type("1")  # now in Q3
    page.keyboard.press("ArrowLeft")  # back to Q2 to put it right
    page.keyboard.type("1")
    page.keyboard.press("Enter")  # saves and moves down to the next pupil's Q2
    page.keyboard.type("0")
    page.keyboard.press("Tab")
    page.wait_for_function(
        "() => document.querySelectorAll('input.is-saved').length >= 4"
        " && !document.querySelector('[aria-busy]')"
    )
    assert bad.get_attribute("aria-invalid") == "false"
    assert page.js_errors == []
    marks = {(m.pupil_id, m.question_id): m.marks for m in Mark.objects.filter(assessment=test)}
    assert marks[(first.pk, q1.pk)] == 0
    assert marks[(first.pk, q2.pk)] == 1
    assert marks[(first.pk, q3.pk)] == 1
    assert marks[(second.pk, q2.pk)] == 0
    total = sum(m for (p, _q), m in marks.items() if p == first.pk)
    assert page.locator(f"#total-{first.pk}").inner_text() == str(total)
    screenshot(page, "marks-grid-tablet")

    page.get_by_role("link", name="Question analysis").first.click()
    page.wait_for_load_state("networkidle")
    main = page.locator("main").inner_text()
    assert "Facility per question: 4 Oak" in main
    assert "Objectives to reteach" in main and "Y4-MD-06" in main
    assert page.locator("figure svg rect.bar, figure svg rect.bar-below").count() == 12
    screenshot(page, "analysis-tablet")
    page.get_by_label("Pupils", exact=True).select_option(label="Group: Triangles (4 Oak)")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text(
        "Facility per question: Triangles (4 Oak)", use_inner_text=True
    )
    no_sideways_scroll(page, 820)
    assert page.js_errors == []


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_the_analysis_and_a_refused_upload_read_well(page_for: Any, viewport: str) -> None:
    test = Assessment.objects.get(name=demo.MULTIPLICATION_TEST)
    page = page_for(viewport)
    sign_in(page, "teacher")
    page.goto(f"{page.base_url}/school/990101/assessments/{test.pk}/analysis/")
    screenshot(page, f"analysis-{viewport}")
    no_sideways_scroll(page, 1366 if viewport == "laptop" else 390)
    page.goto(f"{page.base_url}/school/990101/assessments/{test.pk}/marks/upload/")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "marks.csv"
        path.write_text("UPN,Q1,Q2,Q99\nXX000,1,1,\n", encoding="utf-8")
        page.get_by_label("Marks file (CSV or Excel)").set_input_files(str(path))
        page.get_by_role("button", name="Check and save").click()
        page.wait_for_load_state("networkidle")
    problems = page.locator("#upload-problems").inner_text()
    assert "The file was not saved: 2 cells need fixing." in problems
    assert "No pupil with UPN XX000" in problems and "There is no question 'Q99'" in problems
    screenshot(page, f"upload-refused-{viewport}")
    # The refused file is answered 422 (Unprocessable Content), which the console reports.
    assert [e for e in page.js_errors if "status of 422" not in e] == []


def test_amara_sees_her_new_personal_best_on_a_phone_and_the_class_sees_only_counts(
    page_for: Any,
) -> None:
    page = page_for("phone")
    sign_in(page, "pupil")
    page.locator("summary", has_text="My personal bests").click()
    page.get_by_role("link", name="My timed challenges and tests, against my own best").click()
    page.wait_for_load_state("networkidle")
    main = page.locator("main").inner_text()
    assert "New personal best! 38 in 3 minutes (last best 35)" in main
    assert "My scores and my best so far" in main
    screenshot(page, "personal-best-phone")
    no_sideways_scroll(page, 390)
    assert page.js_errors == []

    teacher = page_for("laptop")
    sign_in(teacher, "teacher")
    teacher.goto(f"{teacher.base_url}/school/990101/assessments/challenges/")
    teacher.get_by_role("link", name="4 Oak").first.click()
    teacher.wait_for_load_state("networkidle")
    expect(teacher.locator("main")).to_contain_text(
        "beat their own best this week", use_inner_text=True
    )
    screenshot(teacher, "challenge-class-laptop")
    teacher.goto(f"{teacher.base_url}/school/990101/assessments/pupils/{_amara_pk()}/")
    screenshot(teacher, "personal-best-laptop")
    assert teacher.js_errors == []


def _amara_pk() -> int:
    from nextsteps.people.models import Pupil

    return Pupil.objects.get(user__username="pupil").pk
