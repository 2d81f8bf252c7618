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
    assert summary.created == 12 + 4 + 24 + 24 + 25 + 5 + 72 + 12  # 24 parent links
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


# -- a parent's link to a child ends when the MIS no longer holds it (issue 18) ----------------


def _parent_of(wonde: WondeServer, contact_index: int) -> tuple[Any, Guardian, Pupil]:
    """The nextsteps parent (with an account) made from one Wonde contact, and their child."""
    from nextsteps.accounts.models import Role, User
    from nextsteps.accounts.services import membership_grant

    record = wonde.data.lists["contacts"][contact_index]
    link = WondeLink.objects.get(kind=WondeLink.Kind.CONTACT, wonde_id=record["id"])
    guardian = Guardian.objects.get(pk=link.object_id)
    child_link = WondeLink.objects.get(
        kind=WondeLink.Kind.STUDENT, wonde_id=record["students"]["data"][0]["id"]
    )
    child = Pupil.objects.get(pk=child_link.object_id)
    user = User.objects.create_user(f"parent{contact_index}", password="not-used-0123")
    membership_grant(user=user, school=guardian.school, role=Role.GUARDIAN, by=None)
    guardian.user = user
    guardian.save(update_fields=["user"])
    return user, guardian, child


def _sees(user: Any, child: Pupil) -> bool:
    """Whether the parent sees the child: through the access layer and on the parent's page."""
    from django.test import Client
    from django.urls import reverse

    from nextsteps import access

    listed = access.children_of(user, child.school).filter(pk=child.pk).exists()
    scoped = access.pupils_for(user, child.school).filter(pk=child.pk).exists()
    client = Client()
    client.force_login(user)
    page = client.get(
        reverse("feedback:child", kwargs={"urn": child.school.urn, "pupil_id": child.pk})
    )
    assert listed == scoped == (page.status_code == 200)
    assert page.status_code in (200, 404)
    return listed


def test_a_contact_removed_in_wonde_ends_the_parents_link_to_the_child(
    db: Any, wonde: WondeServer
) -> None:
    from django.utils import timezone

    from nextsteps.audit.models import AuditEvent

    today = timezone.localdate()
    wonde_sync(urn=URN, by=None, today=today)
    user, guardian, child = _parent_of(wonde, 0)
    assert _sees(user, child)
    removed = wonde.data.lists["contacts"].pop(0)
    summary = wonde_sync(urn=URN, by=None, today=today, full=True)
    link = GuardianLink.objects.get(guardian=guardian, pupil=child)
    assert link.ends_on == today - dt.timedelta(days=1)  # kept, ended
    assert not _sees(user, child)
    assert Guardian.objects.filter(pk=guardian.pk).exists()  # never deleted
    assert summary.counts["Links to parents and carers"].left == 1
    assert any("1 ended" in line for line in summary.lines())
    event = AuditEvent.objects.get(action="guardian.link.end")
    assert event.after["ended"][0]["pupil"] == child.pk
    assert event.after["ended"][0]["guardian"] == guardian.pk
    # The other parent keeps the child; the next sync changes nothing more.
    assert GuardianLink.objects.filter(pupil=child, ends_on__isnull=True).count() == 1
    again = wonde_sync(urn=URN, by=None, today=today, full=True)
    assert (again.created, again.updated) == (0, 0)
    # Wonde lists the parent for the child again: the same link holds again.
    wonde.data.lists["contacts"].insert(0, removed)
    wonde.data.touch(removed)
    wonde_sync(urn=URN, by=None, today=today)
    assert _sees(user, child)
    assert GuardianLink.objects.filter(guardian=guardian, pupil=child).count() == 1


def test_a_delta_ends_the_link_of_a_contact_wonde_changed_or_deleted(
    db: Any, wonde: WondeServer
) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    wonde_sync(urn=URN, by=None, today=today)
    user, _guardian, child = _parent_of(wonde, 2)
    other_user, _other, other_child = _parent_of(wonde, 4)
    # Contact 2 no longer has its child in Wonde; contact 4 is deleted from Wonde.
    changed = wonde.data.lists["contacts"][2]
    changed["students"]["data"] = []
    wonde.data.touch(changed)
    gone = wonde.data.lists["contacts"].pop(4)
    wonde.data.clock += dt.timedelta(hours=1)
    wonde.data.lists["deletions"].append(deletion(gone["id"], wonde.data.clock, kind="contact"))
    summary = wonde_sync(urn=URN, by=None, today=today)
    assert summary.delta_from
    assert not _sees(user, child) and not _sees(other_user, other_child)
    assert summary.counts["Links to parents and carers"].left == 2


def test_a_pupil_who_leaves_ends_every_parents_link(db: Any, wonde: WondeServer) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    wonde_sync(urn=URN, by=None, today=today)
    user, _guardian, child = _parent_of(wonde, 0)
    record = next(
        s
        for s in wonde.data.lists["students"]
        if s["id"] == wonde.data.lists["contacts"][0]["students"]["data"][0]["id"]
    )
    wonde.data.lists["students"].remove(record)
    summary = wonde_sync(urn=URN, by=None, today=today, full=True)
    assert Pupil.objects.get(pk=child.pk).leaving_date == today
    assert not _sees(user, child)
    assert GuardianLink.objects.filter(pupil=child, ends_on__isnull=True).count() == 0
    assert GuardianLink.objects.filter(pupil=child).count() == 2  # both kept
    assert summary.counts["Links to parents and carers"].left == 2


def test_a_dry_run_ends_no_link(db: Any, wonde: WondeServer) -> None:
    from django.utils import timezone

    from nextsteps.audit.models import AuditEvent

    today = timezone.localdate()
    wonde_sync(urn=URN, by=None, today=today)
    user, guardian, child = _parent_of(wonde, 0)
    wonde.data.lists["contacts"].pop(0)
    summary = wonde_sync(urn=URN, by=None, today=today, full=True, dry_run=True)
    assert summary.counts["Links to parents and carers"].left == 1  # it says what would end
    assert GuardianLink.objects.get(guardian=guardian, pupil=child).ends_on is None
    assert _sees(user, child)
    assert not AuditEvent.objects.filter(action="guardian.link.end").exists()


# -- Wonde's documented shapes, and the client's care with them ---------------------------------


def test_the_local_server_answers_in_wondes_documented_shapes(wonde: WondeServer) -> None:
    """docs.wonde.com/docs/api/sync: pagination, includes, a class's subject, dates."""
    client = WondeClient(wonde.url, TOKEN)
    base = f"schools/{wonde.data.school_id}"
    # 50 or fewer without per_page: no pagination object (and the client reads it whole).
    body = client.get(client.url(f"{base}/employees"))
    assert "pagination" not in body["meta"] and len(body["data"]) == 4
    # per_page forces pagination; `next` is a full URL keeping the request's parameters.
    body = client.get(client.url(f"{base}/classes", {"per_page": "2", "include": "subject"}))
    pagination = body["meta"]["pagination"]
    assert pagination["more"] is True and pagination["per_page"] == 2
    assert pagination["next"].startswith(wonde.url) and "include=subject" in pagination["next"]
    assert body["meta"]["includes"] == ["subject"]
    assert body["data"][0]["subject"]["data"]["name"] == "English"
    # Without the include, a class's subject is the subject's id.
    plain = client.get(client.url(f"{base}/classes", {"per_page": "2"}))
    assert plain["data"][0]["subject"] == "SENG"
    # Included students are whole student objects; a student's gender is MALE or FEMALE and
    # its date of birth a date object.
    with_students = client.get(client.url(f"{base}/classes", {"include": "students"}))
    member = with_students["data"][0]["students"]["data"][0]
    assert member["gender"] in {"MALE", "FEMALE"} and member["legal_surname"]
    assert set(member["date_of_birth"]) == {"date", "timezone_type", "timezone"}
    assert "education_details" not in member
    # The schools list takes the documented urn filter.
    assert [s["urn"] for s in client.all("schools", {"urn": str(URN)})] == [URN]
    assert client.all("schools", {"urn": "100000"}) == []


def test_a_page_that_promises_more_without_a_next_stops_the_sync(
    db: Any, wonde: WondeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading it as the end would make every pupil on the unread pages a leaver."""
    sync()
    original = wonde.page

    def broken(*args: Any) -> dict[str, Any]:
        body = original(*args)
        pagination = body["meta"].get("pagination")
        if pagination and pagination["more"] and "students" in args[2]:
            pagination["next"] = None
        return body

    monkeypatch.setattr(wonde, "page", broken)
    with pytest.raises(WondeError, match="says there is more but gives no next page"):
        sync(full=True)
    assert not Pupil.objects.filter(school__urn=URN, leaving_date__isnull=False).exists()


def test_a_next_page_on_another_host_is_not_followed(
    wonde: WondeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = wonde.page

    def elsewhere(*args: Any) -> dict[str, Any]:
        body = original(*args)
        pagination = body["meta"].get("pagination")
        if pagination and pagination["next"]:
            pagination["next"] = pagination["next"].replace("127.0.0.1", "localhost")
        return body

    monkeypatch.setattr(wonde, "page", elsewhere)
    client = WondeClient(wonde.url, TOKEN)
    with pytest.raises(WondeError, match="not followed, so the token is not sent elsewhere"):
        client.all(f"schools/{wonde.data.school_id}/students")
    assert client.requests == 1


def test_a_date_of_birth_given_as_a_plain_date_is_read(db: Any, wonde: WondeServer) -> None:
    """The employee object documents dates of birth as plain dates; a student's may come so."""
    record = wonde.data.lists["students"][0]
    record["date_of_birth"] = "2012-03-04"
    sync()
    pupil = Pupil.objects.get(upn=record["education_details"]["data"]["upn"])
    assert pupil.date_of_birth == dt.date(2012, 3, 4)


def test_the_command_exits_non_zero_with_a_clear_message_when_wonde_refuses(
    db: Any,
    wonde: WondeServer,
    settings: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.db import connections

    from nextsteps.cli import main

    # The command line closes its connections when it ends; the test's database must stay.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    settings.WONDE_TOKEN = "wrong"
    with pytest.raises(SystemExit) as stopped:
        main(["sync", "wonde", "--school", str(URN)])
    assert stopped.value.code not in (0, None)
    assert "Wonde refused the token (HTTP 401)" in capsys.readouterr().err
    settings.WONDE_TOKEN = TOKEN
    with pytest.raises(SystemExit) as stopped:
        main(["sync", "wonde", "--school", "123456"])
    assert stopped.value.code not in (0, None)
    assert "No school with URN 123456 has approved" in capsys.readouterr().err
    # A sync that ran, even with a conflict, exits 0.
    assert main(["sync", "wonde", "--school", str(URN)]) == 0
    assert "Wonde sync into Ashby Vale Academy" in capsys.readouterr().out


def test_the_benchmark_school_has_a_valid_distinct_upn_for_every_pupil() -> None:
    """A UPN's serial has three digits: a school of 1,500 must not make 14-character UPNs
    (the sync would skip those pupils and the benchmark would measure a smaller school)."""
    from nextsteps.people.upn import upn_clean

    data = build_school(WondeData(urn=URN), pupils=1500)
    upns = [upn_clean(s["education_details"]["data"]["upn"]) for s in data.lists["students"]]
    assert len(set(upns)) == 1500
