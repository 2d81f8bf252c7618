"""The Wonde sync's plan is plain data: rows read from Wonde against what the school holds,
with no database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nextsteps.interop.kernels.roster_plan import Place
from nextsteps.interop.kernels.wonde import (
    ATTENDANCE,
    CLASS,
    CLASSES,
    CONTACT,
    EMPLOYEE,
    GUARDIAN_LINKS,
    NEW,
    PLACES,
    PUPILS,
    STAFF,
    STUDENT,
    ClassCreate,
    ClassRecord,
    GuardianLinkRecord,
    Holdings,
    plan_sync,
)
from nextsteps.interop.kernels.wonde_rows import WondeRows, read_rows

TODAY = dt.date(2026, 10, 5)
YESTERDAY = TODAY - dt.timedelta(days=1)
SEPT = dt.date(2026, 9, 1)
UPN_AMARA = "A123456789012"
UPN_BEN = "B123456789012"


def upn_check(upn: str) -> tuple[str, str]:
    return (upn, "") if len(upn) == 13 else ("", f"{upn!r} is not 13 characters")


def student(wonde_id: str, upn: str, forename: str, surname: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": wonde_id,
        "forename": forename,
        "surname": surname,
        "date_of_birth": {"date": "2015-03-01 00:00:00.000000"},
        "education_details": {"data": {"upn": upn, "current_nc_year": "7", **extra}},
    }


def record(pupil_id: int, upn: str, forename: str, surname: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": pupil_id,
        "upn": upn,
        "legal_forename": forename,
        "legal_surname": surname,
        "preferred_forename": "",
        "preferred_surname": "",
        "date_of_birth": dt.date(2015, 3, 1),
        "gender": "X",
        "year_group": 7,
        "sen_status": "N",
        "disadvantaged": False,
        "fsm": False,
        "eal": False,
        "admission_date": SEPT,
        "leaving_date": None,
        **extra,
    }


def rows(**lists: Any) -> WondeRows:
    given: dict[str, Any] = {
        "students": [],
        "deletions": [],
        "employees": [],
        "contacts": [],
        "classes": [],
        "groups": [],
        "attendance": [],
        "full": True,
        **lists,
    }
    return read_rows(upn_check=upn_check, **given)


def employee(wonde_id: str, forename: str, surname: str) -> dict[str, Any]:
    return {"id": wonde_id, "forename": forename, "surname": surname}


def test_a_new_school_is_planned_as_creates_named_by_new_ids() -> None:
    plan = plan_sync(
        rows(
            students=[student("S1", UPN_AMARA, "Amara", "Okafor")],
            employees=[employee("E1", "Jo", "Hart")],
            contacts=[
                {
                    "id": "C1",
                    "surname": "Okafor",
                    "students": {"data": [{"id": "S1", "pivot": {"relationship": "Mother"}}]},
                }
            ],
            classes=[
                {
                    "id": "K1",
                    "name": "7A/Ma",
                    "students": {"data": [{"id": "S1"}]},
                    "employees": {"data": [{"id": "E1"}]},
                }
            ],
            attendance=[{"student": "S1", "possible_marks": 40, "present": 38}],
        ),
        Holdings(),
        today=TODAY,
    )
    assert [p["upn"] for p in plan.new_pupils] == [UPN_AMARA]
    assert plan.new_pupils[0]["admission_date"] == TODAY
    assert [g["surname"] for g in plan.new_guardians] == ["Okafor"]
    assert plan.new_guardian_links == [
        {
            "guardian_id": None,
            "new_index": 0,
            "pupil_id": NEW,
            "relationship": "Mother",
            "parental_responsibility": True,
        }
    ]
    (teaching,) = plan.passes[0].changes
    assert teaching == ClassCreate(NEW, "7A/Ma", "teaching", 7, ())
    assert plan.passes[0].opened == [(NEW, NEW, TODAY)]
    assert plan.passes[0].staff_added == [(NEW, NEW)]
    assert plan.attendance[0]["pupil_id"] == NEW
    assert plan.attendance[0]["attended_sessions"] == 38
    assert (STUDENT, "S1", NEW) in plan.links_new
    assert (EMPLOYEE, "E1", NEW) in plan.links_new
    assert (CONTACT, "C1", NEW) in plan.links_new
    assert (CLASS, "K1", NEW) in plan.links_new
    assert plan.counts[PUPILS].created == plan.counts[STAFF].created == 1
    assert plan.counts[PLACES].created == 1
    # The summary lists the kinds in this order.
    assert list(plan.counts)[:5] == [PUPILS, STAFF, "guardians", GUARDIAN_LINKS, CLASSES]
    assert list(plan.counts)[-1] == ATTENDANCE


def test_a_upn_naming_someone_else_is_a_conflict_and_is_not_applied() -> None:
    someone_else = record(7, UPN_AMARA, "Zed", "Quinn", date_of_birth=dt.date(2014, 1, 1))
    plan = plan_sync(
        rows(students=[student("S1", UPN_AMARA, "Amara", "Okafor")]),
        Holdings(pupils_by_upn={UPN_AMARA: someone_else}),
        today=TODAY,
    )
    (conflict,) = plan.identity.conflicts
    assert (conflict.file, conflict.line, conflict.upn) == ("Wonde", 1, UPN_AMARA)
    assert plan.new_pupils == [] and plan.pupil_changes == {}
    assert plan.links_new == []  # the pupil is not linked to the Wonde student
    assert plan.counts[PUPILS].created == plan.counts[PUPILS].updated == 0


def test_a_pupil_missing_from_a_full_sync_leaves_and_their_places_and_links_end() -> None:
    held = Holdings(
        links={STUDENT: {"S1": 1, "S2": 2}, CONTACT: {"C2": 20}, CLASS: {"K1": 100}},
        pupils_by_id={
            1: record(1, UPN_AMARA, "Amara", "Okafor"),
            2: record(2, UPN_BEN, "Ben", "Hale"),
        },
        pupils_by_upn={UPN_AMARA: record(1, UPN_AMARA, "Amara", "Okafor")},
        guardians={20: {"id": 20, "title": "", "forename": "", "surname": "Hale", "email": ""}},
        guardian_links=[GuardianLinkRecord(50, 20, 2, "Father", True, None)],
        year_id=9,
        classes=[ClassRecord(100, "7A/Ma", 7)],
        places=[Place(500, 1, 100, SEPT, None), Place(501, 2, 100, SEPT, None)],
    )
    plan = plan_sync(
        rows(
            students=[student("S1", UPN_AMARA, "Amara", "Okafor")],
            classes=[{"id": "K1", "name": "7A/Ma", "students": {"data": [{"id": "S1"}]}}],
        ),
        held,
        today=TODAY,
    )
    assert plan.pupil_changes == {2: {"leaving_date": TODAY}}
    assert plan.counts[PUPILS].left == 1 and plan.counts[PUPILS].unchanged == 1
    assert plan.link_ends == {50: YESTERDAY}
    assert plan.counts[GUARDIAN_LINKS].left == 1
    assert plan.passes[0].ended == {501: YESTERDAY}
    assert plan.passes[0].opened == []
    assert plan.counts[PLACES].left == 1 and plan.counts[PLACES].unchanged == 1
    # The holdings handed in are not changed by planning.
    assert held.places[1].ends_on is None


def test_only_wondes_own_staff_are_taken_off_a_class() -> None:
    held = Holdings(
        links={EMPLOYEE: {"E1": 11, "E2": 12}, CLASS: {"K1": 100}},
        staff={
            11: {
                "id": 11,
                "title": "",
                "forename": "Jo",
                "surname": "Hart",
                "email": "",
                "code": "",
            },
            12: {
                "id": 12,
                "title": "",
                "forename": "Al",
                "surname": "Roy",
                "email": "",
                "code": "",
            },
            13: {
                "id": 13,
                "title": "",
                "forename": "Bo",
                "surname": "Lee",
                "email": "",
                "code": "",
            },
        },
        year_id=9,
        classes=[ClassRecord(100, "7A/Ma", 7)],
        class_staff={(100, 11): (1, "teacher"), (100, 12): (2, "teacher"), (100, 13): (3, "ta")},
    )
    plan = plan_sync(
        rows(
            employees=[employee("E1", "Jo", "Hart"), employee("E2", "Al", "Roy")],
            classes=[{"id": "K1", "name": "7A/Ma", "employees": {"data": [{"id": "E1"}]}}],
        ),
        held,
        today=TODAY,
    )
    assert plan.passes[0].staff_added == []
    assert plan.passes[0].staff_removed == {100: {12}}  # 13 was put on the class by hand


def test_nothing_changed_plans_nothing() -> None:
    held = Holdings(
        links={STUDENT: {"S1": 1}},
        pupils_by_id={1: record(1, UPN_AMARA, "Amara", "Okafor")},
        pupils_by_upn={UPN_AMARA: record(1, UPN_AMARA, "Amara", "Okafor")},
    )
    plan = plan_sync(
        rows(students=[student("S1", UPN_AMARA, "Amara", "Okafor")]), held, today=TODAY
    )
    assert plan.new_pupils == [] and plan.pupil_changes == {}
    assert plan.links_new == [] and plan.links_moved == []
    assert plan.counts[PUPILS].unchanged == 1


def test_a_refused_student_is_named_before_what_matching_refuses() -> None:
    plan = plan_sync(
        rows(
            students=[
                student("S1", "short", "Amara", "Okafor"),
                {
                    "id": "S2",
                    "forename": "Ben",
                    "surname": "Hale",
                    "education_details": {"data": {"upn": UPN_BEN}},
                },
            ]
        ),
        Holdings(),
        today=TODAY,
    )
    assert plan.skipped == [
        "Student S1: not applied, the UPN 'short' is not 13 characters",
        f"Student S2 (UPN {UPN_BEN}): not added, Wonde gives no date of birth or year group",
    ]


def test_a_new_link_to_a_pupil_leaving_later_is_planned_to_end_that_day() -> None:
    leaves = dt.date(2026, 12, 18)
    plan = plan_sync(
        rows(
            students=[student("S1", UPN_AMARA, "Amara", "Okafor", leaving_date=leaves.isoformat())],
            contacts=[{"id": "C1", "surname": "Okafor", "students": {"data": [{"id": "S1"}]}}],
        ),
        Holdings(),
        today=TODAY,
    )
    assert [link["pupil_id"] for link in plan.new_guardian_links] == [NEW]
    assert plan.new_link_ends == {0: leaves}
    assert plan.counts[GUARDIAN_LINKS].created == plan.counts[GUARDIAN_LINKS].left == 1


def test_a_new_link_to_a_pupil_who_has_left_is_not_made() -> None:
    plan = plan_sync(
        rows(
            students=[student("S1", UPN_AMARA, "Amara", "Okafor", leaving_date="2026-07-20")],
            contacts=[{"id": "C1", "surname": "Okafor", "students": {"data": [{"id": "S1"}]}}],
        ),
        Holdings(),
        today=TODAY,
    )
    assert plan.new_guardian_links == [] and plan.new_link_ends == {}
