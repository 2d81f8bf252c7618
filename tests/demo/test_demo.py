from __future__ import annotations

import io
import re
import sys
import types
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from nextsteps.accounts.models import Membership, User
from nextsteps.curriculum.models import Framework, Objective
from nextsteps.demo import builder
from nextsteps.demo.builder import DemoBuildFailed, build_demo
from nextsteps.people.models import Guardian, Pupil
from nextsteps.schools.models import Department, Trust
from nextsteps.teaching.models import Class, Enrolment, GroupMembership
from tests.conftest import Cast


def counts() -> dict[str, int]:
    models = (
        Pupil,
        Guardian,
        Class,
        Enrolment,
        GroupMembership,
        Framework,
        Objective,
        User,
        Membership,
    )
    return {model.__name__: model.objects.count() for model in models}


def test_building_the_demo_again_changes_nothing(cast: Cast) -> None:
    before = counts()
    upns = list(Pupil.objects.order_by("pk").values_list("upn", "legal_surname"))
    build_demo()
    assert counts() == before
    assert list(Pupil.objects.order_by("pk").values_list("upn", "legal_surname")) == upns


def test_the_demo_build_says_each_step_as_it_finishes(cast: Cast) -> None:
    heard: list[str] = []
    build_demo(progress=heard.append)
    total = len(heard)
    assert total > 6
    for number, line in enumerate(heard, start=1):
        assert re.fullmatch(rf"\[{number}/{total}\] \S.* \(\d+\.\d s\)", line), line
    assert any("Kingsmead Academy" in line for line in heard)


def test_primary_has_two_classes_a_year_from_reception_to_year_six(cast: Cast) -> None:
    per_year = dict(
        Class.objects.filter(school=cast.primary).values_list("year_group").annotate(n=Count("pk"))
    )
    assert per_year == dict.fromkeys(range(0, 7), 2)
    # On roll: last summer's leavers (progress measures' demo) have a leaving date.
    pupils = Pupil.objects.filter(school=cast.primary, leaving_date__isnull=True).count()
    assert 380 <= pupils <= 420
    assert cast.four_oak.groups.count() == 3


def test_secondary_has_the_six_departments_and_years_seven_to_nine(cast: Cast) -> None:
    departments = set(
        Department.objects.filter(school=cast.secondary).values_list("name", flat=True)
    )
    assert departments == {
        "English",
        "Mathematics",
        "Science",
        "History",
        "Geography",
        "Modern foreign languages",
    }
    on_roll = Pupil.objects.filter(school=cast.secondary, leaving_date__isnull=True)
    years = set(on_roll.values_list("year_group", flat=True))
    assert years == {7, 8, 9}


def test_demo_frameworks_have_real_objectives_with_steps(cast: Cast) -> None:
    primary = set(
        Framework.objects.filter(school=cast.primary).values_list("subject__name", flat=True)
    )
    assert primary == {"Mathematics", "Reading", "Writing", "Science", "Computing"}
    secondary = set(
        Framework.objects.filter(school=cast.secondary).values_list("subject__name", flat=True)
    )
    assert secondary == {"English", "Mathematics", "Science", "History", "Geography", "French"}
    year4 = Objective.objects.filter(framework=cast.maths_framework, year_group=4)
    assert year4.filter(strand__name="Multiplication and division").count() >= 5
    assert not Objective.objects.filter(wording__istartswith="objective").exists()
    assert all(o.success_criteria.count() >= 3 for o in year4)


def test_the_demo_family_is_linked(cast: Cast) -> None:
    children = set(
        Pupil.objects.filter(guardian_links__guardian__user__username="parent").values_list(
            "legal_forename", flat=True
        )
    )
    assert children == {"Amara", "Theo"}
    assert cast.amara.enrolments.filter(teaching_class=cast.four_oak).exists()


def test_the_demo_gives_every_pupil_attendance_and_some_are_persistently_absent(
    cast: Cast,
) -> None:
    """Attendance as context (issue 18): each demo school's pupils on roll have this year's
    figures (a handful of pupils other demo steps add later may have none), most in the
    nineties and a few below the persistent absence line (90%)."""
    from nextsteps.people.models import Attendance, AttendanceSource

    for school in (cast.primary, cast.secondary):
        on_roll = Pupil.objects.filter(school=school, leaving_date__isnull=True)
        rows = Attendance.objects.filter(school=school, source=AttendanceSource.DEMO)
        assert on_roll.count() >= rows.count() >= 0.95 * on_roll.count() > 0
        shares = [r.attended_sessions / r.possible_sessions for r in rows]
        below = sum(share < 0.9 for share in shares)
        assert 0 < below < len(shares) / 3


def test_an_apps_demo_step_runs_outside_any_transaction_of_the_builder(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The apps' demo steps call entry services, whose transactions are durable: the builder
    must not hold one around them (Django raises if it does)."""
    opened: list[bool] = []

    def build_demo_data(**kwargs: Any) -> None:
        with transaction.atomic(durable=True):
            opened.append(True)

    step = types.ModuleType("nextsteps.durable_step.demo")
    step.build_demo_data = build_demo_data  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, step.__name__, step)
    monkeypatch.setattr(builder, "DEMO_EXTENSIONS", [step.__name__])
    build_demo()
    assert opened == [True]


def test_a_failed_step_is_named_and_leaves_no_half_of_itself(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_a_calendar(school: Any, start: int) -> None:
        Trust.objects.create(name="Half built", slug="half-built")
        raise ValueError("the calendar file is missing")

    monkeypatch.setattr(builder, "_calendar", half_a_calendar)
    with pytest.raises(DemoBuildFailed) as failed:
        build_demo()
    total = 6 + len(builder.DEMO_EXTENSIONS)
    assert failed.value.step == f"[1/{total}] the trust, its two schools and their calendars"
    assert "ValueError: the calendar file is missing" in str(failed.value)
    assert not Trust.objects.filter(slug="half-built").exists()


def test_the_demo_command_says_where_a_failed_build_stopped_and_what_to_do(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_data_manager(schools: Any) -> None:
        raise RuntimeError("no data manager")

    monkeypatch.setattr(builder, "_data_manager", no_data_manager)
    with pytest.raises(CommandError) as failed:
        call_command("demo", stdout=io.StringIO())
    message = str(failed.value)
    assert "stopped at [6/" in message
    assert "the data manager: RuntimeError: no data manager" in message
    assert "Run `nextsteps demo` again" in message
