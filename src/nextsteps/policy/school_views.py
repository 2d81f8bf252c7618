"""Whole-school policy pages: workload against the school's limit, review cycles,
publishing, and the published policy (HTML and PDF) that everyone in the school reads."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nextsteps import access
from nextsteps.access import Action
from nextsteps.policy import (
    document_selectors,
    drop_selectors,
    forms,
    permissions,
    selectors,
    services,
    workload_selectors,
)
from nextsteps.policy.errors import PolicyError
from nextsteps.policy.models import PolicyDocument
from nextsteps.policy.pdf import document_pdf
from nextsteps.policy.scope import policy_leader_school, policy_worker_school
from nextsteps.schools.models import School

# ---------------------------------------------------------------------------- workload


@access.signed_in
@require_http_methods(["GET", "POST"])
def policy_workload(request: HttpRequest, urn: int) -> HttpResponse:
    school = policy_worker_school(request, urn)
    is_leader = permissions.leads_policy(request.user, school)
    settings = selectors.settings_for(school)
    form = forms.SettingsForm(
        request.POST or None,
        initial={
            "workload_limit_hours": settings.workload_limit_hours,
            "review_interval_months": settings.review_interval_months,
            "data_drops_limit": settings.data_drops_limit,
        },
    )
    if request.method == "POST":
        if not is_leader:
            raise Http404("Only leaders set the limits")
        if form.is_valid():
            services.policy_settings_update(
                school=school,
                by=request.user,
                workload_limit_hours=form.cleaned_data["workload_limit_hours"],
                review_interval_months=form.cleaned_data["review_interval_months"],
                data_drops_limit=form.cleaned_data["data_drops_limit"],
            )
            messages.success(request, _("The school's limits are saved."))
            return redirect("policy_workload", urn=urn)
    from nextsteps.policy.kernels import workload

    departments = permissions.departments(request.user, school)
    department_drops, school_drops = drop_selectors.calendar_drops(
        school,
        departments,
        timezone.localdate(),
        whole_school=permissions.sees_whole_school(request.user, school),
        settings=settings,
    )
    any_drops = school_drops or (department_drops[0] if department_drops else None)
    return render(
        request,
        "policy/workload.html",
        {
            "school": school,
            "rows": workload_selectors.workload_rows(
                school, departments, settings.workload_limit_hours, drops=department_drops
            ),
            "school_drops": school_drops,
            "drop_limits": any_drops.limits if any_drops else None,
            "limit": settings.workload_limit_hours,
            "form": form,
            "is_leader": is_leader,
            "read_minutes": _decimal(workload.WHOLE_CLASS_READ_MINUTES),
            "sheet_minutes": _decimal(workload.WHOLE_CLASS_SHEET_MINUTES),
        },
    )


def _decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).normalize()


# ---------------------------------------------------------------------------- reviews


@access.signed_in
@require_http_methods(["GET", "POST"])
def policy_reviews(request: HttpRequest, urn: int) -> HttpResponse:
    school = policy_worker_school(request, urn)
    is_leader = permissions.leads_policy(request.user, school)
    departments = permissions.departments(request.user, school)
    form = forms.ReviewScheduleForm(
        request.POST or None, departments=[(d.pk, d.name) for d in departments]
    )
    error = ""
    if request.method == "POST":
        permissions.reviews.require_manage(request.user, school)
        if form.is_valid():
            department_id = form.cleaned_data["department"]
            department = (
                permissions.get_department(request.user, school, department_id)
                if department_id
                else None
            )
            try:
                services.review_schedule(
                    school=school,
                    by=request.user,
                    due_on=form.cleaned_data["due_on"],
                    focus=form.cleaned_data["focus"],
                    department=department,
                )
            except PolicyError as problem:
                error = str(problem)
            else:
                messages.success(request, _("The review is scheduled."))
                return redirect("policy_reviews", urn=urn)
    scope = permissions.reviews.department_ids(request.user, school, departments)
    return render(
        request,
        "policy/reviews.html",
        {
            "school": school,
            "reviews": selectors.reviews_for(school, scope),
            "form": form,
            "error": error,
            "is_leader": is_leader,
            "today": timezone.localdate(),
        },
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def policy_review(request: HttpRequest, urn: int, review_id: int) -> HttpResponse:
    """Record a review's evaluation: the effect on pupils' progress and what will change."""
    school = policy_worker_school(request, urn)
    review = permissions.reviews.get(request.user, school, review_id, Action.CHANGE)
    secure = selectors.secure_share(school, review.department)
    form = forms.ReviewCompleteForm(
        request.POST or None, initial={"completed_on": timezone.localdate()}
    )
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            following = services.review_complete(
                review=review,
                by=request.user,
                effect=form.cleaned_data["effect"],
                evidence=form.cleaned_data["evidence"],
                actions=form.cleaned_data["actions"],
                completed_on=form.cleaned_data["completed_on"],
                secure_share=secure.share if secure else None,
            )
        except PolicyError as problem:
            error = str(problem)
        else:
            messages.success(
                request,
                _("The evaluation is recorded. The next review is due on %(d)s.")
                % {"d": following.due_on.strftime("%d %B %Y")},
            )
            return redirect("policy_reviews", urn=urn)
    return render(
        request,
        "policy/review.html",
        {
            "school": school,
            "review": review,
            "form": form,
            "error": error,
            "secure": secure,
            "previous": selectors.previous_reviews(review),
        },
    )


# ---------------------------------------------------------------------------- publishing


@access.signed_in
def policy_preview(request: HttpRequest, urn: int) -> HttpResponse:
    """The policy as it would be published now, with the button that publishes it."""
    school = policy_leader_school(request, urn)
    documents = document_selectors.published(school)
    next_version = (documents[0].version if documents else 0) + 1
    content = document_selectors.policy_content(
        school, version=next_version, published_on=timezone.localdate()
    )
    return render(
        request,
        "policy/preview.html",
        {"school": school, "content": content, "documents": documents},
    )


@access.signed_in
@require_POST
def policy_publish(request: HttpRequest, urn: int) -> HttpResponse:
    school = policy_leader_school(request, urn)
    without = frozenset(
        int(v) for v in request.POST.getlist("without") if v.isascii() and v.isdigit()
    )
    try:
        document = services.policy_publish(school=school, by=request.user, without=without)
    except PolicyError as problem:
        messages.error(request, str(problem))
        return redirect("policy_preview", urn=urn)
    messages.success(
        request, _("Version %(v)d of the policy is published.") % {"v": document.version}
    )
    return redirect("policy_document", urn=urn, version=document.version)


def _document(
    request: HttpRequest, urn: int, version: int | None
) -> tuple[School, PolicyDocument | None]:
    school = access.access_school(request.user, urn)
    if version is None:
        return school, permissions.documents.latest(request.user, school)
    return school, permissions.documents.get_version(request.user, school, version)


@access.signed_in
def policy_published(request: HttpRequest, urn: int) -> HttpResponse:
    """The latest published policy, for everyone in the school."""
    return _render_document(request, urn, None)


@access.signed_in
def policy_document(request: HttpRequest, urn: int, version: int) -> HttpResponse:
    return _render_document(request, urn, version)


def _render_document(request: HttpRequest, urn: int, version: int | None) -> HttpResponse:
    school, document = _document(request, urn, version)
    return render(
        request,
        "policy/published.html",
        {
            "school": school,
            "document": document,
            "versions": document_selectors.versions(school),
            "is_latest": document is not None and document_selectors.is_latest(document),
            "is_leader": permissions.leads_policy(request.user, school),
        },
    )


@access.signed_in
def policy_document_pdf(request: HttpRequest, urn: int, version: int) -> HttpResponse:
    school = access.access_school(request.user, urn)
    document = permissions.documents.get_version(request.user, school, version)
    response = HttpResponse(document_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="assessment-policy-{school.urn}-v{document.version}.pdf"'
    )
    return response
