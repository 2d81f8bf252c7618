"""A page a person may not open says so plainly where that reveals nothing (403, in the
product's layout), and stays "not found" where it could reveal something (404)."""

from __future__ import annotations

from django.test import Client

from nextsteps.api.services import token_create
from nextsteps.people.models import Pupil
from tests.conftest import Cast


def test_a_teacher_opening_the_leaders_home_of_their_own_school_is_told_plainly(
    cast: Cast,
) -> None:
    response = cast.client("teacher").get(f"/school/{cast.primary.urn}/leader/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot open this page" in html
    assert f"This page is not open to your role at {cast.primary.name}." in html
    assert 'href="/"' in html  # the way home
    assert "<nav" in html  # the product's layout, not a bare error
    assert "Traceback" not in html


def test_a_pupil_opening_a_staff_page_of_their_school_is_told_plainly(cast: Cast) -> None:
    response = cast.client("pupil").get(f"/school/{cast.primary.urn}/frameworks/")
    assert response.status_code == 403
    assert "You cannot open this page" in response.content.decode()


def test_the_same_page_of_another_school_stays_not_found(cast: Cast) -> None:
    client = cast.client("teacher")
    assert client.get(f"/school/{cast.other.urn}/leader/").status_code == 404
    assert client.get("/school/123456/leader/").status_code == 404
    # An object outside the person's scope, even in their own school, is not found.
    isaac = Pupil.objects.get(school=cast.other)
    assert client.get(f"/school/{cast.primary.urn}/pupils/{isaac.pk}/").status_code == 404


def test_a_signed_out_visitor_is_sent_to_sign_in_not_told_anything(cast: Cast) -> None:
    response = Client().get(f"/school/{cast.primary.urn}/leader/")
    assert response.status_code in {302, 404}


def test_the_api_says_forbidden_as_json_to_a_member_and_not_found_to_anyone_else(
    cast: Cast,
) -> None:
    urn = cast.primary.urn
    _, pupil_token = token_create(user=cast.user("pupil"), name="t", by=None)
    answer = Client().get(
        f"/api/v1/schools/{urn}/classes", HTTP_AUTHORIZATION=f"Bearer {pupil_token}"
    )
    assert answer.status_code == 403
    assert answer["Content-Type"].startswith("application/json")
    assert "not open to your role" in answer.json()["detail"]
    _, other_token = token_create(user=cast.user("otherteacher"), name="t", by=None)
    elsewhere = Client().get(
        f"/api/v1/schools/{urn}/classes", HTTP_AUTHORIZATION=f"Bearer {other_token}"
    )
    assert elsewhere.status_code == 404
