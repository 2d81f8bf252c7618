"""Frameworks through the database: YAML and CSV round trips, uploads, the Oak command."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from nextsteps.audit.models import AuditEvent
from nextsteps.curriculum import formats
from nextsteps.curriculum.models import Framework, Objective
from nextsteps.curriculum.services import FrameworkExists, framework_import, framework_spec
from nextsteps.demo.builder import FRAMEWORKS_DIR
from tests.conftest import Cast

OAK = Path(
    os.environ.get(
        "NEXTSTEPS_OAK_DATA", Path(__file__).resolve().parents[3] / "shared/data/curriculum/oak"
    )
)


@pytest.mark.parametrize("path", sorted(FRAMEWORKS_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_a_framework_survives_yaml_import_and_export_unchanged(cast: Cast, path: Path) -> None:
    spec = formats.read_yaml(path.read_text(encoding="utf-8"), file=path.name)
    framework = framework_import(school=cast.other, spec=spec, by=None)
    exported = formats.write_yaml(framework_spec(framework))
    assert formats.read_yaml(exported, file="export.yaml") == spec


def test_a_framework_survives_csv_export_and_import(cast: Cast) -> None:
    text = formats.write_csv(framework_spec(cast.maths_framework))
    spec = formats.read_csv(text, file="maths.csv", name="Maths copy", subject="Mathematics")
    copy = framework_import(school=cast.primary, spec=spec, by=None)
    assert formats.write_csv(framework_spec(copy)) == text
    assert copy.objectives.count() == cast.maths_framework.objectives.count()


def test_importing_the_same_version_twice_is_refused_unless_replacing(cast: Cast) -> None:
    spec = framework_spec(cast.maths_framework)
    with pytest.raises(FrameworkExists):
        framework_import(school=cast.primary, spec=spec, by=None)
    objective_ids = set(cast.maths_framework.objectives.values_list("pk", flat=True))
    framework_import(school=cast.primary, spec=spec, by=None, replace=True)
    # Objectives are updated in place, so evidence recorded against them keeps its meaning.
    assert set(cast.maths_framework.objectives.values_list("pk", flat=True)) == objective_ids


def test_upload_with_a_broken_row_names_file_line_and_column_and_writes_nothing(cast: Cast) -> None:
    text = formats.write_csv(framework_spec(cast.maths_framework)).splitlines()
    header = text[0].split(",")
    year_column = header.index("year_group")
    broken_row = text[3].split(",")
    broken_row[year_column] = "Year Four"
    text[3] = ",".join(broken_row)
    upload = SimpleUploadedFile("broken.csv", "\n".join(text).encode(), content_type="text/csv")
    before = (Framework.objects.count(), Objective.objects.count())
    response = cast.client("admin").post(
        f"/school/{cast.primary.urn}/frameworks/import/",
        {"file": upload, "name": "Broken", "subject": "Mathematics"},
    )
    assert response.status_code == 200
    problems = response.context["problems"]
    assert any("broken.csv" in p and "line 4" in p and "year_group" in p for p in problems), (
        problems
    )
    assert (Framework.objects.count(), Objective.objects.count()) == before


def test_upload_of_a_yaml_framework_imports_it_and_audits(cast: Cast) -> None:
    spec = framework_spec(cast.maths_framework)
    renamed = formats.write_yaml(spec).replace("name: Primary mathematics", "name: Maths trial", 1)
    upload = SimpleUploadedFile("trial.yaml", renamed.encode(), content_type="application/yaml")
    response = cast.client("admin").post(
        f"/school/{cast.primary.urn}/frameworks/import/", {"file": upload}
    )
    framework = Framework.objects.get(school=cast.primary, name="Maths trial")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action="framework.import", target_id=str(framework.pk)
    ).exists()


def test_framework_exports_download_as_yaml_and_csv(cast: Cast) -> None:
    client = cast.client("teacher")
    base = f"/school/{cast.primary.urn}/frameworks/{cast.maths_framework.pk}/export"
    yaml_response = client.get(base + ".yaml")
    assert yaml_response["Content-Disposition"].endswith('.yaml"')
    assert (
        formats.read_yaml(yaml_response.content.decode(), file="x.yaml").name
        == "Primary mathematics"
    )
    csv_response = client.get(base + ".csv")
    assert csv_response.content.decode().startswith("strand_code,")


@pytest.mark.skipif(not OAK.exists(), reason="Oak National Academy curriculum data not present")
def test_oak_command_builds_a_framework_with_strands_objectives_and_attribution(cast: Cast) -> None:
    call_command(
        "import_data",
        "curriculum-oak",
        str(OAK),
        "--subject",
        "mathematics",
        "--key-stage",
        "2",
        "--school",
        str(cast.other.urn),
    )
    framework = Framework.objects.get(school=cast.other, licence="OGL-3.0")
    assert framework.strands.count() > 3
    assert framework.objectives.count() > 50
    assert "Oak National Academy" in framework.attribution
    assert "Open Government Licence" in framework.attribution
