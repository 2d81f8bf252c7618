"""Journey 6: the data manager imports a OneRoster export with a dry run first, sees each problem
by file, line and column, makes an API token, and reads the API docs (served locally)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import screenshot, sign_in


@pytest.mark.parametrize("viewport", ["laptop", "tablet", "phone"])
def test_data_manager_reaches_data_in_and_out_from_home(page_for: Any, viewport: str) -> None:
    page = page_for(viewport)
    sign_in(page, "admin")
    page.get_by_role("link", name="Data in and out").click()
    page.wait_for_load_state("networkidle")
    assert "OneRoster" in page.locator("main").inner_text()
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
    assert "Dry run" in page.locator("main").inner_text()
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
    assert "copy it now" in page.locator("main").inner_text()
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
    assert "Match the columns" in page.locator("main").inner_text()
    screenshot(page, "interop-sheet-map-tablet")
