"""A pupil's page: who they are, their classes and groups, and the people linked to them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nextsteps import access
from nextsteps.people.selectors import attendance_this_year
from nextsteps.teaching.models import Class, GroupMembership
from nextsteps.teaching.selectors import current


@access.signed_in
def pupil_detail(request: HttpRequest, urn: int, pupil_id: int) -> HttpResponse:
    school = access.access_school(request.user, urn)
    pupil = access.access_pupil(request.user, school, pupil_id)
    is_staff = access.is_staff_in(request.user, school)
    enrolled = pupil.enrolments.filter(current()).values("teaching_class_id")
    classes = list(
        Class.objects.filter(pk__in=enrolled)
        .prefetch_related("subjects", "staff_links__staff")
        .order_by("kind", "name")
    )
    groups = list(
        GroupMembership.objects.filter(current(), pupil=pupil).select_related(
            "group__teaching_class"
        )
    )
    guardians = (
        list(
            pupil.guardian_links.filter(access.current_guardian_link(prefix="")).select_related(
                "guardian"
            )
        )
        if is_staff
        else []
    )
    attendance = attendance_this_year(pupil) if is_staff else None
    return render(
        request,
        "people/pupil_detail.html",
        {
            "school": school,
            "pupil": pupil,
            "classes": classes,
            "groups": groups,
            "guardians": guardians,
            "is_staff": is_staff,
            "attendance": attendance,
        },
    )
