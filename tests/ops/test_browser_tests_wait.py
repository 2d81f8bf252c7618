"""Browser tests wait for what they check.

`locator.is_visible()` answers at once: asserted straight after a click that loads a page, it
reads the page before the new one arrives and fails only on a busy machine. Browser tests use
Playwright's `expect(...)`, which waits, so that no journey passes or fails on timing.
"""

from __future__ import annotations

import ast
from pathlib import Path

BROWSER_TESTS = Path(__file__).resolve().parents[1] / "browser"


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
    found = [
        f"{path.name}:{line}"
        for path in sorted(BROWSER_TESTS.glob("*.py"))
        for line in unwaited_checks(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "use expect(locator).to_be_visible() / to_be_hidden(): " + ", ".join(found)
