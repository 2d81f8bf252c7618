"""Browser tests: Playwright driving Debian's Chromium against a live server.

When Chromium is missing the tests are skipped, and the run ends with a loud banner saying so.
Screenshots go to `screenshots/` at the repository root (not committed) for people to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("NEXTSTEPS_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Voice notes: a fake microphone (a steady beep) that needs no prompt, and playback that
    # may start from a script. Pages that record nothing are unaffected.
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]
VIEWPORTS = {"phone": (390, 844), "tablet": (820, 1180), "laptop": (1366, 900)}

# Playwright's sync API keeps an event loop running in this thread; the ORM calls the tests
# make to set up data are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if "Chromium" in str(getattr(report, "longrepr", ""))
    ]
    if skipped:
        terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(
            f"{len(skipped)} browser tests did not run: Chromium was not found at {CHROMIUM}. "
            "Install it with: apt-get install -y chromium",
            red=True,
            bold=True,
        )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def app_server(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    """One live server for the whole run, over the test database the cast was built in.

    The cast is built once (see `tests/conftest.py`) and committed, so the server's threads see
    it. Browser tests do not flush the database between them: each journey works on the demo
    as a newcomer would find it after the journeys before it, which is what the demo is for.
    """
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        server = LiveServer("localhost:0")
        server._live_server_modified_settings.enable()
        yield server
        server._live_server_modified_settings.disable()
        server.stop()


@pytest.fixture
def demo(app_server: Any, django_db_blocker: Any) -> Iterator[Any]:
    """The live server, with database access (autocommit) for the test's own set-up."""
    with django_db_blocker.unblock():
        yield app_server


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Any:
    report = yield
    if report.when == "call":
        item.failed_call = report.failed  # type: ignore[attr-defined]
    return report


@pytest.fixture
def page_for(request: pytest.FixtureRequest, browser: Any, demo: Any) -> Iterator[Any]:
    """Open a page at a viewport size: page_for("tablet"); page_for("tablet", ["microphone"])
    grants the page those permissions (the fake microphone the browser is launched with);
    page_for("phone", javascript=False), a browser with JavaScript turned off."""
    contexts = []
    pages: list[Any] = []

    def open_page(
        viewport: str = "laptop", permissions: list[str] | None = None, *, javascript: bool = True
    ) -> Any:
        width, height = VIEWPORTS[viewport]
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="en-GB",
            permissions=permissions or [],
            java_script_enabled=javascript,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base_url = demo.url  # type: ignore[attr-defined]
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda message: errors.append(message.text) if message.type == "error" else None,
        )
        page.js_errors = errors  # type: ignore[attr-defined]
        pages.append(page)
        return page

    yield open_page
    if getattr(request.node, "failed_call", False):
        for index, page in enumerate(pages):
            screenshot(page, f"FAILED-{request.node.name}-{index}")
    for context in contexts:
        context.close()


def sign_in(page: Any, username: str, password: str = "nextsteps-demo") -> None:  # noqa: S107
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def empty_column(four_oak: Any, pupils: list[Any]) -> Any:
    """A Year 4 objective on the class's mathematics markbook with no evidence yet for these
    pupils, so a journey's standings are the ones its own presses make. Journeys that fill a
    column each take the first one still empty: whichever of them share a browser worker, and
    in whatever order, none finds its column already filled by another."""
    from nextsteps.curriculum.models import Objective
    from nextsteps.markbook.models import Judgement

    shown = Objective.objects.get(framework__school=four_oak.school, code="Y4-ST-01")
    candidates = Objective.objects.filter(framework=shown.framework, year_group=4)
    return next(
        objective
        for objective in candidates.order_by("position")
        if not Judgement.objects.filter(objective=objective, pupil__in=pupils).exists()
    )
