"""Query budgets: the analysis and the pages load in a fixed number of queries, whatever the
size of the year group (measured with 240 pupils × 40 questions against 20 × 5)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nextsteps.assessments import challenge_selectors, demo, selectors
from nextsteps.assessments.models import Challenge
from nextsteps.teaching.selectors import class_pupils
from tests.assessments.cohort import build_year_group
from tests.conftest import Cast

# analysis(): questions, their objective links, cohort enrolments, groups, group memberships,
# marks = 6 queries.
ANALYSIS_QUERIES = 6


def count(call: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def test_year_group_analysis_takes_the_same_fixed_number_of_queries_at_any_size(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    big = build_year_group(
        cast.secondary, label="Big", classes=8, per_class=30, questions=40, estab=9001
    )
    small = build_year_group(
        cast.secondary, label="Small", classes=2, per_class=10, questions=5, estab=9002
    )
    with django_assert_num_queries(ANALYSIS_QUERIES):
        result = selectors.analysis(big.assessment, big.classes)
    assert result.pupils == 240 and len(result.questions) == 40
    with django_assert_num_queries(ANALYSIS_QUERIES):
        selectors.analysis(small.assessment, small.classes)
    group = f"group-{big.classes[3].groups.get().pk}"
    with django_assert_num_queries(ANALYSIS_QUERIES):
        by_group = selectors.analysis(big.assessment, big.classes, scope_key=group)
    assert by_group.pupils == 10


def test_analysis_page_budget_does_not_grow_with_the_year_group(cast: Cast) -> None:
    big = build_year_group(
        cast.secondary, label="Big", classes=8, per_class=30, questions=40, estab=9003
    )
    small = build_year_group(
        cast.secondary, label="Small", classes=2, per_class=10, questions=5, estab=9004
    )
    client = cast.client("leader")
    url = "/school/{urn}/assessments/{pk}/analysis/"

    def page(year_group: Any) -> int:
        path = url.format(urn=cast.secondary.urn, pk=year_group.assessment.pk)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    big_count, small_count = page(big), page(small)
    # 17 when measured: session, user, memberships and trusts, the test and its access
    # checks, the classes the leader sees, the six reads of the analysis, and the layout's
    # navigation. The same for 240 pupils × 40 questions as for 20 × 5.
    assert big_count == small_count
    assert big_count <= 20


def test_mark_grid_page_has_a_fixed_budget(cast: Cast) -> None:
    client = cast.client("teacher")
    test = cast.four_oak.assessments.get(name=demo.MULTIPLICATION_TEST)
    with CaptureQueriesContext(connection) as queries:
        assert (
            client.get(f"/school/{cast.primary.urn}/assessments/{test.pk}/marks/").status_code
            == 200
        )
    # 29 pupils × 12 questions in a fixed count: access, the grid's four reads, the nav.
    assert len(queries) <= 30


def test_pupil_page_and_class_challenge_view_have_fixed_budgets(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    # pupil_challenges: the pupil's attempts with their challenges, one query.
    with django_assert_max_num_queries(1):
        challenge_selectors.pupil_challenges(cast.amara)
    # pupil_results: marks, tests, questions, objective links, then a table's rows and bands.
    with django_assert_max_num_queries(6):
        challenge_selectors.pupil_results(cast.amara)
    challenge = Challenge.objects.get(school=cast.primary, name=demo.TIMES_TABLES)
    pupils = class_pupils(cast.four_oak)
    with django_assert_max_num_queries(1):  # every attempt of the class's pupils, one query
        summary = challenge_selectors.class_challenge(challenge, pupils, timezone.localdate())
    assert summary.pupils == 29
    client = cast.client("pupil")
    with CaptureQueriesContext(connection) as queries:
        assert (
            client.get(
                f"/school/{cast.primary.urn}/assessments/pupils/{cast.amara.pk}/"
            ).status_code
            == 200
        )
    assert len(queries) <= 20
