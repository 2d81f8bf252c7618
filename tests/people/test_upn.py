from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from nextsteps.people.models import Pupil
from nextsteps.people.services import pupil_create
from nextsteps.people.upn import UpnError, is_temporary, upn_clean, upn_make
from tests.conftest import Cast


def test_a_permanent_upn_with_the_right_check_letter_is_accepted() -> None:
    assert upn_clean("b801200005001") == "B801200005001"


def test_a_temporary_upn_ending_in_a_letter_is_accepted() -> None:
    body = "80120000500A"
    from stdnum.gb import upn

    temporary = upn.calc_check_digit(body) + body
    assert upn_clean(temporary) == temporary
    assert is_temporary(temporary)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("A801200005001", "wrong check letter"),
        ("B80120000500", "not 13 characters"),
        ("X80120000A001", "must be a letter, eleven digits"),
        ("E000200005001", "local authority"),
    ],
)
def test_an_invalid_upn_says_why(value: str, reason: str) -> None:
    with pytest.raises(UpnError, match=reason):
        upn_clean(value)


@given(
    la=st.sampled_from([201, 850, 851, 936]),
    estab=st.integers(1000, 7999),
    year=st.integers(0, 99),
    serial=st.integers(0, 999),
)
def test_made_upns_always_validate(la: int, estab: int, year: int, serial: int) -> None:
    made = upn_make(la=la, estab=estab, year=year, serial=serial)
    assert upn_clean(made) == made


def test_an_invalid_upn_names_the_pupil_and_saves_nothing(cast: Cast) -> None:
    before = Pupil.objects.count()
    with pytest.raises(ValidationError) as caught:
        pupil_create(
            school=cast.primary,
            upn="A801200005001",
            by=None,
            legal_forename="Nell",
            legal_surname="Gwyn",
            date_of_birth=dt.date(2018, 1, 2),
            gender="F",
            year_group=3,
            admission_date=dt.date(2022, 9, 1),
        )
    assert "Nell Gwyn" in str(caught.value)
    assert "wrong check letter" in str(caught.value)
    assert Pupil.objects.count() == before


def test_adding_a_pupil_writes_the_audit_log(cast: Cast) -> None:
    from nextsteps.audit.models import AuditEvent

    admin = cast.user("admin")
    pupil = pupil_create(
        school=cast.primary,
        upn=upn_make(la=850, estab=2101, year=19, serial=777),
        by=admin,
        legal_forename="Nell",
        legal_surname="Gwyn",
        date_of_birth=dt.date(2018, 1, 2),
        gender="F",
        year_group=3,
        admission_date=dt.date(2022, 9, 1),
    )
    event = AuditEvent.objects.get(action="pupil.create", target_id=str(pupil.pk))
    assert event.actor == admin
    assert event.school_id == cast.primary.pk
    assert event.after is not None and event.after["legal_surname"] == "Gwyn"


def test_changing_a_pupil_keeps_before_and_after(cast: Cast) -> None:
    from nextsteps.audit.models import AuditEvent
    from nextsteps.people.services import pupil_update

    pupil_update(pupil=cast.amara, by=cast.user("admin"), eal=True)
    event = AuditEvent.objects.get(action="pupil.update", target_id=str(cast.amara.pk))
    assert event.before is not None and event.after is not None
    assert event.before["eal"] is False
    assert event.after["eal"] is True
