"""The school's assessment points, with the data-drop rules' warnings beside them.

The points are the markbook's (it snapshots and locks standings at each); the warnings are
the assessment policy's (how many data drops a year a department may ask for). The page
needs both, so it lives here, above the markbook; its address stays under the markbook's.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nextsteps import access
from nextsteps.access import Action
from nextsteps.markbook import permissions, selectors, services
from nextsteps.markbook.forms import PointForm
from nextsteps.policy import drop_selectors


def _int(value: str | None) -> int | None:
    return int(value) if value and value.lstrip("-").isdigit() else None


@access.signed_in
@require_http_methods(["GET", "POST"])
def assessment_points(request: HttpRequest, urn: int) -> HttpResponse:
    """Dated points at which standings are snapshotted and locked."""
    policy = permissions.assessment_points
    school = policy.school(request.user, urn)
    whole_school = policy.whole_school(request.user, school)
    departments = policy.departments(request.user, school)
    form = PointForm(request.POST or None)
    form.fields["department"].queryset = departments  # type: ignore[attr-defined]
    if not whole_school:
        form.fields["department"].required = True
    if request.method == "POST" and request.POST.get("lock"):
        point = policy.get(request.user, school, _int(request.POST["lock"]) or 0, Action.MANAGE)
        try:
            count = services.assessment_point_lock(point=point, by=request.user)
            messages.success(
                request,
                _("%(name)s locked: %(count)d standings kept.")
                % {"name": point.name, "count": count},
            )
        except services.JudgementRefused as error:
            messages.error(request, str(error))
        return redirect("assessment_points", urn=school.urn)
    pending: list[str] = []
    if request.method == "POST" and form.is_valid():
        department = form.cleaned_data["department"]
        name, date = form.cleaned_data["name"], form.cleaned_data["date"]
        # The data-drop rules warn before the point is saved; saving anyway is the
        # leader's call, made with the dates in front of them.
        _drops, pending = drop_selectors.drops_if_added(school, department, name, date)
        if not pending or request.POST.get("confirm") == "1":
            services.assessment_point_create(
                school_id=school.pk,
                name=name,
                date=date,
                by=request.user,
                department_id=department.pk if department else None,
            )
            return redirect("assessment_points", urn=school.urn)
    department_drops, school_drops = drop_selectors.calendar_drops(
        school, list(departments), timezone.localdate(), whole_school=whole_school
    )
    first = school_drops or next(iter(department_drops), None)
    flagged = (school_drops, *department_drops)
    return render(
        request,
        "markbook/assessment_points.html",
        {
            "school": school,
            "points": selectors.assessment_points(policy.scope(request.user, school)),
            "form": form,
            "pending": pending,
            "drops": [d for d in flagged if d and (d.warnings or d.no_rule)],
            "drop_limits": first.limits if first else None,
        },
    )
