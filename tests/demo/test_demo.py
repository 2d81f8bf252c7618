from __future__ import annotations

import re

from django.db.models import Count

from nextsteps.accounts.models import Membership, User
from nextsteps.curriculum.models import Framework, Objective
from nextsteps.demo.builder import build_demo
from nextsteps.people.models import Guardian, Pupil
from nextsteps.schools.models import Department
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
