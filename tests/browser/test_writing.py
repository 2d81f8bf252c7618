"""6 Oak's teacher judges KS2 writing: links a new piece of writing to the statements still
without evidence and sees the rule's outcome change (laptop); the pupil's grid on a tablet."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, screenshot, sign_in

pytestmark = pytest.mark.browser


def _part_way_pupil(django_db_blocker: Any) -> tuple[int, int, str]:
    """A pupil of 6 Oak made for this test: all of WTS evidenced but statements 6 and 7."""
    from nextsteps.people.models import Pupil
    from nextsteps.people.services import pupil_create
    from nextsteps.people.upn import upn_make
    from nextsteps.teaching.models import Class, Enrolment
    from nextsteps.writing import selectors, services
    from tests.conftest import load_cast

    with django_db_blocker.unblock():
        cast = load_cast()
        six_oak = (
            Class.objects.filter(school=cast.primary, name="6 Oak")
            .select_related("academic_year")
            .order_by("-academic_year__starts_on")
            .first()
        )
        serial = 900 + Pupil.objects.filter(legal_surname="Writer").count()
        pupil = pupil_create(
            school=cast.primary,
            upn=upn_make(la=850, estab=2101, year=15, serial=serial),
            by=None,
            legal_forename=f"Maya{serial}",
            legal_surname="Writer",
            date_of_birth=dt.date(2015, 5, 1),
            gender="F",
            year_group=6,
            admission_date=dt.date(2019, 9, 4),
        )
        Enrolment.objects.create(
            school=cast.primary,
            pupil=pupil,
            teaching_class=six_oak,
            starts_on=six_oak.academic_year.starts_on,
        )
        framework = selectors.framework_of(six_oak)
        found = selectors.statements(cast.primary, framework)
        services.piece_record(
            school=cast.primary,
            pupil=pupil,
            edition=framework.edition,
            title="Instructions for a paper aeroplane",
            written_on=dt.date(2026, 11, 2),
            statement_ids=[s.pk for s in found if s.standard == "WTS" and s.number < 6],
            by=None,
        )
        return cast.primary.urn, six_oak.pk, pupil.pk


def test_year6_teacher_links_evidence_and_sees_the_outcome(
    page_for: Any, django_db_blocker: Any
) -> None:
    urn, class_id, pupil_id = _part_way_pupil(django_db_blocker)
    page = page_for("laptop")
    sign_in(page, "year6")
    page.goto(page.base_url + f"/school/{urn}/writing/classes/{class_id}/")
    assert "not to be used to track" in page.locator("main").inner_text()
    page.goto(page.base_url + f"/school/{urn}/writing/classes/{class_id}/pupils/{pupil_id}/")
    assert "No standard met yet" in page.locator("#rule-outcome").inner_text()
    page.get_by_label("Title").fill("Diary of an evacuee")
    form = page.locator("form", has=page.get_by_role("button", name="Add the piece"))
    form.locator("fieldset", has_text="WTS").get_by_label("6.", exact=False).check()
    form.locator("fieldset", has_text="WTS").get_by_label("7.", exact=False).check()
    form.get_by_role("button", name="Add the piece").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#rule-outcome")).to_contain_text("WTS", use_inner_text=True)
    expect(page.get_by_text("Added “Diary of an evacuee”.")).to_be_visible()
    assert page.js_errors == []
    screenshot(page, "writing-pupil-laptop")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["laptop"][0]


@pytest.mark.parametrize("viewport", ["tablet", "phone"])
def test_the_pupil_grid_reads_on_a_tablet_and_phone(
    page_for: Any, django_db_blocker: Any, viewport: str
) -> None:
    from nextsteps.teaching.models import Class
    from nextsteps.teaching.selectors import class_pupils

    with django_db_blocker.unblock():
        six_oak = Class.objects.filter(name="6 Oak").order_by("-academic_year__starts_on").first()
        pupil = class_pupils(six_oak)[2]  # EXS with a particular weakness (demo)
        urn = six_oak.school.urn
    page = page_for(viewport)
    sign_in(page, "year6")
    page.goto(page.base_url + f"/school/{urn}/writing/classes/{six_oak.pk}/pupils/{pupil.pk}/")
    assert "EXS" in page.locator("#rule-outcome").inner_text()
    assert "particular weakness" in page.locator("#rule-outcome").inner_text()
    screenshot(page, f"writing-pupil-{viewport}")
    page.goto(page.base_url + f"/school/{urn}/writing/classes/{six_oak.pk}/")
    screenshot(page, f"writing-class-{viewport}")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport][0]
