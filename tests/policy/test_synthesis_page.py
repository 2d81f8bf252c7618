"""The whole-school synthesis: answers side by side, what is common computed, decisions."""

from __future__ import annotations

from nextsteps.policy.kernels.drops import year_name
from nextsteps.policy.models import Decision
from tests.conftest import Cast
from tests.policy.helpers import KINGSMEAD, demo_year_start, question


def synthesis_url(cast: Cast, key: str) -> str:
    return f"/school/{KINGSMEAD}/policy/synthesis/{question(cast, key).pk}/"


def test_leader_compares_data_collection_across_departments(
    cast: Cast, django_assert_max_num_queries
) -> None:
    client = cast.client("leader")
    # Session, user, memberships, seeding, question (5), departments (1), responses (1),
    # decisions (1), layout (2): fixed, whatever the number of departments.
    with django_assert_max_num_queries(14):
        page = client.get(synthesis_url(cast, "data-collection"))
    text = page.content.decode()
    for name in ("English", "Mathematics", "Science", "History", "Geography"):
        assert f">{name}</h3>" in text
    assert "Modern foreign languages" in text
    assert "— every department" in text  # the December and March windows are shared
    year = year_name(demo_year_start())
    assert f"Science plans: 5 drops in {year}" in text
    assert f"Modern foreign languages plans: 4 drops in {year}" in text
    assert "over the limit of 3 a year, after “Making data work”" in text


def test_marking_synthesis_computes_hours_and_flags_the_limit(cast: Cast) -> None:
    text = cast.client("leader").get(synthesis_url(cast, "marking-feedback")).content.decode()
    assert "Marking and feedback take from" in text
    assert "English: 13.75 hours a week per teacher, over the school&#x27;s limit of 3.0." in text


def test_progress_synthesis_shows_shared_scale_and_differing_methods(cast: Cast) -> None:
    text = cast.client("leader").get(synthesis_url(cast, "progress")).content.decode()
    assert "Scale: Key Stage 3 standards — every department" in text
    assert "Calculation: Decaying average (65%) — English, History (2 of 5)" in text
    assert "Calculation: Mastery shown a number of times (2 times) — only" not in text


def test_leader_records_a_decision_and_earlier_ones_are_kept(cast: Cast) -> None:
    client = cast.client("leader")
    url = synthesis_url(cast, "progress")
    client.post(url, {"text": "Every department judges on the Key Stage 3 standards."})
    client.post(url, {"text": "Key Stage 3 standards; each department chooses its method."})
    decisions = Decision.objects.filter(question=question(cast, "progress")).order_by("decided_at")
    assert [d.text for d in decisions] == [
        "Every department judges on the Key Stage 3 standards.",
        "Key Stage 3 standards; each department chooses its method.",
    ]
    text = client.get(url).content.decode()
    assert "in force" in text


def test_an_empty_decision_is_refused(cast: Cast) -> None:
    before = Decision.objects.count()
    page = cast.client("leader").post(synthesis_url(cast, "progress"), {"text": ""})
    assert page.status_code == 200
    assert Decision.objects.count() == before


def test_only_leaders_compare_and_decide(cast: Cast) -> None:
    for username in ("hod", "teacher", "admin", "parent"):
        client = cast.client(username)
        assert client.get(synthesis_url(cast, "purpose")).status_code == cast.refused(
            username, cast.secondary
        )
        listing = client.get(f"/school/{KINGSMEAD}/policy/synthesis/")
        assert listing.status_code == cast.refused(username, cast.secondary)


def test_leaders_overview_shows_every_answers_status_within_budget(
    cast: Cast, django_assert_max_num_queries
) -> None:
    client = cast.client("leader")
    # Session, user, memberships, seeding, departments, questions, statuses, decisions,
    # latest document, reminders, workload (8), layout (2): fixed for any number of answers.
    with django_assert_max_num_queries(24):
        page = client.get(f"/school/{KINGSMEAD}/policy/")
    text = page.content.decode()
    assert 'title="Agreed"' in text and 'title="Changes requested"' in text
    assert "answers waiting for a leader to agree" in text
    assert "Is mastery shown twice giving a truer picture" in text


def test_reviews_list_within_budget(cast: Cast, django_assert_max_num_queries) -> None:
    client = cast.client("leader")
    # Session, user, memberships, seeding, departments, reviews with departments, layout.
    with django_assert_max_num_queries(12):
        page = client.get(f"/school/{KINGSMEAD}/policy/reviews/")
    assert "Has redrafting with purple pen improved" in page.content.decode()
