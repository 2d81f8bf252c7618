"""Pupil identity is never silently replaced, by any importer.

A row whose UPN (or OneRoster sourcedId) names an existing pupil but gives another legal surname
and date of birth is a conflict: not applied, named by file, line, UPN and both identities; the
rest applies only when the person chooses to go on; the dry run shows every update field by
field. Each importer is driven with the same three rows: another child under an existing
pupil's UPN, an ordinary update to another pupil, and a new pupil.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from nextsteps.interop.ctf_import import ctf_import
from nextsteps.interop.kernels.oneroster import OneRosterSet
from nextsteps.interop.kernels.sheets import read_table
from nextsteps.interop.models import ImportRun, KeyStageResult
from nextsteps.interop.oneroster_export import oneroster_export, oneroster_zip
from nextsteps.interop.oneroster_import import oneroster_import
from nextsteps.interop.sample import oneroster_sample, sample_upn
from nextsteps.interop.sheets_import import sheet_import
from nextsteps.markbook.models import Judgement
from nextsteps.people.kernels.problems import IdentityConflicts
from nextsteps.people.models import Pupil
from nextsteps.people.upn import upn_make
from nextsteps.schools.models import School
from nextsteps.teaching.models import Enrolment
from tests.conftest import Cast
from tests.interop.conftest import SAMPLE_URN

NEW_UPN = upn_make(la=938, estab=2101, year=20, serial=955)
LILY_BORN = dt.date(2016, 7, 9)


def identity(pupil: Pupil) -> tuple[Any, ...]:
    pupil.refresh_from_db()
    return (
        pupil.upn,
        pupil.legal_forename,
        pupil.legal_surname,
        pupil.date_of_birth,
        pupil.year_group,
    )


class Scene:
    """Amara (with her judgements and classes) and a classmate, as they are before an import."""

    def __init__(self, cast: Cast) -> None:
        self.school = cast.primary
        self.amara = cast.amara
        self.classmate = (
            Pupil.objects.filter(school=self.school, year_group=self.amara.year_group)
            .exclude(pk=self.amara.pk)
            .order_by("pk")[0]
        )
        self.amara_before = identity(self.amara)
        self.classmate_before = identity(self.classmate)
        self.judgements = set(
            Judgement.objects.filter(pupil=self.amara).values_list("pk", flat=True)
        )
        self.enrolments = set(
            Enrolment.objects.filter(pupil=self.amara).values_list("pk", flat=True)
        )
        assert self.judgements, "the demo gives Amara judgements"

    def conflict_text(self) -> str:
        born = self.amara_before[3].isoformat()
        return (
            f"UPN {self.amara.upn} matches Amara Hughes (born {born}) but the file says "
            f"Lily Davies (born {LILY_BORN.isoformat()}): not applied"
        )

    def assert_amara_untouched(self) -> None:
        assert identity(self.amara) == self.amara_before
        assert set(Judgement.objects.filter(pupil=self.amara).values_list("pk", flat=True)) == (
            self.judgements
        )
        assert set(Enrolment.objects.filter(pupil=self.amara).values_list("pk", flat=True)) == (
            self.enrolments
        )

    def assert_nothing_written(self) -> None:
        self.assert_amara_untouched()
        assert identity(self.classmate) == self.classmate_before
        assert not Pupil.objects.filter(school=self.school, upn=NEW_UPN).exists()

    def assert_the_rest_applied(self) -> None:
        self.assert_amara_untouched()
        assert identity(self.classmate)[4] == self.classmate_before[4] + 1
        assert Pupil.objects.filter(school=self.school, upn=NEW_UPN).exists()


@pytest.fixture
def scene(cast: Cast) -> Scene:
    return Scene(cast)


# ---------------------------------------------------------------------------- spreadsheets


def sheet_bytes(scene: Scene) -> bytes:
    other = scene.classmate
    rows = [
        ["UPN", "Legal Surname", "Legal Forename", "Date of Birth", "Year Group"],
        [scene.amara.upn, "Davies", "Lily", "09/07/2016", str(scene.amara.year_group)],
        [
            other.upn,
            other.legal_surname,
            other.legal_forename,
            other.date_of_birth.isoformat(),
            str(other.year_group + 1),
        ],
        [NEW_UPN, "Ng", "Tom", "2017-01-02", "4"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def test_sheet_conflict_stops_the_import_naming_file_line_upn_and_both_identities(
    scene: Scene,
) -> None:
    table = read_table(sheet_bytes(scene), "pupils.csv")
    with pytest.raises(IdentityConflicts) as refused:
        sheet_import(school=scene.school, kind="pupils", table=table, mapping=None, by=None)
    assert f"pupils.csv, line 2, column UPN: {scene.conflict_text()}" in str(refused.value)
    scene.assert_nothing_written()


def test_sheet_dry_run_lists_the_conflict_and_every_update_before_and_after(
    scene: Scene,
) -> None:
    table = read_table(sheet_bytes(scene), "pupils.csv")
    summary = sheet_import(
        school=scene.school, kind="pupils", table=table, mapping=None, by=None, dry_run=True
    )
    (conflict,) = summary.identity.conflicts
    assert (conflict.file, conflict.line, conflict.upn) == ("pupils.csv", 2, scene.amara.upn)
    assert conflict.message() == scene.conflict_text()
    (update,) = summary.identity.updates
    assert (update.line, update.upn) == (3, scene.classmate.upn)
    year = scene.classmate_before[4]
    assert [str(c) for c in update.changes] == [f"Year group: {year} → {year + 1}"]
    assert summary.counts["pupils"] == {"created": 1, "updated": 1, "unchanged": 0}
    scene.assert_nothing_written()


def test_sheet_applies_the_rest_only_when_asked_and_keeps_the_pupil_and_her_judgements(
    scene: Scene,
) -> None:
    table = read_table(sheet_bytes(scene), "pupils.csv")
    summary = sheet_import(
        school=scene.school,
        kind="pupils",
        table=table,
        mapping=None,
        by=None,
        skip_conflicts=True,
    )
    scene.assert_the_rest_applied()
    assert [c.upn for c in summary.identity.conflicts] == [scene.amara.upn]
    logged = ImportRun.objects.filter(school=scene.school, kind="spreadsheet").latest("pk")
    assert logged.summary["conflicts"][0]["incoming"] == "Lily Davies (born 2016-07-09)"
    assert logged.summary["updates"][0]["changes"][0]["field"] == "year_group"


def test_a_new_surname_alone_is_applied_as_an_update(scene: Scene) -> None:
    rows = (
        "UPN,Legal Surname,Legal Forename,Date of Birth,Year Group\r\n"
        f"{scene.amara.upn},Okafor,Amara,{scene.amara_before[3].isoformat()},"
        f"{scene.amara.year_group}\r\n"
    )
    table = read_table(rows.encode(), "pupils.csv")
    summary = sheet_import(school=scene.school, kind="pupils", table=table, mapping=None, by=None)
    assert not summary.identity.conflicts
    assert identity(scene.amara)[2] == "Okafor"
    assert set(Judgement.objects.filter(pupil=scene.amara).values_list("pk", flat=True)) == (
        scene.judgements
    )


# ---------------------------------------------------------------------------- OneRoster


def edit_csv(
    files: dict[str, bytes], name: str, chosen: Callable[[dict[str, str]], bool], **values: str
) -> tuple[dict[str, bytes], int]:
    """The set with the chosen row of one file changed; and that row's line."""
    rows = list(csv.DictReader(io.StringIO(files[name].decode("utf-8-sig"))))
    line = next(number for number, row in enumerate(rows, start=2) if chosen(row))
    rows[line - 2].update(values)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return {**files, name: buffer.getvalue().encode()}, line


def oneroster_set(scene: Scene) -> tuple[dict[str, bytes], int]:
    """The school's own export, with Lily under Amara's UPN and the classmate a year up."""
    files = oneroster_export(school=scene.school)
    users = list(csv.DictReader(io.StringIO(files["users.csv"].decode("utf-8-sig"))))
    amara_sid = next(u["sourcedId"] for u in users if u["identifier"] == scene.amara.upn)
    files, line = edit_csv(
        files,
        "users.csv",
        lambda row: row["sourcedId"] == amara_sid,
        givenName="Lily",
        familyName="Davies",
        preferredGivenName="",
        preferredFamilyName="",
    )
    files, _ = edit_csv(
        files,
        "demographics.csv",
        lambda row: row["sourcedId"] == amara_sid,
        birthDate=LILY_BORN.isoformat(),
    )
    files, _ = edit_csv(
        files,
        "users.csv",
        lambda row: row["identifier"] == scene.classmate.upn,
        grades=f"{scene.classmate.year_group + 1:02d}",
    )
    return files, line


def test_oneroster_conflict_is_refused_listed_in_the_dry_run_and_skipped_on_request(
    scene: Scene,
) -> None:
    files, line = oneroster_set(scene)
    with pytest.raises(IdentityConflicts) as refused:
        oneroster_import(source=OneRosterSet.from_files(files), by=None, schools=[scene.school])
    assert f"users.csv, line {line}, column UPN: {scene.conflict_text()}" in str(refused.value)
    scene.assert_amara_untouched()
    assert identity(scene.classmate) == scene.classmate_before

    dry = oneroster_import(
        source=OneRosterSet.from_files(files), by=None, schools=[scene.school], dry_run=True
    )
    (conflict,) = dry.identity.conflicts
    assert (conflict.file, conflict.line, conflict.message()) == (
        "users.csv",
        line,
        scene.conflict_text(),
    )
    (update,) = dry.identity.updates
    year = scene.classmate_before[4]
    assert update.upn == scene.classmate.upn
    assert [str(c) for c in update.changes] == [f"Year group: {year} → {year + 1}"]
    scene.assert_amara_untouched()

    oneroster_import(
        source=OneRosterSet.from_files(files), by=None, schools=[scene.school], skip_conflicts=True
    )
    scene.assert_amara_untouched()
    assert identity(scene.classmate)[4] == year + 1


def test_oneroster_conflict_by_sourced_id_names_it(empty_school: School) -> None:
    files = oneroster_sample(urn=SAMPLE_URN, pupils=4, guardians=False)
    oneroster_import(source=OneRosterSet.from_files(files), by=None, today=dt.date(2026, 10, 1))
    pupil = Pupil.objects.get(school=empty_school, upn=sample_upn(938, 1))
    before = identity(pupil)
    users = list(csv.DictReader(io.StringIO(files["users.csv"].decode("utf-8-sig"))))
    sid = next(u["sourcedId"] for u in users if u["identifier"] == pupil.upn)
    files, line = edit_csv(
        files, "users.csv", lambda row: row["sourcedId"] == sid, familyName="Zyx", givenName="Ann"
    )
    files, _ = edit_csv(
        files, "demographics.csv", lambda row: row["sourcedId"] == sid, birthDate="2001-01-01"
    )
    with pytest.raises(IdentityConflicts, match=f"line {line}, column UPN: sourcedId {sid}"):
        oneroster_import(source=OneRosterSet.from_files(files), by=None, today=dt.date(2026, 10, 1))
    summary = oneroster_import(
        source=OneRosterSet.from_files(files),
        by=None,
        today=dt.date(2026, 10, 1),
        skip_conflicts=True,
    )
    assert identity(pupil) == before and pupil.leaving_date is None
    assert "Ann Zyx (born 2001-01-01)" in summary.identity.conflicts[0].message()
    assert Enrolment.objects.filter(pupil=pupil, ends_on__isnull=True).exists()


# ---------------------------------------------------------------------------- CTF


def ctf_pupil(upn: str, surname: str, forename: str, born: str, year: int) -> str:
    return f"""
    <Pupil>
      <UPN>{upn}</UPN>
      <Surname>{surname}</Surname>
      <Forename>{forename}</Forename>
      <DOB>{born}</DOB>
      <Sex>F</Sex>
      <BasicDetails><NCyearActual>{year}</NCyearActual></BasicDetails>
      <StageAssessments>
        <KeyStage>
          <Stage>KS1</Stage>
          <StageAssessment><Locale>ENG</Locale><Year>2023</Year><Subject>REA</Subject><Method>TA</Method><Result>EXS</Result></StageAssessment>
        </KeyStage>
      </StageAssessments>
    </Pupil>"""


def ctf_bytes(scene: Scene) -> bytes:
    other = scene.classmate
    pupils = "".join(
        [
            ctf_pupil(scene.amara.upn, "Davies", "Lily", LILY_BORN.isoformat(), 4),
            ctf_pupil(
                other.upn,
                other.legal_surname,
                other.legal_forename,
                other.date_of_birth.isoformat(),
                other.year_group + 1,
            ),
            ctf_pupil(NEW_UPN, "Ng", "Tia", "2017-01-02", 4),
        ]
    )
    return ctf_bytes_with(pupils)


def ctf_bytes_with(pupils: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<CTfile>
  <Header>
    <DocumentName>Common Transfer File</DocumentName>
    <CTFversion>25.0</CTFversion>
    <SourceSchool><LEA>938</LEA><Estab>2999</Estab><SchoolName>Elsewhere</SchoolName></SourceSchool>
    <DestSchool><LEA>938</LEA><Estab>2101</Estab></DestSchool>
  </Header>
  <CTFpupilData>{pupils}
  </CTFpupilData>
</CTfile>""".encode()


def ctf_line_of(data: bytes, upn: str) -> int:
    return next(
        number
        for number, text in enumerate(data.decode().splitlines(), start=1)
        if f"<UPN>{upn}</UPN>" in text
    )


def test_ctf_conflict_is_refused_listed_in_the_dry_run_and_skipped_on_request(
    scene: Scene,
) -> None:
    data = ctf_bytes(scene)
    with pytest.raises(IdentityConflicts) as refused:
        ctf_import(data=data, filename="in.xml", school=scene.school, by=None)
    assert scene.conflict_text() in str(refused.value)
    scene.assert_nothing_written()

    dry = ctf_import(data=data, filename="in.xml", school=scene.school, by=None, dry_run=True)
    (conflict,) = dry.identity.conflicts
    assert (conflict.file, conflict.upn) == ("in.xml", scene.amara.upn)
    assert abs(conflict.line - ctf_line_of(data, scene.amara.upn)) <= 1
    (update,) = dry.identity.updates
    year = scene.classmate_before[4]
    assert [str(c) for c in update.changes] == [f"Year group: {year} → {year + 1}"]
    scene.assert_nothing_written()

    ctf_import(data=data, filename="in.xml", school=scene.school, by=None, skip_conflicts=True)
    scene.assert_the_rest_applied()
    assert not KeyStageResult.objects.filter(pupil=scene.amara, year=2023).exists()
    assert KeyStageResult.objects.filter(pupil__upn=NEW_UPN, pupil__school=scene.school).exists()


# ---------------------------------------------------------------------------- command line


def test_cli_refuses_conflicts_naming_the_option_and_applies_the_rest_with_it(
    scene: Scene, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pupils.csv"
    path.write_bytes(sheet_bytes(scene))
    command = ["import_data", "pupils", str(path), "--school", str(scene.school.urn)]
    with pytest.raises(CommandError) as refused:
        call_command(*command, verbosity=0)
    assert scene.conflict_text() in str(refused.value)
    assert "--skip-conflicts" in str(refused.value)
    scene.assert_nothing_written()

    call_command(*command, "--dry-run", verbosity=0)
    out = capsys.readouterr().out
    year = scene.classmate_before[4]
    assert scene.conflict_text() in out
    assert f"Year group: {year} → {year + 1}" in out
    scene.assert_nothing_written()

    call_command(*command, "--skip-conflicts", verbosity=0)
    scene.assert_the_rest_applied()


# ---------------------------------------------------------------------------- web pages


def test_sheet_page_dry_run_shows_conflicts_and_changes_then_applies_the_rest_on_request(
    cast: Cast, scene: Scene
) -> None:
    client = cast.client("admin")
    url = f"/school/{scene.school.urn}/data/spreadsheet/"
    upload = SimpleUploadedFile("pupils.csv", sheet_bytes(scene), content_type="text/csv")
    assert client.post(url, {"kind": "pupils", "file": upload}).status_code == 302
    chosen = {
        "map_upn": "UPN",
        "map_legal_surname": "Legal Surname",
        "map_legal_forename": "Legal Forename",
        "map_date_of_birth": "Date of Birth",
        "map_year_group": "Year Group",
    }
    dry = client.post(url, {**chosen, "action": "dry_run"}).content.decode()
    year = scene.classmate_before[4]
    assert "Lily Davies (born 2016-07-09)" in dry and scene.amara.upn in dry
    assert f"<td>{year}</td>" in dry and f"<td>→ {year + 1}</td>" in dry
    assert "Apply the rest" in dry and 'name="skip_conflicts" value="1"' in dry
    scene.assert_nothing_written()

    refused = client.post(url, {**chosen, "action": "import"})
    assert refused.status_code == 409 and b"Lily Davies (born 2016-07-09)" in refused.content
    assert b"Apply the rest" in refused.content
    scene.assert_nothing_written()

    done = client.post(url, {**chosen, "action": "import", "skip_conflicts": "1"})
    assert done.status_code == 200 and b"Lily Davies" in done.content
    scene.assert_the_rest_applied()


@pytest.mark.parametrize("kind", ["oneroster", "ctf"])
def test_upload_pages_show_conflicts_and_apply_the_rest_only_when_ticked(
    cast: Cast, scene: Scene, kind: str
) -> None:
    client = cast.client("admin")
    if kind == "oneroster":
        data, name = oneroster_zip(oneroster_set(scene)[0]), "set.zip"
    else:
        data, name = ctf_bytes(scene), "in.xml"
    url = f"/school/{scene.school.urn}/data/{kind}/import/"

    def post(**fields: str) -> Any:
        upload = SimpleUploadedFile(name, data)
        return client.post(url, {"file": upload, **fields})

    dry = post(dry_run="on")
    assert dry.status_code == 200
    text = dry.content.decode()
    assert "Lily Davies (born 2016-07-09)" in text and "Apply the rest" in text
    assert "→" in text
    refused = post()
    assert refused.status_code == 409 and b"Lily Davies (born 2016-07-09)" in refused.content
    scene.assert_amara_untouched()
    assert identity(scene.classmate) == scene.classmate_before
    done = post(skip_conflicts="on")
    assert done.status_code == 200
    scene.assert_amara_untouched()
    assert identity(scene.classmate)[4] == scene.classmate_before[4] + 1


# ---------------------------------------------------------------------------- query budgets


def sheet_of(school: School, size: int) -> bytes:
    """Half existing pupils moved up a year, half new; all placed in a registration group."""
    existing = list(Pupil.objects.filter(school=school, year_group__lt=6).order_by("pk")[:size])
    rows = [["UPN", "Legal Surname", "Legal Forename", "Date of Birth", "Year Group", "Reg Group"]]
    for pupil in existing[: size // 2]:
        rows.append(
            [
                pupil.upn,
                pupil.legal_surname,
                pupil.legal_forename,
                pupil.date_of_birth.isoformat(),
                str(pupil.year_group + 1),
                "Form A",
            ]
        )
    for serial in range(size - size // 2):
        upn = upn_make(la=938, estab=2101, year=21, serial=100 + serial)
        rows.append([upn, "Ng", f"Tom{serial}", "2017-01-02", "4", f"Form {serial % 3}"])
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def queries_for(run: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


def test_pupil_imports_query_the_same_for_a_class_or_a_year_group(cast: Cast) -> None:
    """Read, match, write: the pupils are loaded and written in bulk, never row by row."""
    school = cast.primary

    def sheet(size: int) -> int:
        table = read_table(sheet_of(school, size), "pupils.csv")
        return queries_for(
            lambda: sheet_import(
                school=school, kind="pupils", table=table, mapping=None, by=None, dry_run=True
            )
        )

    def ctf(size: int) -> int:
        pupils = "".join(
            ctf_pupil(upn_make(la=938, estab=2101, year=22, serial=n), "Ng", "Tia", "2017-01-02", 4)
            for n in range(size)
        )
        data = ctf_bytes_with(pupils)
        return queries_for(
            lambda: ctf_import(data=data, filename="in.xml", school=school, by=None, dry_run=True)
        )

    assert sheet(30) == sheet(60)
    assert ctf(5) == ctf(30)
