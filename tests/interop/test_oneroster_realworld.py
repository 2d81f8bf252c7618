"""OneRoster 1.1 as real systems write it: a school org without a URN, rows ending in a comma.

The fixture is written in the shape of the public OneRoster 1.1 sample set (a district and a
school org whose identifier is the system's own code, bulk files with every 1.1 column), with
some rows carrying one extra, empty value after the last column.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from nextsteps.interop.kernels.oneroster import OneRosterSet
from nextsteps.interop.models import SourcedId
from nextsteps.interop.oneroster_import import oneroster_import, parse_urn_options
from nextsteps.interop.sample import sample_upn
from nextsteps.people.kernels.problems import ImportProblems
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class
from tests.conftest import Cast

FIXTURE = Path(__file__).parent / "fixtures" / "oneroster11_sample_shape"
SCHOOL_ORG = "f6c7a2b0-3e1d-4c55-9a41-0c1f00000001"
URN = 990777
NIA = sample_upn(938, 4100)  # the first pupil in users.csv


def fixture_files() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in FIXTURE.glob("*.csv")}


def fixture_zip(files: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in (files or fixture_files()).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_fixture_has_trailing_empty_values_and_no_urn() -> None:
    files = fixture_files()
    assert b",RIV-PRI," in files["orgs.csv"]
    lines = files["users.csv"].decode().splitlines()
    width = len(lines[0].split(","))
    assert any(len(line.split(",")) == width + 1 and line.endswith(",") for line in lines)


def test_without_a_urn_the_import_stops_naming_the_org_and_the_option(db: None) -> None:
    schools, pupils = School.objects.count(), Pupil.objects.count()
    with pytest.raises(ImportProblems) as caught:
        oneroster_import(source=OneRosterSet.from_files(fixture_files()), by=None)
    text = str(caught.value)
    assert "orgs.csv, line 3, column identifier" in text
    assert "'Riverside Primary School'" in text and f"sourcedId {SCHOOL_ORG}" in text
    assert f"--urn {SCHOOL_ORG}=URN" in text
    assert (School.objects.count(), Pupil.objects.count()) == (schools, pupils)


def test_a_fresh_database_gets_the_school_from_its_org_and_the_urn_option(db: None) -> None:
    summary = oneroster_import(
        source=OneRosterSet.from_files(fixture_files()), by=None, urns={SCHOOL_ORG: URN}
    )
    school = School.objects.get(urn=URN)
    assert (school.name, school.phase) == ("Riverside Primary School", "primary")
    assert Pupil.objects.filter(school=school).count() == 4
    assert set(Class.objects.filter(school=school).values_list("name", flat=True)) == {
        "4 Willow maths",
        "4 Willow English",
    }
    assert SourcedId.objects.filter(kind="org", sourced_id=SCHOOL_ORG, school=school).exists()
    notes = "\n".join(summary.notes)
    assert "users.csv, line 3: 1 empty value after the last column was ignored" in notes
    assert "1 organisation that is not a school was read and not imported" in notes
    assert "orgs.csv, line 3: 1 empty value after the last column was ignored" in notes
    assert "enrollments.csv, line 2:" in notes
    again = oneroster_import(source=OneRosterSet.from_files(fixture_files()), by=None)
    assert again.changed == 0, again.lines()
    assert School.objects.filter(urn=URN).count() == 1


def test_a_dry_run_makes_no_school(db: None) -> None:
    summary = oneroster_import(
        source=OneRosterSet.from_files(fixture_files()),
        by=None,
        urns={SCHOOL_ORG: URN},
        dry_run=True,
    )
    assert summary.dry_run and any("was created" in note for note in summary.notes)
    assert not School.objects.filter(urn=URN).exists()
    assert not Pupil.objects.filter(upn=NIA).exists()


def test_a_non_empty_extra_value_is_still_an_error(db: None) -> None:
    files = fixture_files()
    lines = files["users.csv"].decode().split("\r\n")
    lines[2] = lines[2] + "surprise"
    files["users.csv"] = "\r\n".join(lines).encode()
    with pytest.raises(ImportProblems) as caught:
        oneroster_import(source=OneRosterSet.from_files(files), by=None, urns={SCHOOL_ORG: URN})
    text = str(caught.value)
    assert "users.csv, line 3: expected 18 values, found 19" in text and "'surprise'" in text
    assert not School.objects.filter(urn=URN).exists()


def test_a_row_with_too_few_values_is_an_error(db: None) -> None:
    files = fixture_files()
    lines = files["courses.csv"].decode().split("\r\n")
    lines[1] = lines[1].rsplit(",", 2)[0]
    files["courses.csv"] = "\r\n".join(lines).encode()
    with pytest.raises(ImportProblems, match=r"courses.csv, line 2: expected 10 values, found 8"):
        oneroster_import(source=OneRosterSet.from_files(files), by=None, urns={SCHOOL_ORG: URN})


def test_urn_options_are_checked() -> None:
    assert parse_urn_options([f"{SCHOOL_ORG}=990777"]) == {SCHOOL_ORG: 990777}
    for bad in ("990777", f"{SCHOOL_ORG}=12", f"{SCHOOL_ORG}=abcdef", "=990777"):
        with pytest.raises(ValueError, match="expected SOURCEDID=URN"):
            parse_urn_options([bad])


def test_the_command_line_takes_urn_and_shows_the_warnings(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "set"
    shutil.copytree(FIXTURE, folder)
    with pytest.raises(CommandError, match=rf"--urn {SCHOOL_ORG}=URN"):
        call_command("import_data", "oneroster", str(folder), verbosity=0)
    with pytest.raises(CommandError, match="expected SOURCEDID=URN"):
        call_command("import_data", "oneroster", str(folder), "--urn", "RIV-PRI", verbosity=0)
    call_command(
        "import_data", "oneroster", str(folder), "--urn", f"{SCHOOL_ORG}={URN}", verbosity=0
    )
    out = capsys.readouterr().out
    assert "pupils: 4 created" in out
    assert "note: users.csv, line 3: 1 empty value after the last column was ignored" in out
    assert School.objects.filter(urn=URN, name="Riverside Primary School").exists()


def test_the_data_page_asks_which_org_is_the_school_then_imports(cast: Cast) -> None:
    client = cast.client("admin")
    url = f"/school/{cast.primary.urn}/data/oneroster/import/"
    data = fixture_zip()
    first = client.post(url, {"file": SimpleUploadedFile("riverside.zip", data), "dry_run": ""})
    body = first.content.decode()
    assert first.status_code == 200
    assert "Which school org in the file is" in body and f'value="{SCHOOL_ORG}"' in body
    assert "Riverside Primary School" in body
    assert not Pupil.objects.filter(school=cast.primary, upn=NIA).exists()
    second = client.post(
        url, {"file": SimpleUploadedFile("riverside.zip", data), "org": SCHOOL_ORG, "dry_run": ""}
    )
    assert second.status_code == 200, second.content.decode()[:2000]
    assert "Imported" in second.content.decode()
    assert "empty value after the last column was ignored" in second.content.decode()
    assert Pupil.objects.filter(school=cast.primary, upn=NIA).exists()
    assert SourcedId.objects.filter(kind="org", sourced_id=SCHOOL_ORG, school=cast.primary).exists()
    third = client.post(url, {"file": SimpleUploadedFile("riverside.zip", data), "dry_run": "on"})
    assert "Which school org" not in third.content.decode()
    assert "Dry run" in third.content.decode()
