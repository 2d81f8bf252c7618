"""Pages a pupil uses (their work, targets, self-assessment and reviews), the pages staff
share with them (a submission and a target), a parent's page for each child, and the
notifications everyone reads.

A pupil reaches only their own rows: every id in a URL is checked against the pupil the
signed-in person is, so a classmate's work, feedback or target is simply not found.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from nextsteps import access
from nextsteps.curriculum.models import ScaleLevel
from nextsteps.feedback import selectors, services
from nextsteps.feedback.forms import (
    ClaimForm,
    ConfirmForm,
    FeedbackForm,
    ReturnForm,
    ReviewForm,
    VersionForm,
)
from nextsteps.feedback.kernels import loop
from nextsteps.feedback.models import (
    Feedback,
    MarkingCode,
    Notification,
    Review,
    Submission,
    Target,
    TargetEvent,
    Version,
    Work,
)
from nextsteps.feedback.services import FeedbackRefused
from nextsteps.people.models import Pupil
from nextsteps.reports.report_selectors import released_reports
from nextsteps.schools.models import School


def _viewer(request: HttpRequest, school: School, pupil_id: int) -> tuple[Pupil, bool]:
    """The pupil named in the URL and whether the viewer is staff; a pupil may only be
    themselves. Parents use their child's page instead."""
    if access.is_staff_in(request.user, school):
        return access.access_pupil(request.user, school, pupil_id), True
    pupil = access.own_pupil(request.user, school)
    if pupil.pk != pupil_id:
        raise Http404("Not found")
    return pupil, False


def _may_record(request: HttpRequest, school: School, class_id: int, pupil: Pupil) -> bool:
    """Whether a member of staff may give feedback to this pupil in this class."""
    try:
        teaching_class = access.access_class(request.user, school, class_id, write=True)
    except Http404:
        return False
    allowed = access.recordable_pupil_ids(request.user, teaching_class)
    return allowed is None or pupil.pk in allowed


# ---------------------------------------------------------------------------- a piece of work


@access.signed_in
@require_http_methods(["GET", "POST"])
def submission(request: HttpRequest, urn: int, work_id: int, pupil_id: int) -> HttpResponse:
    """One pupil's work: every version, the feedback, purple-pen revisions and comparisons."""
    school = access.access_school(request.user, urn)
    pupil, is_staff = _viewer(request, school, pupil_id)
    work = get_object_or_404(
        Work.objects.select_related("teaching_class", "group"), school=school, pk=work_id
    )
    if is_staff:
        access.access_class(request.user, school, work.teaching_class_id)
    elif not selectors.pupil_can_see_work(pupil, work):
        raise Http404("No such work")
    can_record = is_staff and _may_record(request, school, work.teaching_class_id, pupil)
    record = Submission.objects.filter(work=work, pupil=pupil).first()
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
            latest = record.versions.order_by("-number").first()
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
            feedback = get_object_or_404(
                Feedback, submission=record, pk=_int(request.POST.get("feedback"))
            )
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
    version = get_object_or_404(
        Version.objects.select_related("submission__work"), school=school, pk=version_id
    )
    _pupil, is_staff = _viewer(request, school, version.submission.pupil_id)
    if is_staff:
        access.access_class(request.user, school, version.submission.work.teaching_class_id)
    return _serve(version.file, version.content_type, version.original_name)


# ---------------------------------------------------------------------------- targets


@access.signed_in
@require_http_methods(["GET", "POST"])
def target_detail(request: HttpRequest, urn: int, target_id: int) -> HttpResponse:
    """A target and its history; the pupil claims it, the teacher confirms or returns it."""
    school = access.access_school(request.user, urn)
    target = get_object_or_404(
        Target.objects.select_related("objective__framework", "teaching_class", "pupil"),
        school=school,
        pk=target_id,
    )
    pupil, is_staff = _viewer(request, school, target.pupil_id)
    if is_staff:
        access.access_class(request.user, school, target.teaching_class_id)
    can_decide = is_staff and access.teaches(request.user, target.teaching_class)
    levels = ScaleLevel.objects.filter(scale_id=target.objective.framework.scale_id).order_by(
        "position"
    )
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
    event = get_object_or_404(
        TargetEvent.objects.select_related("target"), school=school, pk=event_id
    )
    _pupil, is_staff = _viewer(request, school, event.target.pupil_id)
    if is_staff:
        access.access_class(request.user, school, event.target.teaching_class_id)
    return _serve(event.file, event.content_type, event.original_name)


# ---------------------------------------------------------------------------- the pupil's own


@access.signed_in
@require_POST
def self_assess(request: HttpRequest, urn: int, objective_id: int) -> HttpResponse:
    """A pupil rates themselves on each step of one of their current learning intentions."""
    school = access.access_school(request.user, urn)
    pupil = access.own_pupil(request.user, school)
    views = {v.objective.pk: v for v in selectors.pupil_intentions(pupil)}
    view = views.get(objective_id)
    if view is None:
        raise Http404("Not one of your learning goals")
    levels = {level.pk: level for level in view.self_levels}
    ratings = {}
    for step in view.steps:
        raw = request.POST.get(f"step_{step.pk}", "")
        if raw.isdigit() and int(raw) in levels:
            ratings[step.pk] = levels[int(raw)]
    try:
        services.self_assessment_record(
            pupil=pupil,
            objective=view.objective,
            ratings=ratings,
            help_with=request.POST.get("help_with", "")[:1000],
            by=request.user,
        )
    except FeedbackRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you! Your teacher can see how you are getting on."))
    return redirect(f"{_home(school, 'pupil')}#goal-{objective_id}")


def _home(school: School, role: str) -> str:
    from django.urls import reverse

    return reverse("role_home", kwargs={"urn": school.urn, "role": role})


@access.signed_in
def my_work(request: HttpRequest, urn: int) -> HttpResponse:
    school = access.access_school(request.user, urn)
    pupil = access.own_pupil(request.user, school)
    return render(
        request,
        "feedback/my_work.html",
        {"school": school, "pupil": pupil, "work": selectors.work_for_pupil(pupil)},
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def my_review(request: HttpRequest, urn: int) -> HttpResponse:
    """The pupil looks back over the term: what went well and what to work on next."""
    school = access.access_school(request.user, urn)
    pupil = access.own_pupil(request.user, school)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_write(
                pupil=pupil,
                author=Review.Author.PUPIL,
                by=request.user,
                proud_of=form.cleaned_data["proud_of"],
                next_focus=form.cleaned_data["next_focus"],
            )
        except FeedbackRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you for looking back on your learning."))
            return redirect("feedback:my_review", urn=school.urn)
    return render(
        request,
        "feedback/my_review.html",
        {
            "school": school,
            "pupil": pupil,
            "form": form,
            "reviews": selectors.pupil_reviews(pupil),
            "questions": selectors.pupil_questions(pupil),
        },
    )


# ---------------------------------------------------------------------------- parents


@access.signed_in
@require_http_methods(["GET", "POST"])
def child(request: HttpRequest, urn: int, pupil_id: int) -> HttpResponse:
    """A parent's page for one child: goals, targets, feedback released to them, next
    steps (current and done) and how to help at home. POST: the parent answers: a reply to
    feedback or its next step, what they did at home, or a tip they tried."""
    school = access.access_school(request.user, urn)
    pupil = access.children_of(request.user, school).filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404("No such child")
    guardian = selectors.guardian_of(request.user, school)
    refused: dict[str, Any] | None = None
    if request.method == "POST":
        if guardian is None:
            raise Http404("Not found")
        answered = _parent_answer(request, pupil, guardian)
        if isinstance(answered, HttpResponse):
            return answered
        refused = answered
    page = selectors.child_page(pupil)
    answers = selectors.parent_answers(
        pupil, guardian, intentions=page["intentions"], feedback=page["feedback"], school=school
    )
    return render(
        request,
        "feedback/child.html",
        {
            "school": school,
            **page,
            **answers,
            "refused": refused,
            "reply_max": services.REPLY_MAX,
            "reports": released_reports(pupil),
            "voice_notes": selectors.child_notes(pupil),
        },
        status=400 if refused else 200,
    )


def _parent_answer(
    request: HttpRequest, pupil: Pupil, guardian: Any
) -> HttpResponse | dict[str, Any]:
    """Send a parent's answer; on refusal, what they typed and why, for the page to show."""
    action = request.POST.get("action", "")
    text = request.POST.get("text", "")
    refused: dict[str, Any] = {"action": action, "text": text}
    try:
        if action in {"reply", "at_home"}:
            feedback = selectors.feedback_for_parent(pupil, _int(request.POST.get("feedback")))
            if feedback is None:
                raise Http404("No such feedback")
            refused["feedback"] = feedback.pk
            services.parent_reply(
                feedback=feedback, guardian=guardian, kind=action, text=text, by=request.user
            )
            anchor = (
                f"feedback-{feedback.pk}"
                if action == "at_home"
                else f"feedback-reply-{feedback.pk}"
            )
            thanks = _("Sent. %(pupil)s's teacher will see it in their notifications.")
        elif action == "tip":
            intention = selectors.intention_for_parent(pupil, _int(request.POST.get("intention")))
            if intention is None:
                raise Http404("No such learning goal")
            tip = request.POST.get("tip", "")
            refused.update(intention=intention.pk, tip=tip)
            services.tip_tried(
                intention=intention,
                tip=tip,
                pupil=pupil,
                guardian=guardian,
                text=text,
                by=request.user,
            )
            anchor = "help-title"
            thanks = _("Thank you. %(pupil)s's teacher will see that you tried it.")
        else:
            raise Http404("Not found")
    except FeedbackRefused as error:
        refused["message"] = str(error)
        return refused
    messages.success(request, thanks % {"pupil": pupil.forename})
    return redirect(f"{request.path}#{anchor}")


@access.signed_in
@require_POST
def replies_setting(request: HttpRequest, urn: int) -> HttpResponse:
    """The school's leaders turn parents' replies on or off (from the parents' settings)."""
    school = access.access_school(request.user, urn)
    access.require_whole_school(request.user, school)
    open_to_parents = request.POST.get("replies_open") == "1"
    services.replies_open_set(school=school, open_to_parents=open_to_parents, by=request.user)
    messages.success(
        request,
        _("Parents can reply to feedback and next steps.")
        if open_to_parents
        else _("Replies from parents are turned off. Replies already sent are kept."),
    )
    return redirect(f"{reverse('report_settings', kwargs={'urn': school.urn})}#replies-title")


# ---------------------------------------------------------------------------- notifications


@access.signed_in
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest, urn: int) -> HttpResponse:
    school = access.access_school(request.user, urn)
    if request.method == "POST":
        count = services.notifications_mark_read(user=request.user, school_id=school.pk)
        messages.success(
            request,
            ngettext(
                "%(n)d notification marked as read.", "%(n)d notifications marked as read.", count
            )
            % {"n": count},
        )
        return redirect("feedback:notifications", urn=school.urn)
    return render(
        request,
        "feedback/notifications.html",
        {
            "school": school,
            "items": selectors.notifications_for(request.user, school.pk),
            "may_choose_digest": _may_choose_digest(request.user, school),
            "digest_chosen": selectors.email_digest_chosen(request.user),
        },
    )


def _may_choose_digest(user: Any, school: School) -> bool:
    """Parents and staff may choose a daily e-mail; a pupil's account is for school only."""
    return access.roles_in(user, school) != frozenset({"pupil"})


@access.signed_in
@require_POST
def email_digest(request: HttpRequest, urn: int) -> HttpResponse:
    """A parent or member of staff chooses (or stops) a daily e-mail of what is new."""
    school = access.access_school(request.user, urn)
    if not _may_choose_digest(request.user, school):
        access.refuse(request.user, school)
    daily = request.POST.get("daily") == "1"
    email = getattr(request.user, "email", "")
    if daily and not email:
        messages.error(
            request,
            _(
                "Your account has no e-mail address, so no summary can be sent. "
                "Please ask the school office to add one."
            ),
        )
        return redirect("feedback:notifications", urn=school.urn)
    services.email_digest_choose(user=request.user, daily=daily)
    messages.success(
        request,
        _("You will get one e-mail a day when there is something new, sent to %(email)s.")
        % {"email": email}
        if daily
        else _("No more e-mails. Everything is still here in nextsteps."),
    )
    return redirect("feedback:notifications", urn=school.urn)


@access.signed_in
@require_POST
def notification_open(request: HttpRequest, urn: int, notification_id: int) -> HttpResponse:
    """Mark one notification read and go to what it is about."""
    school = access.access_school(request.user, urn)
    note = get_object_or_404(
        Notification, school=school, recipient=request.user, pk=notification_id
    )
    services.notifications_mark_read(user=request.user, school_id=school.pk, ids=[note.pk])
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts=None):
        return redirect(note.url)
    return redirect("feedback:notifications", urn=school.urn)
