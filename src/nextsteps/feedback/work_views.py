"""The pages a pupil and the staff who teach them share: a piece of work (every version, the
feedback and the revisions) and a target (its history, the pupil's claim, the teacher's
decision), with the files handed in on them.

A pupil reaches only their own rows: every id in a URL is checked against the pupil the
signed-in person is, so a classmate's work, feedback or target is simply not found. The pupil's
own pages are in `own_views.py`, their home in `web`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nextsteps import access
from nextsteps.access import Action
from nextsteps.feedback import permissions, selectors, services
from nextsteps.feedback.forms import (
    ClaimForm,
    ConfirmForm,
    FeedbackForm,
    ReturnForm,
    VersionForm,
)
from nextsteps.feedback.kernels import loop
from nextsteps.feedback.models import MarkingCode, Submission
from nextsteps.feedback.selectors import options
from nextsteps.feedback.services import FeedbackRefused

# ---------------------------------------------------------------------------- a piece of work


@access.signed_in
@require_http_methods(["GET", "POST"])
def submission(request: HttpRequest, urn: int, work_id: int, pupil_id: int) -> HttpResponse:
    """One pupil's work: every version, the feedback, purple-pen revisions and comparisons."""
    school = access.access_school(request.user, urn)
    pupil, is_staff = permissions.viewer(request.user, school, pupil_id)
    work = permissions.work_to_view(request.user, school, work_id, None if is_staff else pupil)
    can_record = is_staff and permissions.may_give_feedback(
        request.user, school, work.teaching_class_id, pupil
    )
    record = selectors.submission_of(work, pupil)
    criteria = selectors.work_criteria(work)
    codes = selectors.marking_codes(school.pk)
    version_form = VersionForm(prefix="v")
    feedback_form = FeedbackForm(prefix="f", criteria=criteria)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "version" and not is_staff:
            version_form = VersionForm(request.POST, request.FILES, prefix="v")
            if version_form.is_valid():
                data = version_form.cleaned_data
                try:
                    services.version_add(
                        work=work,
                        pupil=pupil,
                        text=data["text"],
                        file=data["file"],
                        response=data["response"],
                        by=request.user,
                    )
                except FeedbackRefused as error:
                    version_form.add_error(None, str(error))
                else:
                    messages.success(request, _("Saved! Your teacher can see your work."))
                    return redirect(f"{request.path}#my-work")  # the pupil's place on the page
        elif action in {"feedback", "acknowledge", "final"} and can_record and record:
            feedback_form = FeedbackForm(request.POST, prefix="f", criteria=criteria)
            done = _staff_action(request, action, record, feedback_form, codes)
            if done:
                return redirect(request.path)
        else:
            raise Http404("Not found")
    versions = selectors.submission_detail(record) if record else []
    latest = versions[-1] if versions else None
    if latest and not version_form.is_bound:
        version_form = VersionForm(prefix="v", initial={"text": latest.version.text})
    return render(
        request,
        "feedback/submission.html",
        {
            "school": school,
            "work": work,
            "pupil": pupil,
            "record": record,
            "versions": versions,
            "latest": latest,
            "is_staff": is_staff,
            "can_record": can_record,
            "can_revise": not is_staff
            and (record is None or record.status != Submission.Status.FINAL),
            "needs_feedback": latest is not None and not latest.feedback,
            "version_form": version_form,
            "feedback_form": feedback_form,
            "codes": codes,
            "criteria": criteria,
            "objectives": list(work.objectives.all()),
            "comparison": _comparison(request, versions),
            "verbal": selectors.verbal_feedback_for(record) if record else [],
            "parent_replies": selectors.replies_for_submission(record) if is_staff else [],
            "notes": selectors.submission_notes(record),
            "can_add_note": can_record
            or (not is_staff and record is not None and record.status != Submission.Status.FINAL),
        },
    )


def _staff_action(
    request: HttpRequest,
    action: str,
    record: Submission,
    form: FeedbackForm,
    codes: list[MarkingCode],
) -> bool:
    """Give feedback, acknowledge a response, or mark the work final. True when done."""
    try:
        if action == "feedback":
            latest = selectors.latest_version(record)
            if latest is None or not form.is_valid():
                return False
            chosen = [
                (code, request.POST.get(f"where_{code.pk}", ""))
                for code in codes
                if request.POST.get(f"code_{code.pk}")
            ]
            services.feedback_give(
                version=latest,
                next_step=form.cleaned_data["next_step"],
                comment=form.cleaned_data["comment"],
                criteria_met=list(form.cleaned_data["criteria_met"]),
                codes=chosen,
                released_to_guardians=form.cleaned_data["released_to_guardians"],
                by=request.user,
            )
            messages.success(request, _("Feedback given."))
        elif action == "acknowledge":
            feedback = permissions.submission_feedback(record, _int(request.POST.get("feedback")))
            services.feedback_acknowledge(feedback=feedback, by=request.user)
            messages.success(request, _("Response acknowledged."))
        else:
            services.submission_mark_final(submission=record, by=request.user)
            messages.success(request, _("Marked as finished. Every version is kept."))
    except FeedbackRefused as error:
        form.add_error(None, str(error))
        return False
    return True


def _int(raw: Any) -> int:
    return int(raw) if isinstance(raw, str) and raw.isdigit() else 0


def _comparison(
    request: HttpRequest, versions: list[selectors.VersionView]
) -> dict[str, Any] | None:
    """Any two versions side by side: ?from=1&to=3 (version numbers)."""
    by_number = {v.version.number: v.version for v in versions}
    start, end = _int(request.GET.get("from")), _int(request.GET.get("to"))
    if start not in by_number or end not in by_number or start == end:
        return None
    segments = loop.text_diff(by_number[start].text, by_number[end].text)
    return {"start": by_number[start], "end": by_number[end], "segments": segments}


def _serve(field: Any, content_type: str, name: str) -> FileResponse:
    if not field:
        raise Http404("No file")
    response = FileResponse(
        field.open("rb"), content_type=content_type or "application/octet-stream"
    )
    disposition = (
        "inline"
        if content_type.startswith("image/") or content_type == "application/pdf"
        else "attachment"
    )
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "._- ") or "file"
    response["Content-Disposition"] = f'{disposition}; filename="{safe}"'
    return response


@access.signed_in
def version_file(request: HttpRequest, urn: int, version_id: int) -> HttpResponseBase:
    """The photo or file of a version, for the pupil and the staff who may see them."""
    school = access.access_school(request.user, urn)
    version = permissions.version_to_view(request.user, school, version_id)
    return _serve(version.file, version.content_type, version.original_name)


# ---------------------------------------------------------------------------- targets


@access.signed_in
@require_http_methods(["GET", "POST"])
def target_detail(request: HttpRequest, urn: int, target_id: int) -> HttpResponse:
    """A target and its history; the pupil claims it, the teacher confirms or returns it."""
    school = access.access_school(request.user, urn)
    target, pupil, is_staff = permissions.target_to_view(request.user, school, target_id)
    can_decide = is_staff and permissions.targets.can(request.user, Action.DECIDE, target)
    levels = options.scale_levels(target.objective.framework.scale_id)
    claim_form = ClaimForm(prefix="c")
    confirm_form = ConfirmForm(prefix="k", levels=levels)
    return_form = ReturnForm(prefix="r")
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "claim" and not is_staff:
                claim_form = ClaimForm(request.POST, request.FILES, prefix="c")
                if claim_form.is_valid():
                    services.target_claim(
                        target=target,
                        comment=claim_form.cleaned_data["comment"],
                        file=claim_form.cleaned_data["file"],
                        by=request.user,
                    )
                    messages.success(request, _("Well done! Your teacher will check it."))
                    return redirect(request.path)
            elif action == "confirm" and can_decide:
                confirm_form = ConfirmForm(request.POST, prefix="k", levels=levels)
                if confirm_form.is_valid():
                    services.target_confirm(
                        target=target,
                        level=confirm_form.cleaned_data["level"],
                        note=confirm_form.cleaned_data["note"],
                        by=request.user,
                    )
                    messages.success(request, _("Target confirmed and judgement recorded."))
                    return redirect(request.path)
            elif action == "return" and can_decide:
                return_form = ReturnForm(request.POST, prefix="r")
                if return_form.is_valid():
                    services.target_return(
                        target=target, comment=return_form.cleaned_data["comment"], by=request.user
                    )
                    messages.success(request, _("Target returned to the pupil."))
                    return redirect(request.path)
            else:
                raise Http404("Not found")
        except FeedbackRefused as error:
            {"claim": claim_form, "confirm": confirm_form}.get(action, return_form).add_error(
                None, str(error)
            )
    return render(
        request,
        "feedback/target_detail.html",
        {
            "school": school,
            "target": target,
            "pupil": pupil,
            "history": selectors.target_history(target),
            "is_staff": is_staff,
            "can_decide": can_decide,
            "claim_form": claim_form,
            "confirm_form": confirm_form,
            "return_form": return_form,
        },
    )


@access.signed_in
def target_file(request: HttpRequest, urn: int, event_id: int) -> HttpResponseBase:
    school = access.access_school(request.user, urn)
    event = permissions.target_event_to_view(request.user, school, event_id)
    return _serve(event.file, event.content_type, event.original_name)
