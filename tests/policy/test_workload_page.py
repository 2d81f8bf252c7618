"""Workload: hours per teacher per week against the school's limit, and collections."""

from __future__ import annotations

from decimal import Decimal

from nextsteps.policy.kernels.drops import year_name
from nextsteps.policy.models import PolicySettings
from tests.conftest import Cast
from tests.policy.helpers import KINGSMEAD, client_for, demo_year_start, head_of


def test_leader_sees_every_departments_workload_and_the_warnings(
    cast: Cast, django_assert_max_num_queries
) -> None:
    client = cast.client("leader")
    # Session, user, memberships, seeding, settings (2), departments, expectations, answers (2),
    # points, class sizes, department settings, layout (2): fixed for any number of departments.
    with django_assert_max_num_queries(18):
        page = client.get(f"/school/{KINGSMEAD}/policy/workload/")
    text = page.content.decode()
    # English (draft): (1×4 + 1×1 + ½×1) min × 30 pupils × 5 classes / 60 = 13.75 h.
    assert "13.75" in text
    assert "Over the limit" in text
    year = demo_year_start()
    # Science's calendar: four drops, the second and third ten days apart.
    assert f"4 drops in {year_name(year)} (16 Oct {year}, 1 Dec {year}" in text
    assert f"1 Dec {year} and 11 Dec {year} are 10 days apart" in text
    assert "From the agreed marking expectations." in text  # mathematics
    assert "whole-class feedback" in text.lower()


def test_leader_sets_the_limit_and_bad_input_changes_nothing(cast: Cast) -> None:
    client = cast.client("leader")
    client.post(
        f"/school/{KINGSMEAD}/policy/workload/",
        {"workload_limit_hours": "4.5", "review_interval_months": "12"},
    )
    settings = PolicySettings.objects.get(school=cast.secondary)
    assert settings.workload_limit_hours == Decimal("4.5")
    assert settings.review_interval_months == 12
    page = client.post(
        f"/school/{KINGSMEAD}/policy/workload/",
        {"workload_limit_hours": "400", "review_interval_months": "12"},
    )
    assert page.status_code == 200
    assert "Ensure this value is less than or equal to 40" in page.content.decode()
    settings.refresh_from_db()
    assert settings.workload_limit_hours == Decimal("4.5")


def test_heads_of_department_see_their_own_department_and_cannot_set_limits(cast: Cast) -> None:
    client = client_for(head_of(cast, "Science"))
    page = client.get(f"/school/{KINGSMEAD}/policy/workload/").content.decode()
    assert ">Science</h2>" in page
    assert ">English</h2>" not in page
    response = client.post(
        f"/school/{KINGSMEAD}/policy/workload/",
        {"workload_limit_hours": "9", "review_interval_months": "6"},
    )
    assert response.status_code == 404
