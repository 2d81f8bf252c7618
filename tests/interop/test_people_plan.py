"""The people plan is plain data: users against what exists, with no database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nextsteps.interop.kernels.people_plan import (
    Accounts,
    New,
    PersonLine,
    SchoolPeople,
    plan_leavers,
    plan_people,
)
from nextsteps.people.kernels.problems import ProblemList

TODAY = dt.date(2026, 10, 1)
SEPT = dt.date(2026, 9, 1)
SCHOOL = 1


def pupil(sid: str, line: int, upn: str, **fields: Any) -> PersonLine:
    values: dict[str, Any] = {
        "legal_forename": "Ada",
        "legal_surname": "Lovelace",
        "upn": upn,
        "year_group": 5,
        "date_of_birth": dt.date(2016, 12, 10),
        **fields,
    }
    return PersonLine(
        school_id=SCHOOL,
        sourced_id=sid,
        file="users.csv",
        line=line,
        kind="pupil",
        role="student",
        roles=frozenset({"student"}),
        fingerprint=f"fp-{sid}",
        username=f"user-{sid}",
        given_name=values["legal_forename"],
        family_name=values["legal_surname"],
        email="",
        enabled=True,
        deleted=False,
        fields=values,
    )


def staff(sid: str, line: int, code: str, username: str = "") -> PersonLine:
    return PersonLine(
        school_id=SCHOOL,
        sourced_id=sid,
        file="users.csv",
        line=line,
        kind="staff",
        role="teacher",
        roles=frozenset({"teacher"}),
        fingerprint=f"fp-{sid}",
        username=username or f"user-{sid}",
        given_name="Grace",
        family_name="Hopper",
        email="",
        enabled=True,
        deleted=False,
        fields={
            "forename": "Grace",
            "surname": "Hopper",
            "email": "",
            "code": code,
            "title": "",
        },
    )


def existing_pupil(pk: int, upn: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": pk,
        "upn": upn,
        "legal_forename": "Ada",
        "legal_surname": "Lovelace",
        "preferred_forename": "",
        "preferred_surname": "",
        "date_of_birth": dt.date(2016, 12, 10),
        "gender": "F",
        "year_group": 5,
        "sen_status": "N",
        "disadvantaged": False,
        "fsm": False,
        "eal": False,
        "admission_date": SEPT,
        "leaving_date": None,
        "user_id": None,
        **fields,
    }


def plan(
    people: list[PersonLine], school: SchoolPeople, accounts: Accounts | None = None
) -> tuple[Any, list[str]]:
    problems = ProblemList()
    result = plan_people(
        people,
        schools={SCHOOL: school},
        accounts=accounts or Accounts(),
        problems=problems,
        today=TODAY,
    )
    return result, [f"{p.line} {p.column}: {p.message}" for p in problems.items]


def test_a_new_pupil_gets_an_account_a_membership_and_a_mapping() -> None:
    result, problems = plan([pupil("p1", 2, "A1")], SchoolPeople(year_start=SEPT))
    assert problems == []
    pupils = result.kinds["pupil"]
    assert pupils.created == 1
    assert pupils.create[0]["admission_date"] == SEPT  # the first school year's first day
    assert pupils.create[0]["gender"] == "X"
    assert pupils.create[0]["sen_status"] == "N"
    assert pupils.create_users == [New("account", 0)]
    assert result.accounts_create[0]["username"] == "user-p1"
    assert result.memberships == {(New("account", 0), SCHOOL, "pupil")}
    assert result.mappings == [(SCHOOL, "p1", "people.pupil", New("pupil", 0), "fp-p1")]


def test_an_existing_pupil_is_matched_by_upn_and_changed_field_by_field() -> None:
    school = SchoolPeople(pupils={7: existing_pupil(7, "A1", year_group=4)})
    result, problems = plan([pupil("p1", 2, "A1")], school)
    assert problems == []
    pupils = result.kinds["pupil"]
    assert pupils.create == []
    assert pupils.changes == {7: {"year_group": 5}}
    assert (pupils.updated, pupils.unchanged) == (1, 0)
    assert result.identity.updates  # listed for the dry run and the result
    assert result.mappings == [(SCHOOL, "p1", "people.pupil", 7, "fp-p1")]


def test_a_pupil_marked_deleted_leaves_today() -> None:
    school = SchoolPeople(
        mappings={"p1": ("people.pupil", 7, "old")}, pupils={7: existing_pupil(7, "A1")}
    )
    line = pupil("p1", 2, "A1")
    line.mapped_id, line.deleted, line.enabled = 7, True, False
    result, _ = plan([line], school)
    pupils = result.kinds["pupil"]
    assert pupils.changes == {7: {"leaving_date": TODAY}}
    assert (pupils.ended, pupils.updated) == (1, 0)


def test_a_upn_held_by_a_pupil_imported_under_another_sourced_id_is_a_problem() -> None:
    school = SchoolPeople(
        mappings={"p9": ("people.pupil", 7, "x")}, pupils={7: existing_pupil(7, "A1")}
    )
    _, problems = plan([pupil("p1", 2, "A1")], school)
    assert problems == ["2 identifier: the UPN A1 belongs to the pupil imported as 'p9'"]


def test_a_upn_held_by_another_pupil_than_the_one_mapped_is_a_problem() -> None:
    school = SchoolPeople(pupils={7: existing_pupil(7, "A1"), 8: existing_pupil(8, "B2")})
    line = pupil("p1", 2, "A1")
    line.mapped_id = 8
    _, problems = plan([line], school)
    assert problems == ["2 identifier: the UPN A1 belongs to another pupil"]


def test_a_upn_twice_in_the_file_is_a_problem() -> None:
    _, problems = plan([pupil("p1", 2, "A1"), pupil("p2", 3, "A1")], SchoolPeople(year_start=SEPT))
    assert problems == ["3 identifier: the UPN A1 is also on line 2"]


def test_a_new_pupil_without_birth_date_year_group_or_admission_is_a_problem() -> None:
    line = pupil("p1", 2, "A1")
    del line.fields["date_of_birth"], line.fields["year_group"]
    _, problems = plan([line], SchoolPeople())
    assert problems == [
        "2 sourcedId: a new pupil needs a birthDate in demographics.csv",
        "2 grades: a new pupil needs a year group (grades)",
        "2 metadata.uk.admissionDate: a new pupil needs an admission date "
        "(or a school year in academicSessions.csv)",
    ]


def test_a_pupil_who_is_someone_else_is_a_conflict_left_out_of_the_plan() -> None:
    school = SchoolPeople(
        pupils={7: existing_pupil(7, "A1", legal_surname="Babbage", date_of_birth=SEPT)}
    )
    parent = PersonLine(
        school_id=SCHOOL,
        sourced_id="g1",
        file="users.csv",
        line=3,
        kind="guardian",
        role="parent",
        roles=frozenset({"parent"}),
        fingerprint="fp-g1",
        username="user-g1",
        given_name="Anne",
        family_name="Lovelace",
        email="anne@example.org",
        enabled=True,
        deleted=False,
        agents=("p1",),
        fields={
            "forename": "Anne",
            "surname": "Lovelace",
            "email": "anne@example.org",
            "phone": "",
        },
    )
    result, problems = plan([pupil("p1", 2, "A1"), parent], school)
    assert problems == []
    assert result.conflicted == {(SCHOOL, "p1")}
    assert len(result.identity.conflicts) == 1
    assert result.kinds["pupil"].changes == {}
    assert result.links == []  # the parent is not linked to a pupil in conflict
    assert result.kinds["guardian"].created == 1


def staff_row(pk: int, code: str, user_id: int | None, username: str) -> dict[str, Any]:
    return {
        "id": pk,
        "forename": "Grace",
        "surname": "Hopper",
        "email": "",
        "code": code,
        "title": "",
        "user_id": user_id,
        "username": username,
    }


def test_staff_are_matched_by_username_then_by_code() -> None:
    school = SchoolPeople(
        staff={3: staff_row(3, "GH", 30, "ghopper"), 4: staff_row(4, "AL", None, "")}
    )
    accounts = Accounts(by_username={"ghopper": 30}, current={30: ("Grace", "Hopper", True)})
    result, problems = plan(
        [staff("s1", 2, "GH", username="ghopper"), staff("s2", 3, "AL")], school, accounts
    )
    assert problems == []
    here = result.kinds["staff"]
    assert (here.created, here.updated, here.unchanged) == (0, 1, 1)
    assert here.change_users == {4: New("account", 0)}  # an account for the one without
    assert result.accounts_create[0]["username"] == "user-s2"
    assert result.accounts_change == {}


def test_a_username_twice_or_someone_elses_is_a_problem() -> None:
    accounts = Accounts(by_username={"taken": 50}, linked={50})
    result, problems = plan(
        [
            staff("s1", 2, "", username="same"),
            staff("s2", 3, "", username="same"),
            staff("s3", 4, "", username="taken"),
        ],
        SchoolPeople(),
        accounts,
    )
    assert problems == [
        "3 username: the username 'same' is also on line 2",
        "4 username: the username 'taken' belongs to another account",
    ]


def test_an_unused_account_with_the_username_is_reused() -> None:
    accounts = Accounts(
        by_username={"free": 50}, current={50: ("Old", "Name", False)}, member_of={50: {SCHOOL}}
    )
    result, problems = plan([staff("s1", 2, "", username="free")], SchoolPeople(), accounts)
    assert problems == []
    assert result.accounts_create == []
    assert result.kinds["staff"].create_users == [50]
    assert result.accounts_change == {
        50: {"first_name": "Grace", "last_name": "Hopper", "is_active": True}
    }


def test_pupils_missing_from_a_bulk_file_leave_unless_they_had_left() -> None:
    school = SchoolPeople(
        mappings={
            "p1": ("people.pupil", 7, "x"),
            "p2": ("people.pupil", 8, "x"),
            "p3": ("people.pupil", 9, "x"),
        },
        pupils={7: {"id": 7, "leaving_date": None}, 8: {"id": 8, "leaving_date": SEPT}},
    )
    result, _ = plan([], school)
    plan_leavers({SCHOOL: school}, [SCHOOL], frozenset({"p3"}), result)
    assert result.leave == {SCHOOL: [7, 8]}
    assert result.leaving == 1
