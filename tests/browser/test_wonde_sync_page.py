"""Journey 9: the data manager syncs from Wonde on the data page and sees what changed and the
one conflict, not applied (against a local Wonde server, never the internet)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import screenshot, sign_in
from tests.interop.wonde_server import TOKEN, WondeData, WondeServer, build_school

URN = 990779


@pytest.fixture
def synced_school(demo: Any, settings: Any) -> Iterator[Any]:
    """A school of the data manager's own, with a pupil whose UPN Wonde gives to someone else."""
    from nextsteps.accounts.models import Membership, Role, User
    from nextsteps.people.models import Pupil
    from nextsteps.schools.models import School

    school = School.objects.create(urn=URN, name="Ashby Vale Academy", phase="secondary")
    Membership.objects.create(
        user=User.objects.get(username="admin"), school=school, role=Role.ADMIN
    )
    data = build_school(WondeData(urn=URN), pupils=30, per_class=15, staff=6)
    record = data.lists["students"][4]
    Pupil.objects.create(
        school=school,
        upn=record["education_details"]["data"]["upn"],
        legal_forename="Omar",
        legal_surname="Harris",
        date_of_birth=dt.date(2012, 3, 3),
        gender="M",
        year_group=8,
        admission_date=dt.date(2023, 9, 1),
    )
    with WondeServer(data) as server:
        settings.WONDE_API_URL, settings.WONDE_TOKEN = server.url, TOKEN
        yield school
    from nextsteps.audit.models import AuditEvent
    from nextsteps.teaching.models import Class

    Class.objects.filter(school=school).delete()  # classes protect their academic year
    AuditEvent.objects.filter(school=school).delete()
    school.delete()


@pytest.mark.parametrize("viewport", ["laptop", "tablet", "phone"])
def test_sync_now_shows_what_changed_and_the_conflict(
    page_for: Any, synced_school: Any, viewport: str
) -> None:
    page = page_for(viewport)
    sign_in(page, "admin")
    page.goto(page.base_url + f"/school/{URN}/data/")
    page.get_by_role("button", name="Sync now").click()
    page.wait_for_load_state("networkidle")
    text = page.locator("main").inner_text()
    assert "Last sync" in text
    assert "Not applied: 1 pupil" in text and "Omar Harris (born 2012-03-03)" in text
    assert page.js_errors == []
    page.locator("#wonde-heading").scroll_into_view_if_needed()
    screenshot(page, f"wonde-sync-{viewport}")
