"""The judging home page, private moderation feedback, the exemplar bank and file serving."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods

from nextsteps import access
from nextsteps.access import Action
from nextsteps.judging import permissions
from nextsteps.judging.forms import ExemplarForm
from nextsteps.judging.selectors import common as selectors
from nextsteps.judging.selectors.comparative import cj_sessions_list
from nextsteps.judging.selectors.moderation import (
    exemplar_bank,
    moderation_sessions_list,
    my_moderation_feedback,
    objectives_with_exemplar_counts,
)
from nextsteps.judging.services.moderation import ModerationRefused, exemplar_add
from nextsteps.markbook.uploads import UploadRefused, sniff
from nextsteps.people.models import Staff
from nextsteps.schools.models import School

# Served files may only be shown inside our own pages, and can run nothing.
FILE_POLICY = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
)


def staff_school(request: HttpRequest, urn: int) -> School:
    return permissions.staff_school(request.user, urn)


def my_staff(request: HttpRequest, school: School) -> Staff | None:
    return permissions.my_staff(request.user, school)


@access.signed_in
@require_GET
def judging_home(request: HttpRequest, urn: int) -> HttpResponse:
    school = staff_school(request, urn)
    moderation = permissions.moderation_sessions.scope(request.user, school, Action.VIEW)
    comparative = permissions.cj_sessions.scope(request.user, school, Action.VIEW)
    moderating, judging = selectors.my_session_ids(my_staff(request, school))
    return render(
        request,
        "judging/home.html",
        {
            "school": school,
            "moderation": moderation_sessions_list(moderation),
            "comparative": cj_sessions_list(comparative),
            "moderating": moderating,
            "judging": judging,
            "organiser": permissions.may_organise(request.user, school),
        },
    )


@access.signed_in
@require_GET
def moderation_feedback(request: HttpRequest, urn: int) -> HttpResponse:
    """The signed-in teacher's own tendency; nobody else can open it (no one's id in the URL)."""
    school = staff_school(request, urn)
    staff = my_staff(request, school)
    if staff is None:
        raise Http404("No staff record")
    return render(
        request,
        "judging/feedback.html",
        {"school": school, "staff": staff, "feedback": my_moderation_feedback(staff)},
    )


# --------------------------------------------------------------------------- exemplars


@access.signed_in
@require_GET
def exemplar_list(request: HttpRequest, urn: int) -> HttpResponse:
    """The exemplar bank: objectives with exemplars, or every objective of one subject."""
    school = staff_school(request, urn)
    subjects = selectors.exemplar_subjects(school)
    subject = request.GET.get("subject", "")
    objectives = selectors.exemplar_objectives(school, int(subject) if subject.isdigit() else None)
    return render(
        request,
        "judging/exemplar_list.html",
        {
            "school": school,
            "objectives": objectives_with_exemplar_counts(objectives),
            "subjects": subjects,
            "subject": subject,
        },
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def exemplar_objective(request: HttpRequest, urn: int, objective_id: int) -> HttpResponse:
    school = staff_school(request, urn)
    objective = selectors.exemplar_objective(school, objective_id)
    if objective is None:
        raise Http404("No such objective")
    can_add = permissions.organises(request.user, school, objective.framework.subject.department_id)
    levels = selectors.scale_levels(objective.framework.scale_id)
    form = ExemplarForm(request.POST or None, request.FILES or None, levels=levels)
    if request.method == "POST":
        if not can_add:
            raise Http404("Not found")
        if form.is_valid():
            try:
                exemplar_add(objective=objective, by=request.user, **form.cleaned_data)
            except (ModerationRefused, UploadRefused) as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Added to the exemplar bank."))
                return redirect("judging_exemplars", urn=school.urn, objective_id=objective.pk)
    return render(
        request,
        "judging/exemplar_objective.html",
        {
            "school": school,
            "objective": objective,
            "exemplars": exemplar_bank(objective),
            "levels": list(levels),
            "form": form,
            "can_add": can_add,
        },
    )


# --------------------------------------------------------------------------- files


@access.signed_in
@require_GET
@xframe_options_sameorigin
def judging_file(request: HttpRequest, urn: int, kind: str, file_id: int) -> HttpResponseBase:
    """A script, sample or exemplar file, for staff who may see it (never a public URL)."""
    school = staff_school(request, urn)
    field, content_type = _file_for(request, school, kind, file_id)
    if not field:
        raise Http404("No file")
    response = FileResponse(field.open("rb"), content_type=content_type)
    name = field.name.rsplit("/", 1)[-1]
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = FILE_POLICY
    return response


def _file_for(request: HttpRequest, school: School, kind: str, file_id: int) -> tuple[Any, str]:
    user = request.user
    if kind == "script":
        comparative = permissions.cj_sessions.scope(user, school, Action.VIEW)
        script = selectors.session_script(comparative, file_id)
        if script is None:
            raise Http404("No such script")
        return script.file, script.content_type
    if kind == "sample":
        moderation = permissions.moderation_sessions.scope(user, school, Action.VIEW)
        item = selectors.session_sample(moderation, file_id)
        if item is None:
            raise Http404("No such sample")
        return item.file, item.content_type
    if kind == "evidence":
        return _evidence(request, school, file_id)
    if kind == "exemplar":
        exemplar = selectors.school_exemplar(school, file_id)
        if exemplar is None or not exemplar.file:
            raise Http404("No such exemplar")
        return exemplar.file, _sniffed(exemplar.file)
    raise Http404("No such kind of file")


def _evidence(request: HttpRequest, school: School, attachment_id: int) -> tuple[Any, str]:
    """A photo behind a judgement, for moderators and organisers of a session sampling it."""
    attachment = selectors.evidence_file(
        school,
        attachment_id,
        permissions.moderation_sessions.scope(request.user, school, Action.VIEW),
        permissions.cj_sessions.scope(request.user, school, Action.VIEW),
    )
    if attachment is None:
        raise Http404("No such file")
    return attachment.file, attachment.content_type


def _sniffed(field: Any) -> str:
    with field.open("rb") as handle:
        head = handle.read(16)
    return sniff(head) or "application/octet-stream"
