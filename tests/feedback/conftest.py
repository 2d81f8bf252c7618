"""Helpers for the feedback tests: a classmate of Amara with an account, another parent,
the demo story work, and counting queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from nextsteps.accounts.models import Role, User
from nextsteps.accounts.services import membership_grant
from nextsteps.feedback.models import Work
from nextsteps.people.models import Guardian, GuardianLink, Pupil
from tests.conftest import Cast

URN = 990101


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def classmate(cast: Cast) -> Pupil:
    """Another pupil in 4 Oak, with an account of their own."""
    pupil = (
        Pupil.objects.filter(enrolments__teaching_class=cast.four_oak, user__isnull=True)
        .exclude(pk=cast.amara.pk)
        .order_by("legal_surname")
        .first()
    )
    assert pupil is not None
    user = User.objects.create_user("classmate", password=settings.NEXTSTEPS_DEMO_PASSWORD)
    membership_grant(user=user, school=cast.primary, role=Role.PUPIL, by=None)
    pupil.user = user
    pupil.save(update_fields=["user"])
    return pupil


@pytest.fixture
def classmate_client(classmate: Pupil) -> Client:
    assert classmate.user is not None
    return signed_in(classmate.user)


@pytest.fixture
def other_parent(cast: Cast, classmate: Pupil) -> Client:
    """The parent of Amara's classmate."""
    user = User.objects.create_user("otherparent", password=settings.NEXTSTEPS_DEMO_PASSWORD)
    membership_grant(user=user, school=cast.primary, role=Role.GUARDIAN, by=None)
    guardian = Guardian.objects.create(
        school=cast.primary, user=user, title="Ms", forename="Ola", surname="Other"
    )
    GuardianLink.objects.create(school=cast.primary, guardian=guardian, pupil=classmate)
    return signed_in(user)


@pytest.fixture
def story(cast: Cast) -> Work:
    return Work.objects.get(teaching_class=cast.four_oak, title__startswith="The Lost Key")


@pytest.fixture
def count_queries() -> Callable[..., tuple[int, Any]]:
    """Run a request and return (number of queries, response).

    The page is opened once first: the first view of a pupil's record in a session is
    written to the audit log, which is not part of the page's own reads.
    """

    def run(client: Client, path: str) -> tuple[int, Any]:
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return len(queries), response

    return run
