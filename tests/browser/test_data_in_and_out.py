"""Journey 6: the data manager imports a OneRoster export with a dry run first, sees each problem
by file, line and column, makes an API token, and reads the API docs (served locally)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_accessibility import AXE_SOURCE, check_page


@pytest.mark.parametrize("viewport", ["laptop", "tablet", "phone"])
def test_data_manager_reaches_data_in_and_out_from_home(page_for: Any, viewport: str) -> None:
    page = page_for(viewport)
    sign_in(page, "admin")
    page.get_by_role("link", name="Data in and out").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text("OneRoster", use_inner_text=True)
    assert page.js_errors == []
    screenshot(page, f"interop-home-{viewport}")


def test_data_manager_dry_runs_the_demo_export_and_then_a_broken_set(
    page_for: Any, tmp_path: Path
) -> None:
    page = page_for("laptop")
    sign_in(page, "admin")
    page.goto(page.base_url + "/school/990101/data/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download OneRoster 1.2 (.zip)").click()
    exported = tmp_path / "export.zip"
    download.value.save_as(exported)
    page.get_by_label("OneRoster file set (.zip)").set_input_files(str(exported))
    page.get_by_role("button", name="Check or import").first.click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text("Dry run", use_inner_text=True)
    screenshot(page, "interop-dry-run-laptop")

    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(exported) as source, zipfile.ZipFile(broken, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "users.csv":
                lines = data.split(b"\r\n")
                lines[3] = re.sub(rb"^([^,]*,[^,]*,[^,]*,)(true|false),", rb"\1maybe,", lines[3])
                data = b"\r\n".join(lines)
            if name == "classes.csv":
                data = data.replace(b"classType", b"type", 1)
            target.writestr(name, data)
    page.goto(page.base_url + "/school/990101/data/")
    page.get_by_label("OneRoster file set (.zip)").set_input_files(str(broken))
    page.get_by_role("button", name="Check or import").first.click()
    page.wait_for_load_state("networkidle")
    text = page.locator("main").inner_text()
    assert "Nothing was imported" in text and "classes.csv" in text and "classType" in text
    assert "'maybe' must be true or false" in text  # other files' rows are still checked
    screenshot(page, "interop-problems-laptop")


def test_data_manager_makes_a_token_and_opens_the_api_docs(page_for: Any) -> None:
    page = page_for("laptop")
    sign_in(page, "admin")
    page.goto(page.base_url + "/school/990101/data/tokens/")
    page.get_by_label("What the token is for").fill("Trust analytics")
    page.get_by_role("button", name="Make a token").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text("copy it now", use_inner_text=True)
    screenshot(page, "interop-tokens-laptop")
    page.goto(page.base_url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    assert page.locator(".opblock").count() >= 10
    assert page.js_errors == []
    screenshot(page, "api-docs-laptop")


def test_spreadsheet_mapping_page(page_for: Any, tmp_path: Path) -> None:
    page = page_for("tablet")
    sign_in(page, "admin")
    sheet = tmp_path / "pupils.csv"
    buffer = io.StringIO()
    buffer.write("UPN,Legal Surname,Legal Forename,Date of Birth,Year Group,SEN Status,FSM,EAL\r\n")
    buffer.write("H990101000003,Smith,Ava,03/05/2017,Year 4,SEN Support,Y,N\r\n")
    sheet.write_text(buffer.getvalue())
    page.goto(page.base_url + "/school/990101/data/")
    page.get_by_label("What the spreadsheet holds").select_option("pupils")
    page.get_by_label("Spreadsheet (.csv or .xlsx)").set_input_files(str(sheet))
    page.get_by_role("button", name="Next: match the columns").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text("Match the columns", use_inner_text=True)
    screenshot(page, "interop-sheet-map-tablet")


def test_a_row_naming_another_child_under_a_pupils_upn_is_shown_and_never_applied(
    page_for: Any, tmp_path: Path
) -> None:
    """Journey 9's promise: a UPN that matches Amara but names another child leaves Amara as she
    is; the dry run shows the conflict and each change field by field; the rest applies only
    when Ms Patel chooses."""
    from nextsteps.people.models import Pupil
    from nextsteps.teaching.models import Enrolment

    amara = Pupil.objects.get(school__urn=990101, legal_forename="Amara", legal_surname="Hughes")
    classmate = (
        Pupil.objects.filter(enrolments__teaching_class__name="4 Oak", year_group=4)
        .exclude(pk=amara.pk)
        .order_by("legal_surname", "legal_forename")
        .first()
    )
    assert classmate is not None
    judgements_before = amara.judgements.count()
    sheet = tmp_path / "pupils.csv"
    dob = classmate.date_of_birth.strftime("%d/%m/%Y")
    sheet.write_text(
        "UPN,Legal Surname,Legal Forename,Date of Birth,Year Group\r\n"
        f"{amara.upn},Davies,Lily,09/07/2016,Year 4\r\n"
        f"{classmate.upn},{classmate.legal_surname},{classmate.legal_forename},{dob},Year 5\r\n"
    )
    page = page_for("laptop")
    sign_in(page, "admin")
    page.goto(page.base_url + "/school/990101/data/")
    page.get_by_label("What the spreadsheet holds").select_option("pupils")
    page.get_by_label("Spreadsheet (.csv or .xlsx)").set_input_files(str(sheet))
    page.get_by_role("button", name="Next: match the columns").click()
    page.get_by_role("button", name="Dry run").click()
    main = page.locator("main").inner_text()
    assert amara.upn in main
    assert "Amara Hughes" in main and "Lily Davies (born 2016-07-09)" in main
    assert "→ 5" in main
    screenshot(page, "interop-identity-conflict-laptop")

    page.get_by_role("button", name="Apply the rest").click()
    page.wait_for_load_state("networkidle")
    amara.refresh_from_db()
    classmate.refresh_from_db()
    assert (amara.legal_forename, amara.legal_surname) == ("Amara", "Hughes")
    assert amara.judgements.count() == judgements_before
    assert classmate.year_group == 5
    screenshot(page, "interop-identity-applied-laptop")
    # Put the classmate back for the journeys after this one.
    Pupil.objects.filter(pk=classmate.pk).update(year_group=4)
    assert Enrolment.objects.filter(pupil=amara).exists()


@pytest.mark.parametrize("viewport", ["laptop", "tablet", "phone"])
def test_a_oneroster_set_without_the_schools_urn_asks_which_org_it_is(
    page_for: Any, viewport: str, tmp_path: Path
) -> None:
    """Issue 18: a OneRoster 1.1 set whose school org has its own code, not a URN, and rows
    ending in an empty value: the page asks which org is this school, then the dry run reads
    the trailing values with a warning naming the file and line. Nothing is written."""
    fixture = Path(__file__).parents[1] / "interop" / "fixtures" / "oneroster11_sample_shape"
    upload = tmp_path / "riverside.zip"
    with zipfile.ZipFile(upload, "w") as archive:
        for path in sorted(fixture.glob("*.csv")):
            archive.writestr(path.name, path.read_bytes())
    page = page_for(viewport)
    page.context.add_init_script(path=str(AXE_SOURCE))
    sign_in(page, "admin")
    page.goto(page.base_url + "/school/990101/data/")
    page.get_by_label("OneRoster file set (.zip)").set_input_files(str(upload))
    page.get_by_role("button", name="Check or import").first.click()
    page.wait_for_load_state("networkidle")
    text = page.locator("main").inner_text()
    assert "Which org is this school?" in text
    assert "Nothing has been imported yet" in text
    assert check_page(page, "admin") == []
    screenshot(page, f"interop-oneroster-which-org-{viewport}")
    page.get_by_label("Riverside Primary School").check()
    page.get_by_label("OneRoster file set (.zip)").set_input_files(str(upload))
    assert page.get_by_label("Dry run: check and count, change nothing").is_checked()
    page.get_by_role("button", name="Check or import").click()
    page.wait_for_load_state("networkidle")
    text = page.locator("main").inner_text()
    assert "Dry run" in text, text[:1500]
    assert "users.csv, line 3: 1 empty value after the last column was ignored" in text
    assert page.js_errors == []
    screenshot(page, f"interop-oneroster-trailing-values-{viewport}")
