"""Prepared queries (ops/prepared.py) give what their querysets give, and refuse what they
cannot run safely: a value that changes the statement, or a parameter that is none of the
values."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Q, QuerySet
from django.utils import timezone

from nextsteps.accounts.backends import MEMBERSHIPS, PERSON, AccessBackend
from nextsteps.accounts.models import Membership, User
from nextsteps.markbook.selectors import OBJECTIVE_ROWS
from nextsteps.markbook.services import CELL_EVENTS
from nextsteps.ops import prepared
from nextsteps.ops.prepared import Prepared, PreparedError
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import Enrolment
from tests.conftest import Cast


def _same(rows: list[Any], expected: list[Any]) -> None:
    """Equal rows: instances field for field (with what select_related and annotate added)."""
    assert len(rows) == len(expected)
    for row, other in zip(rows, expected, strict=True):
        if hasattr(row, "_meta"):
            assert type(row) is type(other)
            assert _fields(row) == _fields(other)
            for name, value in other._state.fields_cache.items():
                assert _fields(row._state.fields_cache[name]) == _fields(value)
        else:
            assert row == other


def _fields(instance: Any) -> Any:
    if instance is None:
        return None
    extra = {k: v for k, v in vars(instance).items() if not k.startswith("_")}
    return extra


@pytest.mark.django_db
def test_the_signed_in_persons_reads_equal_their_querysets(cast: Cast) -> None:
    users = list(User.objects.order_by("pk"))
    assert len(users) > 10
    for user in users:
        _same(MEMBERSHIPS(user_id=user.pk), list(MEMBERSHIPS.queryset(user_id=user.pk)))
        _same(PERSON(user_id=user.pk), list(PERSON.queryset(user_id=user.pk)))
    assert AccessBackend().get_user("not a number") is None
    assert AccessBackend().get_user(str(users[-1].pk + 1000)) is None


@pytest.mark.django_db
def test_the_keystrokes_reads_equal_their_querysets(cast: Cast) -> None:
    teaching_class = cast.four_oak
    for objective in cast.maths_framework.objectives.order_by("pk")[:5]:
        values = {
            "class_id": teaching_class.pk,
            "school_id": teaching_class.school_id,
            "objective_id": objective.pk,
        }
        rows = OBJECTIVE_ROWS(**values)
        assert rows and rows == list(OBJECTIVE_ROWS.queryset(**values))
        elsewhere = {**values, "school_id": cast.other.pk}
        assert OBJECTIVE_ROWS(**elsewhere) == [] == list(OBJECTIVE_ROWS.queryset(**elsewhere))
        for pupil in Pupil.objects.filter(enrolments__teaching_class=teaching_class)[:3]:
            cell = {"pupil_id": pupil.pk, "objective_id": objective.pk}
            _same(CELL_EVENTS(**cell), list(CELL_EVENTS.queryset(**cell)))


def _enrolments(shape: Any, *, class_id: int, on: dt.date) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)
        .filter(teaching_class_id=class_id)
        .select_related("pupil")
        .order_by("pupil__legal_surname", "pk")
    )


@pytest.mark.django_db
def test_the_markbook_grid_reads_equal_their_querysets_in_every_shape(cast: Cast) -> None:
    """The grid filters by year (a small integer column, whose range Django checks: a stand-in
    outside it once prepared "no rows" for every year on PostgreSQL) and by strand."""
    from nextsteps.markbook.selectors import GRID_ROWS

    strand = cast.maths_framework.strands.order_by("position").first()
    assert strand is not None
    seen = 0
    for by_strand in (False, True):
        for year in (None, 3, 4, 5):
            values = {
                "class_id": cast.four_oak.pk,
                "on": timezone.localdate(),
                "framework_id": cast.maths_framework.pk,
                "strand_id": strand.pk if by_strand else 0,
                "year": year or 0,
            }
            shape = (by_strand, year is not None)
            rows = GRID_ROWS(shape, **values)
            assert sorted(rows) == sorted(GRID_ROWS.queryset(shape, **values))
            seen += len(rows)
    assert seen > 0


@pytest.mark.django_db
def test_a_small_integer_column_is_looked_up_by_its_value(cast: Cast) -> None:
    from nextsteps.curriculum.models import Objective

    by_year = Prepared(
        lambda shape, *, framework_id, year: Objective.objects.filter(
            framework_id=framework_id, year_group=year
        ).values_list("pk", flat=True),
        values=["framework_id", "year"],
    )
    for year in (3, 4, 40_000):  # the last is beyond a small integer: no rows, no error
        values = {"framework_id": cast.maths_framework.pk, "year": year}
        assert sorted(by_year(**values)) == sorted(by_year.queryset(**values))
    assert by_year(framework_id=cast.maths_framework.pk, year=4)


@pytest.mark.django_db
def test_dates_and_select_related_and_every_kind_of_row(cast: Cast) -> None:
    enrolments = Prepared(_enrolments, values=["class_id", "on"])
    for on in (dt.date(2000, 1, 1), timezone.localdate(), dt.date(2100, 1, 1)):
        values: dict[str, Any] = {"class_id": cast.four_oak.pk, "on": on}
        _same(enrolments(**values), list(enrolments.queryset(**values)))
        assert [e.pupil.name for e in enrolments(**values)] == [
            e.pupil.name for e in enrolments.queryset(**values)
        ]
    kinds = {
        "dicts": lambda qs: qs.values("pk", "pupil__legal_surname"),
        "tuples": lambda qs: qs.values_list("pk", "starts_on"),
        "flat": lambda qs: qs.values_list("pupil_id", flat=True),
    }
    for make in kinds.values():
        query = Prepared(
            lambda shape, class_id, on, make=make: make(
                _enrolments(shape, class_id=class_id, on=on)
            ),
            values=["class_id", "on"],
        )
        values = {"class_id": cast.four_oak.pk, "on": timezone.localdate()}
        assert query(**values) == list(query.queryset(**values)) != []


@pytest.mark.django_db
def test_a_statement_that_changes_with_its_values_is_refused(cast: Cast) -> None:
    first_n = Prepared(lambda shape, n: Pupil.objects.order_by("pk")[:n], values=["n"])
    with pytest.raises(PreparedError, match="changes with its values"):
        first_n(n=3)
    shifted = Prepared(lambda shape, pk: Pupil.objects.filter(pk=pk + 1), values=["pk"])
    with pytest.raises(PreparedError, match="none of them"):
        shifted(pk=3)
    by_name = Prepared(
        lambda shape, name: Pupil.objects.filter(legal_surname=name), values=["name"]
    )
    assert by_name(name=cast.amara.legal_surname) == list(
        Pupil.objects.filter(legal_surname=cast.amara.legal_surname)
    )
    containing = Prepared(
        lambda shape, name: Pupil.objects.filter(legal_surname__contains=name), values=["name"]
    )
    with pytest.raises(PreparedError, match="none of them"):
        containing(name="Ok")  # the pattern is the text transformed: it cannot be a stand-in
    with pytest.raises(PreparedError, match="must be an int, a text, a date or a time"):
        by_name(name=["Okafor"])  # type: ignore[arg-type]
    with pytest.raises(PreparedError, match="aware time"):
        Prepared(lambda shape, at: User.objects.filter(last_login__gt=at), values=["at"])(
            at=dt.datetime(2026, 1, 1)  # noqa: DTZ001 - the naive time is the point
        )
    with pytest.raises(PreparedError, match="expected values"):
        by_name(other=1)


@pytest.mark.django_db
def test_sessions_are_read_as_django_reads_them(cast: Cast) -> None:
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore

    from nextsteps.accounts.sessions import SessionStore

    store = SessionStore()
    store["kept"] = 42
    store.save()
    assert SessionStore(store.session_key).load() == DjangoStore(store.session_key).load()
    assert SessionStore(store.session_key)["kept"] == 42
    assert SessionStore("no-such-session-key-00000000000").load() == {}
    store.set_expiry(-1)  # expired: neither reads it
    store.save()
    assert SessionStore(store.session_key).load() == {} == DjangoStore(store.session_key).load()


@pytest.mark.django_db
def test_a_queryset_that_matches_nothing_gives_nothing(cast: Cast) -> None:
    nothing = Prepared(
        lambda shape, pk: Pupil.objects.filter(pk__in=[]).filter(pk=pk), values=["pk"]
    )
    assert nothing(pk=cast.amara.pk) == []


@pytest.mark.django_db
def test_shapes_are_compiled_once_each_and_only_so_many_are_kept(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[Any] = []

    def members(shape: str, *, user_id: int) -> QuerySet[Membership]:
        built.append(shape)
        return Membership.objects.filter(user_id=user_id, role=shape)

    query = Prepared(members, values=["user_id"])
    teacher = cast.user("teacher")
    for _ in range(3):
        assert [m.pk for m in query("teacher", user_id=teacher.pk)] == list(
            Membership.objects.filter(user=teacher, role="teacher").values_list("pk", flat=True)
        )
    assert built == ["teacher"] * 3  # the model once, then two compilations
    # Compiled for the kinds of its values: a call with another kind gets its own statement.
    assert [key[2] for key in query._statements] == [("int",)]
    monkeypatch.setattr(prepared, "SHAPES_KEPT", 2)
    for shape in ("leader", "hod", "ta", "teacher"):
        query(shape, user_id=teacher.pk)
    assert len(query._statements) == 2


@pytest.mark.django_db
def test_every_layouts_unread_count_is_the_count(cast: Cast) -> None:
    from nextsteps.feedback.models import Notification
    from nextsteps.feedback.selectors.evidence import unread_count

    counted = 0
    for user in User.objects.order_by("pk"):
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
        assert unread_count(user) == unread.count()
        for school in (cast.primary, cast.secondary):
            expected = unread.filter(school=school).count()
            assert unread_count(user, school.pk) == expected
            counted += expected
    assert counted > 0  # the demo has unread notifications, so the count was tried
