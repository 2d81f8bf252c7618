from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from nextsteps.accounts.models import Membership
from nextsteps.filereading import Unreadable
from nextsteps.interop.kernels.oneroster import OneRosterSet
from nextsteps.interop.models import SourcedId
from nextsteps.interop.oneroster_import import oneroster_import
from nextsteps.interop.sample import oneroster_sample, sample_upn
from nextsteps.people.kernels.problems import ImportProblems
from nextsteps.people.models import Guardian, GuardianLink, Pupil, Staff
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class, ClassStaff, Enrolment
from tests.interop.conftest import SAMPLE_URN


def replace_line(
    files: dict[str, bytes], name: str, line: int, old: str, new: str
) -> dict[str, bytes]:
    rows = files[name].decode().split("\r\n")
    assert old in rows[line - 1], rows[line - 1]
    rows[line - 1] = rows[line - 1].replace(old, new, 1)
    return {**files, name: "\r\n".join(rows).encode()}


def line_of(files: dict[str, bytes], name: str, text: str) -> int:
    rows = files[name].decode().split("\r\n")
    return next(number for number, row in enumerate(rows, start=1) if text in row)


def problem_texts(error: ImportProblems) -> list[str]:
    return [str(problem) for problem in error.problems]


def test_import_maps_users_by_role_onto_pupils_staff_parents_and_accounts(
    empty_school: School,
) -> None:
    oneroster_import(source=OneRosterSet.from_files(oneroster_sample(urn=SAMPLE_URN)), by=None)
    pupil = Pupil.objects.get(school=empty_school, upn=sample_upn(938, 0))
    assert pupil.user is not None and pupil.user.username == f"p{SAMPLE_URN}-0"
    assert pupil.year_group == 7 and pupil.gender == "F" and pupil.fsm and pupil.disadvantaged
    assert pupil.sen_status == "E"  # the sample's first pupil has an EHC plan
    assert Staff.objects.filter(school=empty_school).count() == 6
    assert Guardian.objects.filter(school=empty_school).count() == 60
    assert GuardianLink.objects.filter(pupil=pupil).count() == 1
    assert Membership.objects.filter(school=empty_school, role="teacher").count() == 6
    assert Membership.objects.filter(school=empty_school, role="guardian").count() == 60
    assert ClassStaff.objects.filter(school=empty_school).count() == 8
    assert Class.objects.get(school=empty_school, name="7Ma0").subjects.get().name == "Mathematics"
    assert SourcedId.objects.filter(school=empty_school, kind="enrollment").count() == 188


def test_import_accepts_a_byte_order_mark_and_a_zip(empty_school: School, tmp_path: Path) -> None:
    files = {
        name: b"\xef\xbb\xbf" + data for name, data in oneroster_sample(urn=SAMPLE_URN).items()
    }
    archive = tmp_path / "set.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for name, data in files.items():
            out.writestr(f"export/{name}", data)
    summary = oneroster_import(source=OneRosterSet.from_path(archive), by=None)
    assert summary.counts["pupils"].created == 60


def test_dry_run_counts_and_writes_nothing(empty_school: School) -> None:
    summary = oneroster_import(
        source=OneRosterSet.from_files(oneroster_sample(urn=SAMPLE_URN)), by=None, dry_run=True
    )
    assert summary.dry_run and summary.counts["pupils"].created == 60
    assert not Pupil.objects.filter(school=empty_school).exists()
    assert not SourcedId.objects.filter(school=empty_school).exists()


def test_every_problem_is_listed_by_file_line_and_column_and_nothing_written(
    empty_school: School,
) -> None:
    files = oneroster_sample(urn=SAMPLE_URN)
    bad_upn = sample_upn(938, 3)
    upn_line = line_of(files, "users.csv", bad_upn)
    files = replace_line(files, "users.csv", upn_line, bad_upn, bad_upn[:-1] + "9")
    enrolment_row = files["enrollments.csv"].decode().split("\r\n")[4]
    class_sid = enrolment_row.split(",")[3]
    files = replace_line(files, "enrollments.csv", 5, class_sid, "no-such-class")
    duplicate = files["classes.csv"].decode().split("\r\n")[1]
    files["classes.csv"] = files["classes.csv"] + duplicate.encode() + b"\r\n"
    with pytest.raises(ImportProblems) as caught:
        oneroster_import(source=OneRosterSet.from_files(files), by=None)
    text = "\n".join(problem_texts(caught.value))
    assert f"users.csv, line {upn_line}, column identifier: the UPN" in text
    assert "enrollments.csv, line 5, column classSourcedId: 'no-such-class' is not a class" in text
    assert (
        "classes.csv, line 10, column sourcedId: the sourcedId" in text and "appears twice" in text
    )
    assert len(caught.value.problems) == 3
    assert not Pupil.objects.filter(school=empty_school).exists()
    assert not Class.objects.filter(school=empty_school).exists()


def test_a_wrong_header_is_named(empty_school: School) -> None:
    files = oneroster_sample(urn=SAMPLE_URN)
    files["classes.csv"] = files["classes.csv"].replace(b"classType", b"class_type", 1)
    with pytest.raises(ImportProblems) as caught:
        oneroster_import(source=OneRosterSet.from_files(files), by=None)
    assert "classes.csv, line 1, column classType: the column classType is missing" in str(
        caught.value
    )
    assert "class_type is not a OneRoster 1.2 column" in str(caught.value)
    assert len(caught.value.problems) == 2  # not one more for every enrolment into a class


def test_columns_out_of_order_are_refused(empty_school: School) -> None:
    files = oneroster_sample(urn=SAMPLE_URN)
    rows = [line.split(",") for line in files["orgs.csv"].decode().strip().split("\r\n")]
    swapped = [[r[0], r[2], r[1], *r[3:]] for r in rows]
    files["orgs.csv"] = "\r\n".join(",".join(r) for r in swapped).encode() + b"\r\n"
    with pytest.raises(ImportProblems, match="must be in the specified order"):
        oneroster_import(source=OneRosterSet.from_files(files), by=None)


def test_a_school_org_with_a_urn_becomes_a_school_in_a_fresh_database(db: None) -> None:
    summary = oneroster_import(
        source=OneRosterSet.from_files(oneroster_sample(urn=SAMPLE_URN)), by=None
    )
    school = School.objects.get(urn=SAMPLE_URN)
    assert (school.name, school.phase) == (f"School {SAMPLE_URN}", "secondary")
    assert any(f"(URN {SAMPLE_URN}) was created" in note for note in summary.notes)
    assert Pupil.objects.filter(school=school).count() == 60


def test_a_page_import_makes_no_school_for_an_unknown_urn(cast: object) -> None:
    primary = School.objects.get(urn=990101)
    with pytest.raises(ImportProblems, match="no school here has the URN 990301"):
        oneroster_import(
            source=OneRosterSet.from_files(oneroster_sample(urn=SAMPLE_URN)),
            by=None,
            schools=[primary],
        )
    assert not School.objects.filter(urn=SAMPLE_URN).exists()


def test_page_imports_are_limited_to_the_page_school(empty_school: School, cast: object) -> None:
    primary = School.objects.get(urn=990101)
    with pytest.raises(ImportProblems, match="not a school you manage here"):
        oneroster_import(
            source=OneRosterSet.from_files(oneroster_sample(urn=SAMPLE_URN)),
            by=None,
            schools=[primary],
        )


def test_bulk_set_without_a_pupil_marks_them_as_left_and_ends_enrolments(
    empty_school: School,
) -> None:
    files = oneroster_sample(urn=SAMPLE_URN, pupils=10, guardians=False)
    oneroster_import(source=OneRosterSet.from_files(files), by=None, today=dt.date(2026, 10, 1))
    fewer = oneroster_sample(urn=SAMPLE_URN, pupils=9, guardians=False)
    summary = oneroster_import(
        source=OneRosterSet.from_files(fewer), by=None, today=dt.date(2026, 10, 1)
    )
    gone = Pupil.objects.get(school=empty_school, upn=sample_upn(938, 9))
    assert gone.leaving_date == dt.date(2026, 10, 1)
    assert summary.counts["pupils"].ended == 1
    open_ones = Enrolment.objects.filter(pupil=gone, ends_on__isnull=True)
    assert not open_ones.exists()


def test_delta_updates_a_name_and_ends_an_enrolment(empty_school: School) -> None:
    files = oneroster_sample(urn=SAMPLE_URN, pupils=5, guardians=False)
    oneroster_import(source=OneRosterSet.from_files(files), by=None, today=dt.date(2026, 10, 1))
    users = files["users.csv"].decode().split("\r\n")
    enrolments = files["enrollments.csv"].decode().split("\r\n")
    pupil_row = next(row for row in users if f"p{SAMPLE_URN}-2," in row)
    fields = pupil_row.split(",")
    fields[1], fields[2], fields[6] = "active", "2026-10-02T09:00:00Z", "Zara"
    ended = enrolments[1].split(",")
    ended[1], ended[2] = "tobedeleted", "2026-10-02T09:00:00Z"
    roles = files["roles.csv"].decode().split("\r\n")
    role_row = next(row for row in roles if fields[0] in row).split(",")
    role_row[1], role_row[2] = "active", "2026-10-02T09:00:00Z"
    delta = {
        "manifest.csv": files["manifest.csv"]
        .replace(b"file.users,bulk", b"file.users,delta")
        .replace(b"file.enrollments,bulk", b"file.enrollments,delta")
        .replace(b"file.roles,bulk", b"file.roles,delta")
        .replace(b"file.orgs,bulk", b"file.orgs,absent")
        .replace(b"file.academicSessions,bulk", b"file.academicSessions,absent")
        .replace(b"file.courses,bulk", b"file.courses,absent")
        .replace(b"file.classes,bulk", b"file.classes,absent")
        .replace(b"file.demographics,bulk", b"file.demographics,absent"),
        "users.csv": f"{users[0]}\r\n{','.join(fields)}\r\n".encode(),
        "roles.csv": f"{roles[0]}\r\n{','.join(role_row)}\r\n".encode(),
        "enrollments.csv": f"{enrolments[0]}\r\n{','.join(ended)}\r\n".encode(),
    }
    summary = oneroster_import(
        source=OneRosterSet.from_files(delta), by=None, today=dt.date(2026, 10, 2)
    )
    assert Pupil.objects.get(school=empty_school, upn=sample_upn(938, 2)).legal_forename == "Zara"
    assert summary.counts["pupils"].updated == 1 and summary.counts["enrolments"].ended == 1
    mapping = SourcedId.objects.get(school=empty_school, kind="enrollment", sourced_id=ended[0])
    assert Enrolment.objects.get(pk=mapping.object_id).ends_on == dt.date(2026, 10, 1)


def test_tobedeleted_in_a_bulk_file_is_refused(empty_school: School) -> None:
    files = oneroster_sample(urn=SAMPLE_URN, pupils=3, guardians=False)
    files = replace_line(files, "orgs.csv", 2, ",,", ",tobedeleted,")
    with pytest.raises(
        ImportProblems,
        match="orgs.csv, line 2, column status: tobedeleted is only allowed in delta",
    ):
        oneroster_import(source=OneRosterSet.from_files(files), by=None)


def test_a_folder_source_reads_the_csv_files(empty_school: School, tmp_path: Path) -> None:
    for name, data in oneroster_sample(urn=SAMPLE_URN, pupils=4).items():
        (tmp_path / name).write_bytes(data)
    summary = oneroster_import(source=OneRosterSet.from_path(tmp_path), by=None)
    assert summary.counts["pupils"].created == 4


def test_a_non_utf8_file_is_a_problem_not_a_crash(empty_school: School) -> None:
    files = oneroster_sample(urn=SAMPLE_URN, pupils=3)
    files["users.csv"] = files["users.csv"] + "Zoë,".encode("latin-1") + b"\r\n"
    with pytest.raises(
        ImportProblems, match=r"users.csv, line \d+: character \d+ is not UTF-8 text"
    ):
        oneroster_import(source=OneRosterSet.from_files(files), by=None)


def test_zip_of_something_else_is_refused_clearly(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr("readme.txt", "hello")
    with pytest.raises(Unreadable, match="x.zip: the zip holds no CSV files"):
        OneRosterSet.from_zip(buffer.getvalue(), "x.zip")
