"""Review cycles: a schedule, evaluations against pupils' progress, reminders on home pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from nextsteps.policy import services
from nextsteps.policy.models import Review
from nextsteps.policy.selectors import reminders
from tests.conftest import Cast
from tests.policy.helpers import KINGSMEAD, client_for, department, head_of


def maths_review(cast: Cast) -> Review:
    return Review.objects.get(department=department(cast, "Mathematics"), completed_on__isnull=True)


def test_a_review_due_soon_is_on_the_leaders_and_the_departments_home_pages(cast: Cast) -> None:
    review = maths_review(cast)
    assert 0 < (review.due_on - timezone.localdate()).days <= 14
    leader = cast.client("leader").get(f"/school/{KINGSMEAD}/leader/").content.decode()
    hod = cast.client("hod").get(f"/school/{KINGSMEAD}/hod/").content.decode()
    for page in (leader, hod):
        assert "Assessment policy reviews due" in page
        assert review.focus in page
        assert "due in 9 days" in page
    english = client_for(head_of(cast, "English")).get(f"/school/{KINGSMEAD}/hod/").content
    assert b"Assessment policy reviews due" not in english


def test_reminders_include_overdue_reviews_and_leave_out_distant_ones(cast: Cast) -> None:
    today = timezone.localdate()
    services.review_schedule(
        school=cast.secondary, by=None, due_on=today - dt.timedelta(days=3), focus="Late one"
    )
    services.review_schedule(
        school=cast.secondary, by=None, due_on=today + dt.timedelta(days=40), focus="Far off"
    )
    found = {r.review.focus: r for r in reminders(cast.secondary, whole_school=True)}
    assert found["Late one"].overdue and found["Late one"].overdue_days == 3
    assert "Far off" not in found
    page = cast.client("leader").get(f"/school/{KINGSMEAD}/leader/").content.decode()
    assert "overdue by 3 days" in page


def test_recording_an_evaluation_schedules_the_next_review(cast: Cast) -> None:
    review = maths_review(cast)
    client = cast.client("hod")
    url = f"/school/{KINGSMEAD}/policy/reviews/{review.pk}/"
    page = client.get(url).content.decode()
    assert "of core standings secure" in page or "standings on" in page
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "effect": "improved",
            "evidence": "More Year 8 pupils secure on core number after the autumn point.",
            "actions": "Keep n-times mastery.",
            "completed_on": today.isoformat(),
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.effect == "improved"
    assert review.completed_by == cast.user("hod")
    assert review.secure_share is not None and 0 <= review.secure_share <= 100
    following = maths_review(cast)
    assert following.due_on == services.add_months(today, 6)
    assert following.focus == review.focus


def test_an_evaluation_needs_its_effect_and_evidence_and_happens_once(cast: Cast) -> None:
    review = maths_review(cast)
    with pytest.raises(services.PolicyError, match="evidence"):
        services.review_complete(
            review=review, by=None, effect="improved", evidence=" ", actions=""
        )
    with pytest.raises(services.PolicyError, match="effect"):
        services.review_complete(review=review, by=None, effect="great", evidence="x", actions="")
    services.review_complete(review=review, by=None, effect="too_early", evidence="x", actions="")
    with pytest.raises(services.PolicyError, match="was completed on"):
        services.review_complete(
            review=review, by=None, effect="improved", evidence="x", actions=""
        )


def test_heads_of_department_see_only_their_reviews_and_only_leaders_schedule(cast: Cast) -> None:
    english_review = Review.objects.filter(department=department(cast, "English")).first()
    hod = cast.client("hod")
    assert hod.get(f"/school/{KINGSMEAD}/policy/reviews/{english_review.pk}/").status_code == 404
    listing = hod.get(f"/school/{KINGSMEAD}/policy/reviews/").content.decode()
    assert english_review.focus not in listing
    assert maths_review(cast).focus in listing
    assert (
        hod.post(
            f"/school/{KINGSMEAD}/policy/reviews/", {"focus": "x", "due_on": "2030-01-01"}
        ).status_code
        == 404
    )
    leader = cast.client("leader")
    leader.post(
        f"/school/{KINGSMEAD}/policy/reviews/",
        {
            "focus": "Science collections",
            "due_on": "2030-01-01",
            "department": department(cast, "Science").pk,
        },
    )
    assert Review.objects.filter(focus="Science collections", department__name="Science").exists()


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert services.add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert services.add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)
