"""Browser tests wait for what they check.

`locator.is_visible()` answers at once: asserted straight after a click that loads a page, it
reads the page before the new one arrives and fails only on a busy machine. Browser tests use
Playwright's `expect(...)`, which waits, so that no journey passes or fails on timing.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

BROWSER_TESTS = Path(__file__).resolve().parents[1] / "browser"


def found_in_browser_tests(detector: Callable[[str], list[int]]) -> list[str]:
    """`file:line` for each place a detector finds in the browser tests."""
    return [
        f"{path.name}:{line}"
        for path in sorted(BROWSER_TESTS.glob("*.py"))
        for line in detector(path.read_text(encoding="utf-8"))
    ]


def unwaited_checks(source: str) -> list[int]:
    """Lines where an `assert` reads `.is_visible()` or `.is_hidden()` instead of waiting."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Assert):
            continue
        for inner in ast.walk(node.test):
            if (
                isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Attribute)
                and inner.func.attr in {"is_visible", "is_hidden"}
            ):
                lines.append(node.lineno)
    return lines


def test_the_detector_finds_an_unwaited_check_and_passes_a_waiting_one() -> None:
    sample = (
        "page.click('a')\n"
        "assert page.get_by_role('heading').is_visible()\n"
        "assert not box.is_hidden() and ok\n"
        "expect(page.get_by_role('heading')).to_be_visible()\n"
    )
    assert unwaited_checks(sample) == [2, 3]


def test_no_browser_test_asserts_on_a_check_that_does_not_wait() -> None:
    found = found_in_browser_tests(unwaited_checks)
    assert found == [], "use expect(locator).to_be_visible() / to_be_hidden(): " + ", ".join(found)


# Acting, then reading the page at once. `page.wait_for_load_state()` straight after a click
# answers at once if the click's page has not started to load yet: a check after it can read
# the page that was there before the click (a moderation test failed so on a busy machine).
ACTIONS = {"click", "dblclick", "tap", "press", "check", "uncheck", "select_option", "fill"}
READS = {"inner_text", "text_content", "content", "inner_html", "count", "input_value"}


def _call_name(statement: ast.stmt) -> str | None:
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        function = statement.value.func
        if isinstance(function, ast.Attribute):
            return function.attr
    return None


def _reads_the_page(statement: ast.Assert) -> bool:
    for inner in ast.walk(statement.test):
        if (
            isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Attribute)
            and inner.func.attr in READS
        ):
            return True
        if isinstance(inner, ast.Attribute) and inner.attr == "url":
            return True
    return False


def read_at_once_after_acting(source: str) -> list[int]:
    """Lines where an `assert` reads the page (its text, its URL, a count) right after an
    action, with at most a `wait_for_load_state` between them."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        for body in (getattr(node, "body", None), getattr(node, "orelse", None)):
            if not isinstance(body, list):
                continue
            for index, statement in enumerate(body):
                if _call_name(statement) not in ACTIONS:
                    continue
                following = body[index + 1 : index + 3]
                if following and _call_name(following[0]) == "wait_for_load_state":
                    following = following[1:]
                first = following[0] if following else None
                if isinstance(first, ast.Assert) and _reads_the_page(first):
                    lines.append(first.lineno)
    return lines


def test_the_detector_finds_a_read_straight_after_an_action() -> None:
    sample = (
        "page.get_by_role('button').click()\n"
        "page.wait_for_load_state('networkidle')\n"
        "assert 'Saved' in page.locator('main').inner_text()\n"
        "page.get_by_role('link').click()\n"
        "assert page.url.endswith('/next/')\n"
        "page.get_by_role('link').click()\n"
        "expect(page.locator('main')).to_contain_text('Saved')\n"
        "assert 'Saved' in page.locator('main').inner_text()\n"
        "page.goto('/')\n"
        "assert 'Home' in page.locator('main').inner_text()\n"
    )
    assert read_at_once_after_acting(sample) == [3, 5]


def test_no_browser_test_reads_the_page_straight_after_acting() -> None:
    found = found_in_browser_tests(read_at_once_after_acting)
    assert found == [], (
        "after an action, wait with expect(locator).to_contain_text(...) / to_have_count(...) "
        "or expect(page).to_have_url(...): " + ", ".join(found)
    )
