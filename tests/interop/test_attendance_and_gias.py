"""Attendance from a CSV file and the DfE register of schools (issue 18, points 2 and 4)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from nextsteps.interop.kernels.gias import read_establishments
from nextsteps.people.kernels.problems import ImportProblems
from nextsteps.people.models import Attendance, Pupil
from nextsteps.schools.models import RegisteredEstablishment, School
from nextsteps.schools.services import NoPhase, school_from_register
from tests.conftest import Cast

FIXTURE = Path(__file__).parent / "fixtures" / "gias_establishments.csv"


def year_start(today: dt.date) -> int:
    return today.year if today.month >= 9 else today.year - 1


def attendance_csv(rows: list[str]) -> bytes:
    return ("UPN,Possible sessions,Attended sessions\r\n" + "\r\n".join(rows) + "\r\n").encode()


def test_attendance_file_sets_each_pupils_year_and_a_second_import_changes_nothing(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    amara = cast.amara
    other = Pupil.objects.filter(school=cast.primary).exclude(pk=amara.pk).first()
    assert other is not None
    path = tmp_path / "attendance.csv"
    path.write_bytes(attendance_csv([f"{amara.upn},140,119", f"{other.upn},140,138"]))
    call_command("import_data", "attendance", str(path), "--school", str(cast.primary.urn))
    assert "0 created, 2 updated" in capsys.readouterr().out  # over the demo's figures
    row = Attendance.objects.get(pupil=amara, year_starting=year_start(timezone.localdate()))
    assert (row.possible_sessions, row.attended_sessions, row.source) == (140, 119, "file")
    call_command("import_data", "attendance", str(path), "--school", str(cast.primary.urn))
    assert "0 created, 0 updated, 2 unchanged" in capsys.readouterr().out


def test_a_bad_attendance_file_names_file_line_and_column_and_writes_nothing(
    cast: Cast, tmp_path: Path
) -> None:
    before = list(Attendance.objects.filter(pupil=cast.amara).values_list("attended_sessions"))
    path = tmp_path / "bad.csv"
    path.write_bytes(
        attendance_csv(
            [f"{cast.amara.upn},100,90", "A123456789012,100,90", f"{cast.amara.upn},100,120"]
        )
    )
    with pytest.raises(CommandError) as error:
        call_command("import_data", "attendance", str(path), "--school", str(cast.primary.urn))
    text = str(error.value)
    assert "bad.csv, line 3, column UPN" in text
    assert "bad.csv, line 4, column Attended sessions: 120 attended is more than" in text
    assert list(Attendance.objects.filter(pupil=cast.amara).values_list("attended_sessions")) == (
        before
    )


def test_the_data_page_takes_an_attendance_file(cast: Cast) -> None:
    url = reverse("interop_attendance_import", kwargs={"urn": cast.primary.urn})
    upload = SimpleUploadedFile("a.csv", attendance_csv([f"{cast.amara.upn},200,150"]))
    response = cast.client("admin").post(url, {"file": upload, "dry_run": "on"})
    assert response.status_code == 200 and b"Dry run" in response.content
    teacher = cast.client("teacher").post(url, {"file": SimpleUploadedFile("a.csv", b"x")})
    assert teacher.status_code == 403


def test_the_profile_shows_attendance_and_persistent_absence(cast: Cast) -> None:
    Attendance.objects.update_or_create(
        pupil=cast.amara,
        year_starting=year_start(timezone.localdate()),
        defaults={
            "school": cast.primary,
            "possible_sessions": 100,
            "attended_sessions": 88,
            "as_of": timezone.localdate(),
            "source": "file",
        },
    )
    url = reverse("pupil_detail", kwargs={"urn": cast.primary.urn, "pupil_id": cast.amara.pk})
    page = cast.client("teacher").get(url).content.decode()
    assert "88.0% of sessions (88 of 100)" in page and "Persistent absence" in page
    Attendance.objects.filter(pupil=cast.amara).update(attended_sessions=95)
    page = cast.client("teacher").get(url).content.decode()
    assert "95.0% of sessions" in page and "Persistent absence" not in page


def test_the_register_is_read_from_the_gias_download(db: Any) -> None:
    schools = read_establishments(FIXTURE.read_bytes(), FIXTURE.name)
    assert [s.urn for s in schools] == [990777, 990102, 990888]
    cafe = schools[2]
    assert cafe.name == "St Frideswide's Café Primary"  # Windows-1252, as GIAS writes it
    assert (cafe.phase, cafe.establishment_type, cafe.local_authority) == (
        "Primary",
        "Voluntary aided school",
        "Hampshire",
    )


def test_import_gias_fills_schools_here_and_schools_set_up_later(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("import_data", "gias", str(FIXTURE))
    assert "3 created" in capsys.readouterr().out
    kingsmead = School.objects.get(urn=990102)
    assert (kingsmead.establishment_type, kingsmead.local_authority) == (
        "Academy converter",
        "Hampshire",
    )
    assert kingsmead.name == "Kingsmead Academy"
    call_command("import_data", "gias", str(FIXTURE))
    assert "0 created, 0 updated, 3 unchanged" in capsys.readouterr().out
    cafe = school_from_register(urn=990888)
    assert (cafe.name, cafe.phase, cafe.local_authority) == (
        "St Frideswide's Café Primary",
        "primary",
        "Hampshire",
    )
    assert RegisteredEstablishment.objects.count() == 3


def test_a_school_with_no_phase_anywhere_is_refused_by_name(db: Any) -> None:
    with pytest.raises(NoPhase, match="URN 123457: nextsteps cannot tell the school's phase"):
        school_from_register(urn=123457, name="Unknown")


def test_a_file_that_is_not_the_gias_download_names_the_missing_column(tmp_path: Path) -> None:
    with pytest.raises(ImportProblems, match="x.csv, line 1, column PhaseOfEducation \\(name\\)"):
        read_establishments(
            b"URN,EstablishmentName,TypeOfEstablishment (name),LA (name)\n", "x.csv"
        )
    bad = b"URN,EstablishmentName,PhaseOfEducation (name),TypeOfEstablishment (name),LA (name)\n"
    bad += b"12,A,Primary,Academy,Leeds\n"
    with pytest.raises(ImportProblems, match="x.csv, line 2, column URN: '12' is not a URN"):
        read_establishments(bad, "x.csv")
