"""A pupil's page: who they are, their classes and groups, and the people linked to them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nextsteps import access
from nextsteps.people import permissions
from nextsteps.people.selectors import pupil_page


@access.signed_in
def pupil_detail(request: HttpRequest, urn: int, pupil_id: int) -> HttpResponse:
    school = access.access_school(request.user, urn)
    pupil = permissions.pupils.get(request.user, school, pupil_id)
    is_staff = permissions.sees_family(request.user, school)
    page = pupil_page(pupil, with_family=is_staff)
    return render(
        request,
        "people/pupil_detail.html",
        {
            "school": school,
            "pupil": pupil,
            "classes": page.classes,
            "groups": page.groups,
            "guardians": page.guardians,
            "is_staff": is_staff,
            "attendance": page.attendance,
        },
    )
