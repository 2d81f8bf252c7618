"""The shared identity rule every importer asks: new, same, update or conflict."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from nextsteps.people.kernels.identity import (
    Change,
    IdentityReport,
    Outcome,
    pupil_match,
    surname_key,
)

OMAR = {
    "id": 7,
    "upn": "A938210120901",
    "legal_surname": "Harris",
    "legal_forename": "Omar",
    "preferred_surname": "",
    "preferred_forename": "",
    "date_of_birth": dt.date(2016, 3, 4),
    "gender": "M",
    "year_group": 5,
    "sen_status": "N",
    "disadvantaged": False,
    "fsm": False,
    "eal": False,
    "admission_date": dt.date(2020, 9, 3),
    "leaving_date": None,
}


def test_no_pupil_with_the_identifier_is_new() -> None:
    assert pupil_match(None, {"legal_surname": "Davies"}).outcome is Outcome.NEW


def test_a_row_stating_what_is_held_is_the_same_pupil() -> None:
    row = {k: v for k, v in OMAR.items() if k != "id"}
    assert pupil_match(OMAR, row).outcome is Outcome.SAME


def test_another_child_under_the_same_upn_is_a_conflict() -> None:
    row = {
        "legal_surname": "Davies",
        "legal_forename": "Lily",
        "date_of_birth": dt.date(2016, 7, 9),
    }
    decision = pupil_match(OMAR, row)
    assert decision.outcome is Outcome.CONFLICT
    assert Change("legal_surname", "Harris", "Davies") in decision.changes


def test_a_new_surname_alone_is_an_update() -> None:
    decision = pupil_match(
        OMAR, {"legal_surname": "Okafor", "date_of_birth": OMAR["date_of_birth"]}
    )
    assert decision.outcome is Outcome.UPDATE
    assert decision.changes == (Change("legal_surname", "Harris", "Okafor"),)


def test_a_corrected_date_of_birth_alone_is_an_update() -> None:
    decision = pupil_match(OMAR, {"legal_surname": "Harris", "date_of_birth": dt.date(2016, 4, 3)})
    assert decision.outcome is Outcome.UPDATE
    assert decision.changes == (Change("date_of_birth", dt.date(2016, 3, 4), dt.date(2016, 4, 3)),)


def test_a_surname_written_another_way_with_a_new_date_is_not_someone_else() -> None:
    pupil = {**OMAR, "legal_surname": "O'Brien-Zoë"}
    row = {"legal_surname": "OBRIEN ZOE", "date_of_birth": dt.date(2016, 4, 3)}
    assert pupil_match(pupil, row).outcome is Outcome.UPDATE


def test_a_row_without_a_date_of_birth_cannot_contradict_one() -> None:
    decision = pupil_match(OMAR, {"legal_surname": "Davies", "legal_forename": "Lily"})
    assert decision.outcome is Outcome.UPDATE


def test_changes_are_listed_field_by_field_in_reading_order() -> None:
    decision = pupil_match(OMAR, {"year_group": 6, "fsm": True, "legal_forename": "Omari"})
    assert [str(c) for c in decision.changes] == [
        "Legal forename: Omar → Omari",
        "Year group: 5 → 6",
        "Free school meals: no → yes",
    ]


def test_the_report_names_file_line_upn_and_both_identities() -> None:
    report = IdentityReport()
    row = {
        "legal_surname": "Davies",
        "legal_forename": "Lily",
        "date_of_birth": dt.date(2016, 7, 9),
    }
    report.record(
        pupil_match(OMAR, row),
        file="pupils.csv",
        line=4,
        upn=str(OMAR["upn"]),
        existing=OMAR,
        incoming=row,
    )
    assert report.lines()[1] == (
        "  pupils.csv, line 4: UPN A938210120901 matches Omar Harris (born 2016-03-04) "
        "but the file says Lily Davies (born 2016-07-09): not applied"
    )
    assert report.as_dict()["conflicts"][0]["line"] == 4 and not report.updates


def test_the_report_lists_every_update_before_and_after() -> None:
    report = IdentityReport()
    row = {"legal_surname": "Okafor", "year_group": 6}
    report.record(
        pupil_match(OMAR, row), file="f.csv", line=2, upn="U", existing=OMAR, incoming=row
    )
    assert report.lines() == [
        "Pupils updated, field by field:",
        "  f.csv, line 2: UPN U, Omar Harris (born 2016-03-04)",
        "    Legal surname: Harris → Okafor",
        "    Year group: 5 → 6",
    ]


names = st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=12)
dates = st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2024, 12, 31))
values: dict[str, st.SearchStrategy[Any]] = {
    "legal_surname": names,
    "legal_forename": names,
    "preferred_forename": st.just("") | names,
    "date_of_birth": dates,
    "gender": st.sampled_from(["F", "M", "X"]),
    "year_group": st.integers(-1, 14),
    "sen_status": st.sampled_from(["N", "K", "E"]),
    "fsm": st.booleans(),
    "eal": st.booleans(),
}
pupils = st.fixed_dictionaries(values)


@given(pupil=pupils, stated=st.sets(st.sampled_from(sorted(values))))
def test_a_row_equal_to_the_pupil_is_never_a_conflict_nor_an_update(
    pupil: dict[str, Any], stated: set[str]
) -> None:
    row = {name: pupil[name] for name in stated}
    decision = pupil_match(pupil, row)
    assert decision.outcome is Outcome.SAME and decision.changes == ()


@given(pupil=pupils, row=pupils)
def test_a_different_surname_and_date_of_birth_is_always_a_conflict(
    pupil: dict[str, Any], row: dict[str, Any]
) -> None:
    if surname_key(row["legal_surname"]) == surname_key(pupil["legal_surname"]):
        row["legal_surname"] = pupil["legal_surname"] + "x"
    if row["date_of_birth"] == pupil["date_of_birth"]:
        row["date_of_birth"] = pupil["date_of_birth"] + dt.timedelta(days=1)
    assert pupil_match(pupil, row).outcome is Outcome.CONFLICT


@given(pupil=pupils, row=pupils)
def test_only_surname_and_date_of_birth_together_make_a_conflict(
    pupil: dict[str, Any], row: dict[str, Any]
) -> None:
    """Keeping either the surname or the date of birth makes any other change an update."""
    for kept in ("legal_surname", "date_of_birth"):
        decision = pupil_match(pupil, {**row, kept: pupil[kept]})
        assert decision.outcome in {Outcome.SAME, Outcome.UPDATE}
        assert {c.field for c in decision.changes} == {
            name for name in row if name != kept and row[name] != pupil[name]
        }
