"""Signing in lands each person on a home page they can use."""

from __future__ import annotations

from django.test import Client

from nextsteps.accounts.models import User
from tests.conftest import Cast


def test_trust_leader_with_no_school_role_lands_on_the_trust_dashboard(cast: Cast) -> None:
    response = cast.client("trustleader").get("/")
    assert response.status_code == 302
    assert response["Location"] == "/trust/riverbend/"


def test_a_person_with_no_role_is_told_who_can_give_them_one(cast: Cast) -> None:
    client = Client()
    client.force_login(User.objects.create_user("newcomer"))
    response = client.get("/")
    assert response.status_code == 403
    assert "data manager" in response.content.decode()


def test_staff_land_on_the_home_of_their_first_role(cast: Cast) -> None:
    response = cast.client("teacher").get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/school/{cast.primary.urn}/teacher/"
