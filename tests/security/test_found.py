"""`access.found`, the one way a row is found by id or not found: it asks the access module
(so a page that only finds a row passes the guard) and answers a row outside what it is given,
another school's, exactly as it answers an id that does not exist."""

from __future__ import annotations

import contextvars
from typing import Any

import pytest
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from nextsteps import access
from nextsteps import urls as project_urls
from nextsteps.api.permissions import own_token
from nextsteps.api.services import token_create
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class
from nextsteps.teaching.permissions import classes
from tests.conftest import Cast


def pupil_page(request: HttpRequest, urn: int, pupil_id: int) -> HttpResponse:
    """A page that asks nothing but `found`: the guard passes it only if `found` asked."""
    pupil = access.found(Pupil.objects.filter(school__urn=urn), "pupil", pk=pupil_id)
    return HttpResponse(pupil.name)


urlpatterns = [
    path("found/<int:urn>/<int:pupil_id>/", pupil_page),
    *project_urls.urlpatterns,
]


def missing_id(model: type[Any]) -> int:
    return int(model.objects.order_by("-pk").values_list("pk", flat=True).first()) + 1


@pytest.mark.urls(__name__)
def test_a_page_that_only_finds_a_row_passes_the_access_guard(cast: Cast) -> None:
    response = Client().get(f"/found/{cast.primary.urn}/{cast.amara.pk}/")
    assert response.status_code == 200
    assert response.content.decode() == cast.amara.name


@pytest.mark.urls(__name__)
def test_a_page_finding_another_schools_row_is_not_found(cast: Cast) -> None:
    other_pupil = Pupil.objects.get(school=cast.other)
    assert Client().get(f"/found/{cast.primary.urn}/{other_pupil.pk}/").status_code == 404


def test_found_marks_the_request_as_asked(cast: Cast) -> None:
    def asked_after_finding() -> bool:
        access._asked.set(False)
        access.found(Pupil.objects.filter(school=cast.primary), "pupil", pk=cast.amara.pk)
        return access._asked.get()

    assert contextvars.copy_context().run(asked_after_finding)


def test_found_marks_the_request_as_asked_when_it_finds_nothing(cast: Cast) -> None:
    def asked_after_missing() -> bool:
        access._asked.set(False)
        with pytest.raises(Http404):
            access.found(Pupil.objects.filter(school=cast.primary), "pupil", pk=missing_id(Pupil))
        return access._asked.get()

    assert contextvars.copy_context().run(asked_after_missing)


def test_another_schools_row_is_told_as_an_id_that_does_not_exist(cast: Cast) -> None:
    """The same 404 and the same words for both, so ids cannot be probed."""
    rows = Pupil.objects.filter(school=cast.primary)
    other_pupil = Pupil.objects.get(school=cast.other)
    with pytest.raises(Http404) as outside:
        access.found(rows, "pupil", pk=other_pupil.pk)
    with pytest.raises(Http404) as missing:
        access.found(rows, "pupil", pk=missing_id(Pupil))
    assert str(outside.value) == str(missing.value) == "No such pupil"


def test_found_takes_other_lookups_than_the_id(cast: Cast) -> None:
    schools = School.objects.filter(trust_id=cast.primary.trust_id)
    assert access.found(schools, "school", urn=cast.primary.urn) == cast.primary
    with pytest.raises(Http404, match="No such school"):
        access.found(schools, "school", urn=cast.other.urn)


def test_a_policy_does_not_find_another_schools_row(cast: Cast) -> None:
    other_class = Class.objects.get(school=cast.other)
    with pytest.raises(Http404, match="No such class"):
        classes.get(cast.user("teacher"), cast.primary, other_class.pk)
    assert classes.get(cast.user("teacher"), cast.primary, cast.four_oak.pk) == cast.four_oak


def test_another_persons_token_is_not_found(cast: Cast) -> None:
    token, _secret = token_create(user=cast.user("leader"), name="reports", by=None)
    assert own_token(cast.user("leader"), token.pk) == token
    with pytest.raises(Http404, match="No such token"):
        own_token(cast.user("teacher"), token.pk)
