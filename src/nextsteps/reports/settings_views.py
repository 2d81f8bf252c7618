"""The school's choices for its reports to parents: its logo and which sections they give."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nextsteps import access
from nextsteps.feedback import selectors as feedback_selectors
from nextsteps.reports import permissions, report_selectors, services
from nextsteps.reports.pdf import logo_data_uri
from nextsteps.schools.models import School


def _school_for_settings(request: HttpRequest, urn: int) -> School:
    """The school's leaders and administrators set how its reports look."""
    school = access.access_school(request.user, urn)
    permissions.report_settings.require(request.user, school)
    return school


def _page(
    request: HttpRequest,
    school: School,
    *,
    errors: dict[str, list[str]] | None = None,
    chosen: list[str] | None = None,
) -> HttpResponse:
    report_settings = report_selectors.report_settings_for(school)
    shown = chosen if chosen is not None else report_selectors.sections_shown(report_settings)
    return render(
        request,
        "reports/report_settings.html",
        {
            "school": school,
            "sections": [
                (key, label, key in shown) for key, label in report_selectors.SECTION_LABELS.items()
            ],
            "logo_src": logo_data_uri(
                (report_settings.logo.name or "") if report_settings.logo else ""
            ),
            "errors": errors or {},
            "parent_replies_open": feedback_selectors.replies_open(school),
        },
        status=400 if errors else 200,
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def report_settings(request: HttpRequest, urn: int) -> HttpResponse:
    """GET: the school's logo and report sections. POST: choose the sections."""
    school = _school_for_settings(request, urn)
    if request.method == "POST":
        chosen = request.POST.getlist("sections")
        try:
            services.report_sections_update(school=school, shown=chosen, by=request.user)
        except ValidationError as error:
            return _page(request, school, errors=error.message_dict, chosen=chosen)
        messages.success(
            request,
            _("The reports' sections are saved. Released reports keep the sections they had."),
        )
        return redirect("report_settings", urn=school.urn)
    return _page(request, school)


@access.signed_in
@require_POST
def report_logo(request: HttpRequest, urn: int) -> HttpResponse:
    """Upload the school's logo for its reports, or take it off ("remove")."""
    school = _school_for_settings(request, urn)
    if request.POST.get("remove"):
        services.report_logo_remove(school=school, by=request.user)
        messages.success(request, _("The logo is taken off reports made from now on."))
        return redirect("report_settings", urn=school.urn)
    upload = request.FILES.get("logo")
    if upload is None:
        return _page(request, school, errors={"logo": [_("Choose a PNG or JPEG file to upload.")]})
    try:
        services.report_logo_set(school=school, file=upload, by=request.user)
    except ValidationError as error:
        return _page(request, school, errors=error.message_dict)
    messages.success(request, _("The logo is on the school's reports."))
    return redirect("report_settings", urn=school.urn)
