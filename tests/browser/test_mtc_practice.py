"""A year 4 pupil practises for the multiplication tables check on a tablet with the on-screen
number pad (and a keyboard), then Ms Okafor reads the class fact map on a laptop.

Time in the page is Playwright's clock, paused once the questions begin: the check's
real 6-second limit and 3-second pause (from the check's rules) are kept, and only the test
moves the clock past them. A busy machine can therefore never run a question out of time, and
every answering time the page records is exactly the time the test let pass.
The server's own check that the answering time fits the time since the practice began uses
the server's clock, so the test dates the practice's start ten minutes back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from playwright.sync_api import expect

from nextsteps.mtc.models import AccessArrangements, PracticeAnswer, PracticeAttempt
from nextsteps.people.models import Pupil
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_accessibility import AXE_RUN, AXE_SOURCE, FAILING_IMPACTS, WCAG_TAGS

URN = 990101


def amara() -> Pupil:
    return Pupil.objects.get(school__urn=URN, user__username="pupil")


def arrange(**choices: Any) -> None:
    pupil = amara()
    AccessArrangements.objects.update_or_create(
        pupil=pupil,
        defaults={
            "school_id": pupil.school_id,
            "next_button": False,
            "large_text": False,
            "colours": "standard",
            **choices,
        },
    )


def axe_violations(page: Any) -> list[Any]:
    """axe-core's serious and critical violations (axe is loaded into every page beforehand)."""
    return page.evaluate(AXE_RUN, [WCAG_TAGS, FAILING_IMPACTS])  # type: ignore[no-any-return]


def start_practice(page: Any) -> PracticeAttempt:
    page.goto(f"{page.base_url}/school/{URN}/mtc/")
    page.get_by_role("button", name="Start a practice").click()
    page.wait_for_selector("#mtc-check.is-live")
    attempt = PracticeAttempt.objects.filter(pupil=amara()).latest("pk")
    # The server's clock is real, the page's is Playwright's: date the start back.
    PracticeAttempt.objects.filter(pk=attempt.pk).update(
        started_at=attempt.started_at - dt.timedelta(minutes=10)
    )
    return attempt


def freeze(page: Any) -> None:
    """From here the page's time moves only when the test moves it (axe needs it running)."""
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 1)


def question(page: Any) -> tuple[int, int]:
    text = page.locator("[data-question]").inner_text()
    a, b = text.replace("=", "").split("×")
    return int(a), int(b)


def tap(page: Any, digits: str) -> None:
    for digit in digits:
        page.locator(f'.mtc-pad [data-key="{digit}"]').click()


def test_a_pupil_practises_on_a_tablet_then_the_teacher_reads_the_class_map(
    page_for: Any,
) -> None:
    arrange()
    page = page_for("tablet")
    page.context.add_init_script(path=str(AXE_SOURCE))
    page.clock.install()
    sign_in(page, "pupil")
    page.locator("summary", has_text="My personal bests").click()
    page.get_by_role("link", name="Times tables check practice").click()
    expect(page.get_by_role("heading", name="My best so far")).to_be_visible()
    screenshot(page, "mtc-home-tablet")
    attempt = start_practice(page)
    expect(page.get_by_role("heading", name="Ready?")).to_be_visible()
    expect(page.locator("form.mtc-plain")).to_be_hidden()  # the untimed form is for no script
    assert axe_violations(page) == []
    screenshot(page, "mtc-practice-intro-tablet")
    page.get_by_role("button", name="Start the practice questions").click()

    # The practice questions: answered on the pad.
    for n in range(3):
        assert page.locator("[data-progress]").inner_text() == f"Practice question {n + 1} of 3"
        a, b = question(page)
        assert a == 1
        tap(page, str(a * b))
        if n == 0:
            assert page.locator("[data-answer]").inner_text() == str(a * b)
            assert axe_violations(page) == []
            screenshot(page, "mtc-practice-question-tablet")
            freeze(page)
        page.clock.run_for(1200)
        page.locator('.mtc-pad [data-key="Enter"]').click()
        if n < 2:
            expect(page.locator('[data-screen="pause"]')).to_be_visible()
            page.clock.run_for(3000)  # the automatic pause
    page.get_by_role("button", name="Start the questions").click()

    wrong_at, timeout_at, keyboard_at = 4, 9, {2, 12, 20}
    for n in range(25):
        page.wait_for_selector('[data-screen="question"]:not([hidden])')
        assert page.locator("[data-progress]").inner_text() == f"Question {n + 1} of 25"
        a, b = question(page)
        if n == timeout_at:
            tap(page, "1")
            page.clock.run_for(6100)  # runs out of time: the check moves on by itself
        elif n in keyboard_at:
            page.keyboard.type("9")
            page.keyboard.press("Backspace")  # the keyboard's correction
            page.keyboard.type(str(a * b))  # (up to 3 digits: a 4th would be refused)
            page.clock.run_for(2000)
            page.keyboard.press("Enter")
        else:
            tap(page, str(a * b + (1 if n == wrong_at else 0)))
            page.clock.run_for(1500 if n % 2 else 4200)
            page.locator('.mtc-pad [data-key="Enter"]').click()
        if n < 24:
            page.clock.run_for(3000)

    page.clock.resume()
    page.wait_for_url(f"**/mtc/practice/{attempt.pk}/result/")
    assert "I scored 23 out of 25" in page.locator("h1").inner_text()
    expect(page.get_by_role("table", name="Every times table fact")).to_be_visible()
    screenshot(page, "mtc-practice-result-tablet")
    answers = list(PracticeAnswer.objects.filter(attempt=attempt).order_by("position"))
    assert len(answers) == 28
    assert [a.position for a in answers if not a.correct] == [3 + wrong_at, 3 + timeout_at]
    assert answers[3 + timeout_at].timed_out and answers[3 + timeout_at].time_ms == 6000
    assert [answers[n].time_ms for n in (1, 2)] == [1200, 1200]
    assert all(answers[3 + n].time_ms == 2000 for n in keyboard_at)
    assert answers[3].time_ms == 4200 and answers[4].time_ms == 1500
    assert page.js_errors == []

    teacher = page_for("laptop")
    sign_in(teacher, "teacher")
    four_oak = attempt.pupil.enrolments.get(teaching_class__name="4 Oak").teaching_class
    teacher.goto(f"{teacher.base_url}/school/{URN}/classes/{four_oak.pk}/")
    teacher.get_by_role("link", name="Times tables fact map").click()
    teacher.wait_for_load_state("networkidle")
    expect(teacher.get_by_role("heading", name="The facts most pupils need")).to_be_visible()
    table = teacher.get_by_role("table", name="Pupils who do not know each fact yet")
    assert table.locator("tbody tr").count() == 11
    expect(teacher.get_by_role("link", name="Amara Hughes", exact=True)).to_be_visible()
    screenshot(teacher, "mtc-class-fact-map-laptop")
    teacher.get_by_role("link", name="Change the practice screen for Amara Hughes").click()
    teacher.get_by_label("Larger text").check()
    teacher.get_by_label("Black on light blue").check()
    screenshot(teacher, "mtc-arrangements-laptop")
    teacher.get_by_role("button", name="Save").click()
    assert AccessArrangements.objects.get(pupil=amara()).colours == "blue"
    teacher.get_by_role("link", name="Amara Hughes", exact=True).click()
    expect(teacher.locator("h1")).to_contain_text(
        "Amara Hughes's times tables", use_inner_text=True
    )
    screenshot(teacher, "mtc-pupil-fact-map-laptop")
    assert teacher.js_errors == []
    arrange()


def test_answers_are_kept_until_the_server_has_them_and_the_next_button_waits(
    page_for: Any,
) -> None:
    """With the "Next" button, larger text and yellow on black, on a phone and a keyboard;
    the first hand-in fails (no network), the answers stay on the device, and "Try again"
    saves them once."""
    arrange(next_button=True, large_text=True, colours="dark")
    page = page_for("phone")
    page.clock.install()
    sign_in(page, "pupil")
    attempt = start_practice(page)
    freeze(page)
    assert page.locator("#mtc-check.mtc-large.mtc-colours-dark").count() == 1
    page.get_by_role("button", name="Start the practice questions").click()
    for n in range(28):
        a, b = question(page)
        page.keyboard.type(str(a * b))
        if n == 4:
            screenshot(page, "mtc-practice-large-text-phone")
        page.clock.run_for(900)
        if n == 27:
            page.route("**/mtc/practice/*/", lambda route: route.abort())
        page.keyboard.press("Enter")
        if n == 2:
            page.get_by_role("button", name="Start the questions").click()
        elif n < 27:
            page.clock.run_for(10_000)  # no automatic pause: it waits for "Next"
            expect(page.locator('[data-screen="pause"]')).to_be_visible()
            if n == 5:
                screenshot(page, "mtc-practice-next-button-phone")
            page.get_by_role("button", name="Next").click()
    page.wait_for_selector('[data-action="retry"]:not([hidden])')
    assert "not saved yet" in page.locator("[data-saving]").inner_text()
    kept = page.evaluate(f"window.localStorage.getItem('nextsteps.mtc.pending.{attempt.pk}')")
    assert kept and '"answers"' in kept
    assert not PracticeAnswer.objects.filter(attempt=attempt).exists()
    screenshot(page, "mtc-practice-not-saved-phone")
    page.unroute("**/mtc/practice/*/")
    page.get_by_role("button", name="Try again now").click()
    page.wait_for_url(f"**/mtc/practice/{attempt.pk}/result/")
    assert PracticeAnswer.objects.filter(attempt=attempt).count() == 28
    assert page.evaluate("window.localStorage.length") == 0
    assert "I scored 25 out of 25" in page.locator("h1").inner_text()
    screenshot(page, "mtc-practice-result-phone")
    arrange()
