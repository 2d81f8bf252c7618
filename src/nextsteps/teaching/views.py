"""Class pages: the register with groups, and printable sign-in cards for pupils."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from nextsteps import access
from nextsteps.access import Action
from nextsteps.accounts.services import pupil_cards_issue
from nextsteps.teaching import permissions
from nextsteps.teaching.selectors import class_groups, class_pupils, class_staff


@access.signed_in
def class_detail(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    school = permissions.staff_school(request.user, urn)
    teaching_class = permissions.classes.get(request.user, school, class_id)
    pupils = class_pupils(teaching_class)
    return render(
        request,
        "teaching/class_detail.html",
        {
            "school": school,
            "teaching_class": teaching_class,
            "pupils": pupils,
            "groups": class_groups(teaching_class),
            "staff_links": class_staff(teaching_class),
            "can_issue_cards": permissions.classes.can(request.user, Action.MANAGE, teaching_class),
            "can_record": permissions.classes.can(request.user, Action.CHANGE, teaching_class),
        },
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def class_cards(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    """A teacher prints sign-in cards: issuing sets new passwords, shown only on the cards."""
    school = permissions.staff_school(request.user, urn)
    teaching_class = permissions.classes.get(request.user, school, class_id, Action.MANAGE)
    pupils = class_pupils(teaching_class)
    cards = []
    if request.method == "POST":
        cards = pupil_cards_issue(pupils=pupils, school=school, by=request.user)
    return render(
        request,
        "teaching/class_cards.html",
        {"school": school, "teaching_class": teaching_class, "pupils": pupils, "cards": cards},
    )
