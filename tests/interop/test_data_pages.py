from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from nextsteps.api.models import ApiToken
from nextsteps.interop.kernels.oneroster import OneRosterSet
from nextsteps.interop.models import ImportRun
from nextsteps.interop.oneroster_import import oneroster_import
from tests.conftest import Cast


def test_admin_home_links_to_data_in_and_out(cast: Cast) -> None:
    page = cast.client("admin").get(f"/school/{cast.primary.urn}/admin/")
    assert f"/school/{cast.primary.urn}/data/".encode() in page.content


def test_oneroster_export_downloads_a_zip_that_imports_back_changing_nothing(cast: Cast) -> None:
    response = cast.client("admin").get(
        f"/school/{cast.primary.urn}/data/oneroster/export.zip?version=1.2"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert {"manifest.csv", "users.csv", "enrollments.csv", "roles.csv"} <= set(names)
    summary = oneroster_import(source=OneRosterSet.from_zip(response.content, "x.zip"), by=None)
    assert not any(c.created or c.updated for c in summary.counts.values()), summary.lines()


def test_oneroster_upload_dry_run_shows_a_summary(cast: Cast) -> None:
    client = cast.client("admin")
    export = client.get(f"/school/{cast.primary.urn}/data/oneroster/export.zip").content
    upload = SimpleUploadedFile("set.zip", export, content_type="application/zip")
    response = client.post(
        f"/school/{cast.primary.urn}/data/oneroster/import/", {"file": upload, "dry_run": "on"}
    )
    assert response.status_code == 200
    assert b"Dry run" in response.content
    assert ImportRun.objects.filter(school=cast.primary, outcome="dry_run").exists()


def test_a_refused_upload_lists_problems_and_offers_the_report(cast: Cast) -> None:
    client = cast.client("admin")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.csv", "propertyName,value\r\noneroster.version,9\r\n")
    upload = SimpleUploadedFile("bad.zip", buffer.getvalue(), content_type="application/zip")
    response = client.post(f"/school/{cast.primary.urn}/data/oneroster/import/", {"file": upload})
    assert response.status_code == 422
    assert (
        b"manifest.csv" in response.content
        and b"oneroster.version must be 1.1 or 1.2" in response.content
    )
    report = client.get(f"/school/{cast.primary.urn}/data/problems.csv")
    assert b"oneroster.version must be 1.1 or 1.2" in report.content
    assert client.get(f"/school/{cast.primary.urn}/data/problems.xlsx").status_code == 200


def test_spreadsheet_flow_maps_previews_and_imports(cast: Cast) -> None:
    client = cast.client("admin")
    sheet = b"UPN,Legal Surname,Legal Forename,Date of Birth,Year Group\r\n" + (
        cast.amara.upn.encode() + b",Hughes,Amara,2017-05-01,4\r\n"
    )
    upload = SimpleUploadedFile("p.csv", sheet, content_type="text/csv")
    url = f"/school/{cast.primary.urn}/data/spreadsheet/"
    first = client.post(url, {"kind": "pupils", "file": upload})
    assert first.status_code == 302
    mapping = client.get(url)
    assert b"Match the columns" in mapping.content and b"Hughes" in mapping.content
    chosen = {
        "map_upn": "UPN",
        "map_legal_surname": "Legal Surname",
        "map_legal_forename": "Legal Forename",
        "map_date_of_birth": "Date of Birth",
        "map_year_group": "Year Group",
    }
    dry = client.post(url, {**chosen, "action": "dry_run"})
    assert b"Dry run" in dry.content
    done = client.post(url, {**chosen, "action": "import"})
    assert done.status_code == 200 and b"1 updated" in done.content


def test_tokens_are_created_listed_and_revoked_in_the_page(cast: Cast) -> None:
    client = cast.client("admin")
    url = f"/school/{cast.primary.urn}/data/tokens/"
    created = client.post(url, {"name": "Trust analytics"})
    token = ApiToken.objects.get(user__username="admin", name="Trust analytics")
    assert (
        token.prefix.encode() in created.content and b"will not be shown again" in created.content
    )
    revoked = client.post(f"/school/{cast.primary.urn}/data/tokens/{token.pk}/revoke/")
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_someone_elses_token_cannot_be_revoked(cast: Cast) -> None:
    from nextsteps.api.services import token_create

    token, _ = token_create(user=cast.user("admin"), name="mine", by=None)
    response = cast.client("teacher").post(
        f"/school/{cast.primary.urn}/data/tokens/{token.pk}/revoke/"
    )
    assert response.status_code == 404


def test_ctf_export_from_the_page(cast: Cast) -> None:
    response = cast.client("admin").get(
        f"/school/{cast.primary.urn}/data/ctf/export.xml?pupil={cast.amara.pk}"
    )
    assert response.status_code == 200 and cast.amara.upn.encode() in response.content
