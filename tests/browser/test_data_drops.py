"""Data drops in a browser: a head of department on a laptop schedules a point a fortnight
would not separate from another and is warned, with the dates, before it is saved; then the
workload page on a phone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_accessibility import AXE_SOURCE, check_page

KINGSMEAD = "/school/990102"


def year_start() -> int:
    today = timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


@pytest.fixture
def geography(demo: Any) -> Iterator[tuple[str, int]]:
    """The head of Geography, able to sign in, and one Geography point of this test's own
    (removed afterwards with any the test adds, so other journeys find the demo as it was)."""
    from django.conf import settings

    from nextsteps.accounts.models import Membership, Role
    from nextsteps.markbook.models import AssessmentPoint
    from nextsteps.markbook.services import assessment_point_create

    membership = Membership.objects.select_related("user", "department").get(
        school__urn=990102, role=Role.HOD, department__name="Geography"
    )
    user, department = membership.user, membership.department
    assert department is not None
    user.set_password(settings.NEXTSTEPS_DEMO_PASSWORD)
    user.save()
    own = ("Geography baseline quiz", "Geography fieldwork write-up")
    AssessmentPoint.objects.filter(department=department, name__in=own).delete()
    assessment_point_create(
        school_id=department.school_id,
        name=own[0],
        date=dt.date(year_start(), 10, 5),
        by=None,
        department_id=department.pk,
    )
    yield user.username, department.pk
    AssessmentPoint.objects.filter(department=department, name__in=own).delete()


def test_a_head_of_department_is_warned_before_saving_a_point_too_close(
    page_for: Any, geography: tuple[str, int]
) -> None:
    username, department_id = geography
    year = year_start()
    page = page_for("laptop")
    page.context.add_init_script(path=str(AXE_SOURCE))  # the CSP refuses injected scripts
    sign_in(page, username)
    page.goto(page.base_url + f"{KINGSMEAD}/markbook/points/")
    page.get_by_label("Name").fill("Geography fieldwork write-up")
    page.get_by_label("Date").fill(f"{year}-10-15")
    page.get_by_label("Department").select_option(str(department_id))
    page.get_by_role("button", name="Add").click()
    page.wait_for_load_state("networkidle")
    warning = page.locator("#drop-pending")
    assert "5 Oct" in warning.inner_text()
    assert f"5 Oct {year} and 15 Oct {year} are 10 days apart" in warning.inner_text()
    assert "at least 14 days between drops" in warning.inner_text()
    screenshot(page, "drops-points-warning-laptop")
    assert check_page(page, username) == []  # the warning before saving passes axe too
    # Nothing is saved until they choose to add it anyway.
    assert "Geography fieldwork write-up" not in page.locator("table").inner_text()
    page.get_by_role("button", name="Add it anyway").click()
    page.wait_for_load_state("networkidle")
    table = page.locator("table").inner_text()
    assert "Geography fieldwork write-up" in table
    listed = page.get_by_role("region", name="Data drops to look at").inner_text()
    assert f"5 Oct {year} and 15 Oct {year} are 10 days apart" in listed
    screenshot(page, "drops-points-list-laptop")
    assert not page.js_errors  # type: ignore[attr-defined]

    phone = page_for("phone")
    sign_in(phone, username)
    phone.goto(phone.base_url + f"{KINGSMEAD}/policy/workload/")
    main = phone.locator("main").inner_text()
    assert "Geography" in main
    assert f"5 Oct {year} and 15 Oct {year} are 10 days apart" in main
    assert "Whole school" not in main  # a head of department sees their own department
    screenshot(phone, "drops-workload-phone")
    assert not phone.js_errors  # type: ignore[attr-defined]


def test_a_leader_sees_every_department_and_the_whole_school_on_a_phone(page_for: Any) -> None:
    phone = page_for("phone")
    sign_in(phone, "leader")
    phone.goto(phone.base_url + f"{KINGSMEAD}/policy/workload/")
    main = phone.locator("main").inner_text()
    assert "Whole school" in main
    assert "Two drops within a fortnight" in main  # Science, from the demo
    assert "Making data work" in main
    screenshot(phone, "drops-workload-leader-phone")
