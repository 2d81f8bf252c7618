"""The Wonde sync against a local Wonde server: the rules of issue 18, point 1."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nextsteps.cli import usage
from nextsteps.interop.models import ImportRun, WondeLink, WondeSchool
from nextsteps.interop.wonde_client import WondeClient, WondeError, WondeRefused
from nextsteps.interop.wonde_sync import WondeSchoolNotFound, wonde_sync
from nextsteps.people.models import Attendance, Guardian, GuardianLink, Pupil, Staff
from nextsteps.schools.models import RegisteredEstablishment, School
from nextsteps.teaching.models import Class, ClassStaff, Enrolment, GroupMembership, PupilGroup
from tests.interop.wonde_server import (
    TOKEN,
    WondeData,
    WondeServer,
    build_school,
    deletion,
    student,
)

URN = 990777
TODAY = dt.date(2026, 10, 5)
# Tables a sync's own bookkeeping writes even when nothing changed: its log line, the audit
# record of it, and when it began (for the next delta).
BOOKKEEPING = ("interop_importrun", "audit_auditevent", "interop_wondeschool")


@pytest.fixture
def wonde(settings: Any) -> Iterator[WondeServer]:
    data = build_school(WondeData(urn=URN), pupils=12, per_class=6, staff=4)
    # Two records a page, so every list is several pages and pagination must be followed.
    with WondeServer(data, per_page_cap=2) as server:
        settings.WONDE_API_URL = server.url
        settings.WONDE_TOKEN = TOKEN
        yield server


def sync(**kwargs: Any) -> Any:
    return wonde_sync(urn=URN, by=None, today=TODAY, **kwargs)


def data_writes(queries: list[dict[str, str]]) -> list[str]:
    """The INSERT, UPDATE and DELETE statements outside the sync's own bookkeeping."""
    found = []
    for query in queries:
        sql = query["sql"].strip()
        if not re.match(r"(?i)^(insert|update|delete)", sql):
            continue
        if any(table in sql for table in BOOKKEEPING):
            continue
        found.append(sql[:120])
    return found


def test_first_sync_sets_up_the_school_and_everything_wonde_holds(
    db: Any, wonde: WondeServer
) -> None:
    summary = sync()
    school = School.objects.get(urn=URN)
    assert summary.school_created and school.name == "Ashby Vale Academy"
    assert school.phase == School.Phase.SECONDARY
    assert Pupil.objects.filter(school=school).count() == 12
    assert Staff.objects.filter(school=school).count() == 4
    assert Guardian.objects.filter(school=school).count() == 24
    assert GuardianLink.objects.filter(school=school, relationship="Mother").count() == 12
    assert Class.objects.filter(school=school, kind=Class.Kind.TEACHING).count() == 25
    assert Class.objects.filter(school=school, kind=Class.Kind.FORM).count() == 5
    assert Enrolment.objects.filter(school=school).count() == 12 * 5 + 12
    assert ClassStaff.objects.filter(school=school).count() == 25
    assert Attendance.objects.filter(school=school).count() == 12
    first = wonde.data.lists["students"][0]
    pupil = Pupil.objects.get(upn=first["education_details"]["data"]["upn"])
    assert (pupil.legal_forename, pupil.year_group) == ("Amara", 7)
    assert pupil.fsm and pupil.disadvantaged and pupil.sen_status == "K"
    assert summary.created == 12 + 4 + 24 + 25 + 5 + 72 + 12
    # Every list was paged two records at a time: the sync followed `next` to the end.
    assert summary.requests == len(wonde.requests) > 30
    assert any("page=6" in path for path in wonde.requests)
    run = ImportRun.objects.get(school=school, kind=ImportRun.Kind.WONDE)
    assert run.summary["created"] == summary.created


def test_unchanged_resync_changes_nothing_and_writes_nothing(db: Any, wonde: WondeServer) -> None:
    sync()
    with CaptureQueriesContext(connection) as queries:
        summary = sync(full=True)
    assert "0 created, 0 updated" in summary.lines()[0]
    assert data_writes(queries.captured_queries) == []
    # And the delta a daily sync makes: nothing changed since, so nothing is even sent.
    with CaptureQueriesContext(connection) as queries:
        delta = sync()
    assert "0 created, 0 updated" in delta.lines()[0]
    assert data_writes(queries.captured_queries) == []


def test_after_the_first_sync_only_changes_are_asked_for(db: Any, wonde: WondeServer) -> None:
    sync()
    wonde.requests.clear()
    sync()
    listed = [p for p in wonde.requests if "/schools/" in p and "page=" not in p.split("?")[0]]
    assert listed and all("updated_after=" in p for p in listed)


def test_a_name_or_characteristic_change_updates(db: Any, wonde: WondeServer) -> None:
    sync()
    record = wonde.data.lists["students"][1]
    record["legal_surname"] = record["surname"] = "Okafor"
    record["extended_details"]["data"]["free_school_meals"] = True
    wonde.data.touch(record)
    summary = sync()
    pupil = Pupil.objects.get(upn=record["education_details"]["data"]["upn"])
    assert pupil.legal_surname == "Okafor" and pupil.fsm
    assert summary.updated == 1 and summary.created == 0
    (update,) = summary.identity.updates
    assert {c.field for c in update.changes} == {"legal_surname", "fsm"}


def test_a_pupil_who_leaves_wonde_becomes_a_leaver_and_is_kept(db: Any, wonde: WondeServer) -> None:
    sync()
    gone = wonde.data.lists["students"].pop(0)
    summary = sync(full=True)
    pupil = Pupil.objects.get(upn=gone["education_details"]["data"]["upn"])
    assert pupil.leaving_date == TODAY
    assert summary.counts["Pupils"].left == 1
    # A delta learns of a leaver from Wonde's deletions.
    second = wonde.data.lists["students"][0]
    wonde.data.clock += dt.timedelta(hours=1)
    wonde.data.lists["deletions"].append(deletion(second["id"], wonde.data.clock))
    sync()
    assert Pupil.objects.get(upn=second["education_details"]["data"]["upn"]).leaving_date == TODAY
    assert Pupil.objects.filter(school__urn=URN).count() == 12


def test_a_leaving_date_in_wonde_makes_a_leaver(db: Any, wonde: WondeServer) -> None:
    sync()
    record = wonde.data.lists["students"][2]
    record["education_details"]["data"]["leaving_date"] = {"date": "2026-10-02 00:00:00.000000"}
    wonde.data.touch(record)
    sync()
    pupil = Pupil.objects.get(upn=record["education_details"]["data"]["upn"])
    assert pupil.leaving_date == dt.date(2026, 10, 2)


def test_an_identity_conflict_is_reported_by_upn_not_applied_and_the_rest_applies(
    db: Any, wonde: WondeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    school = School.objects.create(urn=URN, name="Ashby Vale Academy", phase="secondary")
    record = wonde.data.lists["students"][3]
    upn = record["education_details"]["data"]["upn"]
    omar = Pupil.objects.create(
        school=school,
        upn=upn,
        legal_forename="Omar",
        legal_surname="Harris",
        date_of_birth=dt.date(2012, 3, 3),
        gender="M",
        year_group=8,
        admission_date=dt.date(2023, 9, 1),
    )
    call_command("sync", "wonde", "--school", str(URN))  # exits 0: conflicts do not stop it
    out = capsys.readouterr().out
    assert f"UPN {upn} matches Omar Harris (born 2012-03-03)" in out
    assert "not applied" in out
    omar.refresh_from_db()
    assert (omar.legal_forename, omar.legal_surname) == ("Omar", "Harris")
    assert Pupil.objects.filter(school=school).count() == 12  # the 11 others were added
    assert not WondeLink.objects.filter(school=school, object_id=omar.pk, kind="student").exists()
    run = ImportRun.objects.get(school=school, kind=ImportRun.Kind.WONDE)
    assert run.summary["conflicts"][0]["upn"] == upn


def test_dry_run_writes_nothing(db: Any, wonde: WondeServer) -> None:
    with CaptureQueriesContext(connection) as queries:
        summary = sync(dry_run=True)
    assert summary.created > 0 and summary.lines()[0].startswith("Dry run")
    assert not School.objects.filter(urn=URN).exists()
    assert not Pupil.objects.filter(school__urn=URN).exists()
    assert not WondeSchool.objects.exists() and not WondeLink.objects.exists()
    assert any(q["sql"].startswith("INSERT") for q in queries.captured_queries)  # then rolled back


def test_what_the_school_set_up_itself_is_never_touched(db: Any, wonde: WondeServer) -> None:
    sync()
    school = School.objects.get(urn=URN)
    klass = Class.objects.get(school=school, name="7Ma1")
    pupil = Enrolment.objects.filter(teaching_class=klass).first().pupil
    circles = PupilGroup.objects.create(school=school, teaching_class=klass, name="Circles")
    GroupMembership.objects.create(
        school=school, group=circles, pupil=pupil, starts_on=dt.date(2026, 9, 10)
    )
    helper = Staff.objects.create(school=school, forename="Ada", surname="Lamb")
    ClassStaff.objects.create(school=school, teaching_class=klass, staff=helper, role="ta")
    record = next(c for c in wonde.data.lists["classes"] if c["name"] == "7Ma1")
    record["students"]["data"].pop()  # someone moves out of the class in the MIS
    wonde.data.touch(record)
    sync()
    assert GroupMembership.objects.filter(group=circles, pupil=pupil, ends_on=None).exists()
    assert ClassStaff.objects.filter(teaching_class=klass, staff=helper).exists()
    ended = Enrolment.objects.filter(teaching_class=klass, ends_on__isnull=False)
    assert ended.count() == 1  # ended, not deleted


def test_a_refused_token_stops_with_a_clear_message(
    db: Any, wonde: WondeServer, settings: Any
) -> None:
    settings.WONDE_TOKEN = "wrong"
    with pytest.raises(CommandError, match="Wonde refused the token \\(HTTP 401\\)"):
        call_command("sync", "wonde", "--school", str(URN))
    assert not School.objects.filter(urn=URN).exists()


def test_a_school_that_has_not_approved_the_token_is_named(db: Any, wonde: WondeServer) -> None:
    with pytest.raises(CommandError, match="No school with URN 123456 has approved"):
        call_command("sync", "wonde", "--school", "123456")
    with pytest.raises(WondeSchoolNotFound):
        wonde_sync(urn=123456, by=None)


def test_a_429_is_retried_after_the_time_wonde_asks(db: Any, wonde: WondeServer) -> None:
    waits: list[float] = []
    wonde.throttle, wonde.retry_after = 2, "3"
    client = WondeClient(wonde.url, TOKEN, sleep=waits.append)
    summary = wonde_sync(urn=URN, by=None, client=client, today=TODAY)
    assert waits == [3.0, 3.0] and client.retries == 2
    assert summary.created > 0


def test_retries_are_bounded(wonde: WondeServer) -> None:
    wonde.throttle, wonde.retry_after = 50, "1"
    client = WondeClient(wonde.url, TOKEN, sleep=lambda _: None, max_retries=3)
    with pytest.raises(WondeError, match="429"):
        client.all("schools")
    assert client.requests == 4


def test_a_wrong_token_is_refused_by_the_client(wonde: WondeServer) -> None:
    with pytest.raises(WondeRefused):
        WondeClient(wonde.url, "nope").all("schools")


def test_a_school_created_by_a_sync_takes_its_details_from_the_register(
    db: Any, wonde: WondeServer
) -> None:
    RegisteredEstablishment.objects.create(
        urn=URN,
        name="Ashby Vale Academy (register)",
        phase="All-through",
        establishment_type="Academy converter",
        local_authority="East Sussex",
        la_code="845",
        estab="4001",
    )
    sync()
    school = School.objects.get(urn=URN)
    assert school.name == "Ashby Vale Academy (register)"
    assert school.phase == School.Phase.ALL_THROUGH
    assert (school.establishment_type, school.local_authority) == (
        "Academy converter",
        "East Sussex",
    )


def test_a_new_student_without_a_valid_upn_is_named_and_the_rest_applies(
    db: Any, wonde: WondeServer
) -> None:
    wonde.data.lists["students"].append(
        student(
            "A9999999",
            upn="NOT-A-UPN",
            forename="Zed",
            surname="Quinn",
            born=dt.date(2014, 1, 1),
            year="7",
        )
    )
    wonde.data.touch(wonde.data.lists["students"][-1])
    summary = sync()
    assert any("Student A9999999: not applied, the UPN" in line for line in summary.lines())
    assert Pupil.objects.filter(school__urn=URN).count() == 12


def test_the_command_line_lists_sync() -> None:
    assert re.search(r"^  sync\s+keep a school in step with its MIS", usage(), re.MULTILINE)


def test_sync_now_on_the_data_page_shows_the_summary_and_the_conflict(
    cast: Any, settings: Any
) -> None:
    from django.urls import reverse

    data = build_school(WondeData(urn=cast.primary.urn), pupils=3, per_class=3, staff=2)
    record = data.lists["students"][0]
    record["education_details"]["data"]["upn"] = cast.amara.upn  # someone else, same UPN
    with WondeServer(data) as server:
        settings.WONDE_API_URL, settings.WONDE_TOKEN = server.url, TOKEN
        url = reverse("interop_wonde_sync", kwargs={"urn": cast.primary.urn})
        assert cast.client("teacher").post(url).status_code == 403
        admin = cast.client("admin")
        response = admin.post(url)
        assert response.status_code == 302
    page = admin.get(reverse("interop_home", kwargs={"urn": cast.primary.urn})).content.decode()
    assert "Last sync" in page and "Sync now" in page
    assert "Not applied: 1 pupil" in page and cast.amara.upn in page
    amara = Pupil.objects.get(pk=cast.amara.pk)
    assert amara.legal_surname != record["legal_surname"]
