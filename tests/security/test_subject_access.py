"""The subject access export: everything held about a pupil, in one zip, found generically."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.db import models

from nextsteps.audit.models import AuditEvent
from nextsteps.markbook.models import Attachment, Judgement
from nextsteps.people.models import Pupil
from nextsteps.security.pupil_data import pupil_data
from nextsteps.security.sar import subject_access_export
from tests.conftest import Cast


def export(pupil: Pupil) -> tuple[dict[str, Any], zipfile.ZipFile]:
    buffer = io.BytesIO()
    subject_access_export(pupil=pupil, out=buffer)
    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    return json.loads(archive.read("data.json")), archive


def test_export_holds_every_judgement_its_photo_and_a_readable_summary(
    cast: Cast, photographed: Judgement
) -> None:
    data, archive = export(cast.amara)
    judgements = data["records"]["markbook.judgement"]["rows"]
    assert {row["id"] for row in judgements} == set(
        Judgement.objects.filter(pupil=cast.amara).values_list("pk", flat=True)
    )
    attachment = Attachment.objects.get(judgement=photographed)
    assert [row["id"] for row in data["records"]["markbook.attachment"]["rows"]] == [attachment.pk]
    photo = f"files/markbook.attachment/{attachment.pk}/{Path(attachment.file.name).name}"
    assert archive.read(photo).startswith(b"\x89PNG")
    assert data["pupil"] == {"id": cast.amara.pk, "upn": cast.amara.upn, "name": "Amara Hughes"}
    summary = archive.read("summary.html").decode()
    assert "Information held about Amara Hughes" in summary
    assert "Explained the bar chart to her group" in summary
    assert "Ms Okafor" in summary  # who recorded it: staff are named


def test_every_model_that_points_at_the_pupil_is_in_the_export(
    cast: Cast, photographed: Judgement
) -> None:
    """Generic: any model with a key to Pupil (now or added later) and rows for her is there."""
    data, _ = export(cast.amara)
    expected = set()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if (
                isinstance(field, models.ForeignKey)
                and field.related_model is Pupil
                and model._base_manager.filter(**{field.attname: cast.amara.pk}).exists()
            ):
                expected.add(model._meta.label_lower)
    assert expected  # enrolments, judgements, standings, guardian links, ...
    assert expected <= set(data["records"])
    assert "markbook.attachment" in data["records"]  # two steps away: through the judgement


def test_export_leaves_out_secrets_and_other_children(cast: Cast, photographed: Judgement) -> None:
    data, archive = export(cast.amara)
    text = archive.read("data.json").decode() + archive.read("summary.html").decode()
    user_rows = data["records"]["accounts.user"]["rows"]
    assert user_rows and all("password" not in row for row in user_rows)
    classmates = Pupil.objects.filter(enrolments__teaching_class=cast.four_oak).exclude(
        pk=cast.amara.pk
    )
    for classmate in classmates:
        assert classmate.legal_surname + "," not in text
        assert f"{classmate.forename} {classmate.surname}" not in text


def test_export_lists_who_viewed_and_changed_the_records(
    cast: Cast, photographed: Judgement
) -> None:
    cast.client("teacher").get(f"/school/{cast.primary.urn}/pupils/{cast.amara.pk}/")
    data, _ = export(cast.amara)
    actions = {(event["who"], event["action"]) for event in data["audit"]}
    assert ("Ms Okafor", "pupil.view") in actions
    assert ("Ms Okafor", "judgement.record") in actions


def test_the_walk_stops_at_shared_records(cast: Cast) -> None:
    found = pupil_data(cast.amara)
    labels = {model._meta.label_lower for model in found.rows}
    assert "teaching.class" not in labels  # she is enrolled in 4 Oak; 4 Oak is not hers
    assert "curriculum.objective" not in labels
    assert "people.guardian" not in labels  # the link to her father is hers; he is not


def test_sar_command_writes_the_archive(
    cast: Cast, photographed: Judgement, tmp_path: Path
) -> None:
    out = tmp_path / "amara.zip"
    stdout = io.StringIO()
    call_command(
        "sar", "--school", str(cast.primary.urn), "--upn", cast.amara.upn, str(out), stdout=stdout
    )
    assert "about Amara Hughes" in stdout.getvalue()
    with zipfile.ZipFile(out) as archive:
        assert {"data.json", "summary.html"} <= set(archive.namelist())
    assert AuditEvent.objects.filter(action="pupil.export", target_id=str(cast.amara.pk)).exists()


def test_sar_command_names_a_missing_pupil(cast: Cast, tmp_path: Path) -> None:
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no pupil with UPN X000000000000"):
        call_command(
            "sar",
            "--school",
            str(cast.primary.urn),
            "--upn",
            "X000000000000",
            str(tmp_path / "x.zip"),
        )
    assert not (tmp_path / "x.zip").exists()


def test_data_manager_downloads_the_export_from_the_pupils_page(
    cast: Cast, photographed: Judgement
) -> None:
    admin = cast.client("admin")
    page = admin.get(f"/school/{cast.primary.urn}/pupils/{cast.amara.pk}/").content.decode()
    url = f"/school/{cast.primary.urn}/security/pupils/{cast.amara.pk}/export/"
    assert url in page
    confirm = admin.get(url)
    assert confirm.status_code == 200
    assert "Judgements" in confirm.content.decode()
    response = admin.post(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    assert "data.json" in archive.namelist()
    event = AuditEvent.objects.get(action="pupil.export", target_id=str(cast.amara.pk))
    assert event.actor == cast.user("admin")


def test_only_data_managers_see_or_make_the_export(cast: Cast) -> None:
    url = f"/school/{cast.primary.urn}/security/pupils/{cast.amara.pk}/export/"
    for username in ("teacher", "leader", "hod", "ta", "pupil", "parent", "otherteacher"):
        client = cast.client(username)
        assert client.get(url).status_code == cast.refused(username), username
        assert client.post(url).status_code == cast.refused(username), username
    teacher_page = cast.client("teacher").get(f"/school/{cast.primary.urn}/pupils/{cast.amara.pk}/")
    assert b"Subject access export" not in teacher_page.content
