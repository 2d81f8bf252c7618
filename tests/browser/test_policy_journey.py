"""Refocusing assessment in a browser: two departments answer, a leader compares them,
decides and publishes the policy as a PDF; then every policy page at three sizes."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, screenshot, sign_in

KINGSMEAD = "/school/990102"
DECISION = (
    "Three collections a year, each inside a window: the week before the Christmas holiday, "
    "the second half of March and the first week of July."
)


def english_head() -> str:
    """The head of English signs in with the demo password (the demo gives her none)."""
    from django.conf import settings

    from nextsteps.accounts.models import Membership, Role

    user = Membership.objects.get(
        school__urn=990102, role=Role.HOD, department__name="English"
    ).user
    user.set_password(settings.NEXTSTEPS_DEMO_PASSWORD)
    user.save()
    return user.username


def year_dates() -> tuple[str, str, str]:
    today = timezone.localdate()
    start = today.year if today.month >= 9 else today.year - 1
    return f"{start}-12-10", f"{start + 1}-03-18", f"{start + 1}-07-02"


def answer_collection(page: Any, text: str, names: tuple[str, str, str]) -> None:
    page.get_by_role("link", name="When do we collect assessment data?").first.click()
    page.get_by_label("The department's answer").fill(text)
    for index, (name, date) in enumerate(zip(names, year_dates(), strict=True), start=1):
        page.get_by_label(f"Point {index}: name").fill(name)
        page.get_by_label(f"Point {index}: date").fill(date)
    page.get_by_role("button", name="Save and submit to leaders").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text(
        "Submitted for leaders to agree.", use_inner_text=True
    )


def pdf_pages(pdf: bytes, name: str) -> list[str]:
    """Write the PDF and its pages as images (pdftoppm) for people to look at."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is needed to look at the PDF: apt-get install -y poppler-utils")
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.pdf"
    path.write_bytes(pdf)
    for old in SCREENSHOTS.glob(f"{name}-page-*.png"):
        old.unlink()
    subprocess.run(  # noqa: S603 - a fixed tool on a file this test wrote
        ["pdftoppm", "-png", "-r", "60", str(path), str(SCREENSHOTS / f"{name}-page")],  # noqa: S607
        check=True,
    )
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        check=True,
        capture_output=True,
    ).stdout.decode()
    pages = sorted(SCREENSHOTS.glob(f"{name}-page-*.png"))
    assert pages, "pdftoppm made no page images"
    return [text, *[str(p) for p in pages]]


def test_two_departments_answer_a_leader_compares_decides_and_publishes(page_for: Any) -> None:
    english = english_head()

    # The head of English answers on a tablet, with the guidance for English beside it.
    page = page_for("tablet")
    sign_in(page, english)
    page.goto(page.base_url + f"{KINGSMEAD}/policy/")
    assert "English: our approach to assessment" in page.locator("main").inner_text()
    answer_collection(
        page,
        "Three collections, each after a sustained unit of writing, moderated before use.",
        ("Autumn writing", "Spring writing", "Summer writing"),
    )
    screenshot(page, "policy-answer-english-tablet")

    # Mrs Shah revises the agreed maths answer on a laptop: it becomes a submitted revision.
    page = page_for("laptop")
    sign_in(page, "hod")
    page.goto(page.base_url + f"{KINGSMEAD}/policy/")
    answer_collection(
        page,
        "Three collections, at the end of the units that close each term.",
        ("Autumn point", "Spring point", "Summer point"),
    )
    assert "Version 2 saved by" in page.locator("main").inner_text()

    # Mr Adeyemi compares every department's answer, decides and publishes version 2.
    page = page_for("laptop")
    sign_in(page, "leader")
    page.get_by_role("link", name="Assessment policy").first.click()
    page.get_by_role("link", name="Compare and decide").first.click()
    page.get_by_role("link", name="When do we collect assessment data?").click()
    main = page.locator("main")
    assert "Three collections, each after a sustained unit of writing" in main.inner_text()
    assert "Three collections, at the end of the units that close each term." in main.inner_text()
    assert re.search(r"\d+ \w+ \d{4} to \d+ \w+ \d{4} — every department", main.inner_text())
    assert re.search(r"Science plans: 5 drops in \d{4}/\d{2}", main.inner_text())
    screenshot(page, "policy-synthesis-laptop")
    page.get_by_role("textbox", name="Whole-school decision").fill(DECISION)
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state("networkidle")
    expect(main).to_contain_text("The whole-school decision is recorded.", use_inner_text=True)

    page.get_by_role("link", name="Overview").click()
    page.get_by_role("link", name="Preview and publish").click()
    page.wait_for_load_state("networkidle")
    expect(main).to_contain_text(DECISION, use_inner_text=True)
    # Departments with no agreed answer yet are named before anything is published.
    expect(page.get_by_role("heading", name=re.compile("no agreed approach"))).to_be_visible()
    screenshot(page, "policy-publish-warning-laptop")
    page.get_by_role("button", name="Publish version 2 without them").click()
    page.wait_for_load_state("networkidle")
    expect(page).to_have_url(re.compile(re.escape(f"{KINGSMEAD}/policy/published/2/") + "$"))
    assert "version 2, published" in main.inner_text()
    screenshot(page, "policy-published-v2-laptop")

    pdf = page.context.request.get(page.base_url + f"{KINGSMEAD}/policy/published/2/pdf/")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    text, *images = pdf_pages(pdf.body(), "policy-v2")
    assert len(images) >= 3
    flat = " ".join(text.split())
    assert "Assessment policy" in flat
    assert "Version 2 · published" in flat
    assert " ".join(DECISION.split()[:8]) in flat
    assert "Page 1 of" in flat
    assert page.js_errors == []
