from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from nextsteps.api.models import ApiToken
from nextsteps.interop.sample import oneroster_sample
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from tests.interop.conftest import SAMPLE_URN


def write_set(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def test_import_oneroster_dry_run_then_import_then_nothing_changes(
    empty_school: School, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_set(tmp_path / "set", oneroster_sample(urn=SAMPLE_URN, pupils=12))
    call_command("import_data", "oneroster", str(folder), "--dry-run", verbosity=0)
    assert "Dry run" in capsys.readouterr().out
    assert not Pupil.objects.filter(school=empty_school).exists()
    call_command("import_data", "oneroster", str(folder), verbosity=0)
    assert "pupils: 12 created" in capsys.readouterr().out
    call_command("import_data", "oneroster", str(folder), verbosity=0)
    assert "0 changes" in capsys.readouterr().out


def test_import_oneroster_bad_set_lists_problems(empty_school: School, tmp_path: Path) -> None:
    files = oneroster_sample(urn=SAMPLE_URN, pupils=3)
    files["users.csv"] = files["users.csv"].replace(b"givenName", b"firstName")
    folder = write_set(tmp_path / "bad", files)
    with pytest.raises(CommandError, match="users.csv, line 1, column givenName"):
        call_command("import_data", "oneroster", str(folder), verbosity=0)


def test_export_oneroster_by_urn_or_sourced_id(empty_school: School, tmp_path: Path) -> None:
    folder = write_set(tmp_path / "set", oneroster_sample(urn=SAMPLE_URN, pupils=3))
    call_command("import_data", "oneroster", str(folder), verbosity=0)
    call_command(
        "export_data",
        "oneroster",
        str(tmp_path / "out"),
        "--school",
        str(SAMPLE_URN),
        "--version",
        "1.1",
        verbosity=0,
    )
    assert (tmp_path / "out" / "users.csv").exists()
    org = (folder / "orgs.csv").read_bytes().decode().split("\r\n")[1].split(",")[0]
    call_command(
        "export_data", "oneroster", str(tmp_path / "out.zip"), "--school", org, verbosity=0
    )
    assert (tmp_path / "out.zip").stat().st_size > 0


def test_export_ctf_for_a_pupil(cast: object, tmp_path: Path) -> None:
    amara = Pupil.objects.get(user__username="pupil")
    target = tmp_path / "leaver.xml"
    call_command("export_data", "ctf", str(target), "--school", "990101", "--pupil", amara.upn)
    assert amara.upn in target.read_text()
    from nextsteps.people.upn import upn_make

    stranger = upn_make(la=938, estab=9999, year=11, serial=1)
    with pytest.raises(
        CommandError, match=f"no pupil in Hollins Park Primary School has the UPN {stranger}"
    ):
        call_command("export_data", "ctf", str(target), "--school", "990101", "--pupil", stranger)
    with pytest.raises(CommandError, match="does not start with a known local authority"):
        call_command(
            "export_data", "ctf", str(target), "--school", "990101", "--pupil", "A999999999999"
        )


def test_token_create_prints_a_working_token_once(
    cast: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.test import Client

    call_command("token", "create", "admin", "--name", "analytics")
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("ns_")
    assert ApiToken.objects.get(user__username="admin").digest != secret
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    with pytest.raises(CommandError, match="no user called 'nobody'"):
        call_command("token", "create", "nobody")
