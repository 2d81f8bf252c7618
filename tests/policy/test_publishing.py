"""The policy generated from decisions and department sections, published as HTML and PDF."""

from __future__ import annotations

import re

import pytest

from nextsteps.policy import services
from nextsteps.policy.models import PolicyDocument, Review
from nextsteps.policy.pdf import document_html
from tests.conftest import Cast
from tests.policy.helpers import KINGSMEAD, question

HOLLINS_PARK = 990101


def test_the_demo_has_published_version_one_at_each_school(cast: Cast) -> None:
    for school in (cast.primary, cast.secondary):
        assert list(
            PolicyDocument.objects.filter(school=school).values_list("version", flat=True)
        ) == [1]


def test_leader_publishes_version_two_with_a_date_and_a_review(cast: Cast) -> None:
    client = cast.client("leader")
    preview = client.get(f"/school/{KINGSMEAD}/policy/preview/").content.decode()
    assert "Publish version 2 without them" in preview
    # Kingsmead's demo has departments with no agreed approach: the leader confirms them.
    confirmed = re.findall(r'name="without" value="(\d+)"', preview)
    assert confirmed
    response = client.post(f"/school/{KINGSMEAD}/policy/publish/", {"without": confirmed})
    document = PolicyDocument.objects.get(school=cast.secondary, version=2)
    assert response.status_code == 302
    assert response["Location"] == f"/school/{KINGSMEAD}/policy/published/2/"
    assert document.published_by == cast.user("leader")
    assert document.next_review_on == (
        Review.objects.filter(
            school=cast.secondary, department__isnull=True, completed_on__isnull=True
        )
        .order_by("due_on")
        .first()
        .due_on
    )
    body = document.body_html
    assert "Version 2 · published" in body
    assert "Whole-school decisions" in body
    assert "The school collects assessment data three times a year" in body
    assert "<h3>Mathematics</h3>" in body
    assert "Mastery shown a number of times (2 times)" in body
    approaches = body.split("Department approaches")[1].split("Approaches not yet agreed")[0]
    assert "Science" not in approaches
    assert 'href="#term-' in body and 'id="term-' in body


def test_a_published_version_is_frozen(cast: Cast) -> None:
    services.decision_record(
        question=question(cast, "purpose"), by=None, text="A new purpose, decided later."
    )
    version_one = PolicyDocument.objects.get(school=cast.secondary, version=1)
    assert "A new purpose, decided later." not in version_one.body_html
    preview = cast.client("leader").get(f"/school/{KINGSMEAD}/policy/preview/").content.decode()
    assert "A new purpose, decided later." in preview


def test_the_pdf_is_the_published_version_in_a_print_layout(cast: Cast) -> None:
    from weasyprint import HTML

    document = PolicyDocument.objects.get(school=cast.secondary, version=1)
    response = cast.client("hod").get(f"/school/{KINGSMEAD}/policy/published/1/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="assessment-policy-990102-v1.pdf"' in response["Content-Disposition"]
    pages = HTML(string=document_html(document)).render().pages
    assert len(pages) >= 3  # the decisions, then a page per department with agreed answers


@pytest.mark.parametrize("username", ["teacher", "ta", "pupil", "parent", "admin", "primaryhead"])
def test_everyone_in_the_school_reads_the_published_policy(cast: Cast, username: str) -> None:
    client = cast.client(username)
    page = client.get(f"/school/{HOLLINS_PARK}/policy/published/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "How we assess" in text
    assert "purple polishing pens" in text
    assert client.get(f"/school/{HOLLINS_PARK}/policy/published/1/pdf/").status_code == 200


@pytest.mark.parametrize("username", ["teacher", "pupil", "parent"])
def test_readers_are_sent_to_the_published_policy_and_see_nothing_else(
    cast: Cast, username: str
) -> None:
    client = cast.client(username)
    home = client.get(f"/school/{HOLLINS_PARK}/policy/")
    assert home.status_code == 302
    assert home["Location"] == f"/school/{HOLLINS_PARK}/policy/published/"
    for path in ("preview/", "synthesis/", "questions/", "workload/", "reviews/"):
        assert client.get(f"/school/{HOLLINS_PARK}/policy/{path}").status_code == 403
    assert client.post(f"/school/{HOLLINS_PARK}/policy/publish/").status_code == 403


def test_another_school_cannot_read_the_policy(cast: Cast) -> None:
    client = cast.client("otherteacher")
    assert client.get(f"/school/{HOLLINS_PARK}/policy/published/").status_code == 404
    assert client.get(f"/school/{HOLLINS_PARK}/policy/published/1/pdf/").status_code == 404


def test_publishing_nothing_is_refused(cast: Cast) -> None:
    with pytest.raises(services.PolicyError, match="nothing to publish"):
        services.policy_publish(school=cast.other, by=None)
    assert not PolicyDocument.objects.filter(school=cast.other).exists()


def test_published_page_query_budget(cast: Cast, django_assert_max_num_queries) -> None:
    client = cast.client("parent")
    # Session, user, memberships, school, document, versions, newer check, layout (2).
    with django_assert_max_num_queries(12):
        assert client.get(f"/school/{HOLLINS_PARK}/policy/published/").status_code == 200
