"""A department's data page: for its head of department and for senior leaders."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from nextsteps import access
from nextsteps.reports import department_selectors, filter_views, permissions


def _year(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@access.signed_in
@require_GET
def department_dashboard(request: HttpRequest, urn: int, department_id: int) -> HttpResponse:
    """The department's classes and year groups by strand and objective, by group of pupils
    and (where the school allows it) by teacher, with the objectives to reteach."""
    school = access.access_school(request.user, urn)
    department = permissions.dashboard_department(request.user, school, department_id)
    here = reverse("department_dashboard", kwargs={"urn": urn, "department_id": department.pk})
    try:
        groups = filter_views.requested_groups(request)
    except filter_views.FilterProblem as problem:
        return filter_views.filter_problem(request, problem, here)
    as_of = timezone.now()  # the department's figures are counted from the standings now
    board = department_selectors.department_dashboard(
        school=school,
        department=department,
        subject=request.GET.get("subject") or None,
        year=_year(request.GET.get("year")),
        groups=groups,
    )
    may_compare = permissions.sees_teacher_comparison(request.user, school, department)
    year_labels = {y: _("Reception") if y == 0 else _("Year %(n)s") % {"n": y} for y in board.years}
    return render(
        request,
        "reports/department_dashboard.html",
        {
            "school": school,
            "department": department,
            "board": board,
            "filters": board.filters,
            "here": here,
            "as_of": as_of,
            "year_choices": list(year_labels.items()),
            "year_rows": [
                (year_labels[y], board.filters.querystring(year=y), counted)
                for y, counted in board.by_year
            ],
            "show_teachers": board.compare_teachers and may_compare,
            "may_compare": may_compare,
            "sets_policy": permissions.sets_policy(request.user, school),
            # A class's page is filtered by the same groups (it has no subject or year filter).
            "group_query": board.filters.querystring(subject=None, year=None),
            **filter_views.filter_context(board.filters.groups, board.overall.pupils),
        },
    )
