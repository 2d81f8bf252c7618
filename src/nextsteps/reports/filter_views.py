"""The group filter as every dashboard page reads it from a request and offers it in a form.

A page's `group` parameters (one per characteristic, repeated: `?group=disadvantaged&group=sen`)
name a combination of groups (`groups.GroupFilter`). An unknown group is not found (404); two
values of one characteristic are a bad request (400) that says which two.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from nextsteps.progress.kernels.measures import SMALL_GROUP
from nextsteps.reports.kernels.groups import (
    CHARACTERISTICS,
    GroupError,
    GroupFilter,
    PupilGroup,
    characteristic_label,
    group_filter,
    groups_named,
)


class FilterProblem(Exception):
    """Two values of one characteristic were asked for: the page says so (400)."""


def requested_groups(request: HttpRequest) -> GroupFilter:
    """The combination of groups the request asks for. Older links name the comparison side
    of a single group with `side=without`."""
    choices = groups_named()
    known = {group.slug for group in choices}
    slugs = [slug for slug in request.GET.getlist("group") if slug]
    if request.GET.get("side") == "without":
        slugs = [slug if slug.startswith(("not-", "prior-")) else f"not-{slug}" for slug in slugs]
    unknown = [slug for slug in slugs if slug not in known]
    if unknown:
        raise Http404("No such group")
    try:
        return group_filter(slugs, choices)
    except GroupError as problem:
        raise FilterProblem(str(problem)) from None


def filter_problem(request: HttpRequest, problem: FilterProblem, back: str) -> HttpResponse:
    return render(
        request,
        "reports/filter_problem.html",
        {"problem": str(problem), "back": back},
        status=400,
    )


@dataclass(frozen=True)
class GroupField:
    """One characteristic's choice in the filter form."""

    key: str
    label: str
    choices: list[PupilGroup]
    chosen: PupilGroup | None


def group_fields(chosen: GroupFilter) -> list[GroupField]:
    """The filter form's selects, one per characteristic, with what is chosen."""
    choices = groups_named()
    return [
        GroupField(
            key=key,
            label=characteristic_label(key),
            choices=[group for group in choices if group.key == key],
            chosen=chosen.chosen(key),
        )
        for key in CHARACTERISTICS
    ]


def filter_context(chosen: GroupFilter, pupils: int) -> dict[str, object]:
    """What the filter partial and the small-group notice need."""
    return {
        "group_fields": group_fields(chosen),
        "group_filter": chosen,
        "filtered_pupils": pupils,
        "small_group": SMALL_GROUP,
    }
