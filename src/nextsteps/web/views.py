"""The home pages: one for each role (the pupil's own home is "My learning"), the parent's
page of each child beside the parent's home, and the health check.

Each home page has one selector in `web.selectors` that returns what its template needs; the
staff's profile of a pupil is people's `pupil_detail`, and the pages a pupil shares with their
teachers are in feedback's `work_views`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nextsteps import access
from nextsteps.accounts.models import Role
from nextsteps.feedback import permissions as feedback_permissions
from nextsteps.feedback import selectors as feedback_selectors
from nextsteps.feedback import services as feedback_services
from nextsteps.feedback.services import FeedbackRefused
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from nextsteps.web import selectors


@access.public
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@access.signed_in
def home(request: HttpRequest) -> HttpResponse:
    """Send the person to the home page of their first role (a trust leader with no role in a
    school, to their trust's dashboard)."""
    memberships = access.memberships(request.user)
    if not memberships:
        trust = selectors.first_trust(request.user)
        if trust is not None:
            return redirect("trust_dashboard", trust=trust.slug)
        return render(request, "web/no_roles.html", status=403)
    first = memberships[0]
    return redirect("role_home", urn=first.school.urn, role=first.role)


@access.signed_in
def role_home(request: HttpRequest, urn: int, role: str) -> HttpResponse:
    school = access.access_role(request.user, urn, role)
    builder = ROLE_HOMES[Role(role)]
    template, context = builder(request, school)
    context.update({"school": school, "role": role, "role_label": Role(role).label})
    return render(request, template, context)


def teacher_home(request: HttpRequest, school: School) -> tuple[str, dict[str, Any]]:
    return "web/home_teacher.html", selectors.teacher_home(request.user, school)


def ta_home(request: HttpRequest, school: School) -> tuple[str, dict[str, Any]]:
    return "web/home_ta.html", selectors.ta_home(request.user, school)


def leader_home(request: HttpRequest, school: School) -> tuple[str, dict[str, Any]]:
    return "web/home_leader.html", selectors.leader_home(school)


def hod_home(request: HttpRequest, school: School) -> tuple[str, dict[str, Any]]:
    return "web/home_hod.html", selectors.hod_home(request.user, school)


def pupil_home(request: HttpRequest, school: School) -> tuple[str, dict[str, Any]]:
    """The pupil's own home, "My learning": current goals with steps and examples, targets,
    feedback, what's new."""
    pupil = access.own_pupil(request.user, school)
    return "web/home_pupil.html", selectors.pupil_home(pupil, request.user)


def guardian_home(request: HttpRequest, school: School) -> tuple[str, dict[str, Any]]:
    return "web/home_guardian.html", selectors.guardian_home(request.user, school)


def admin_home(request: HttpRequest, school: School) -> tuple[str, dict[str, Any]]:
    return "web/home_admin.html", selectors.admin_home(school)


ROLE_HOMES = {
    Role.TEACHER: teacher_home,
    Role.TA: ta_home,
    Role.LEADER: leader_home,
    Role.HOD: hod_home,
    Role.PUPIL: pupil_home,
    Role.GUARDIAN: guardian_home,
    Role.ADMIN: admin_home,
}


# ---------------------------------------------------------------------------- a parent's child


@access.signed_in
@require_http_methods(["GET", "POST"])
def guardian_child(request: HttpRequest, urn: int, pupil_id: int) -> HttpResponse:
    """The parent's page of one child (route `feedback:child`): goals, targets, feedback
    released to them, next steps (current and done) and how to help at home. POST: the
    parent answers: a reply to feedback or its next step, what they did at home, or a tip
    they tried."""
    school = access.access_school(request.user, urn)
    pupil = feedback_permissions.parents_child(request.user, school, pupil_id)
    guardian = feedback_selectors.guardian_of(request.user, school)
    refused: dict[str, Any] | None = None
    if request.method == "POST":
        if guardian is None:
            raise Http404("Not found")
        answered = _parent_answer(request, pupil, guardian)
        if isinstance(answered, HttpResponse):
            return answered
        refused = answered
    return render(
        request,
        "feedback/child.html",
        {
            "school": school,
            **selectors.guardian_child(pupil, guardian, school),
            "refused": refused,
            "reply_max": feedback_services.REPLY_MAX,
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
            feedback = feedback_selectors.feedback_for_parent(
                pupil, _int(request.POST.get("feedback"))
            )
            if feedback is None:
                raise Http404("No such feedback")
            refused["feedback"] = feedback.pk
            feedback_services.parent_reply(
                feedback=feedback, guardian=guardian, kind=action, text=text, by=request.user
            )
            anchor = (
                f"feedback-{feedback.pk}"
                if action == "at_home"
                else f"feedback-reply-{feedback.pk}"
            )
            thanks = _("Sent. %(pupil)s's teacher will see it in their notifications.")
        elif action == "tip":
            intention = feedback_selectors.intention_for_parent(
                pupil, _int(request.POST.get("intention"))
            )
            if intention is None:
                raise Http404("No such learning goal")
            tip = request.POST.get("tip", "")
            refused.update(intention=intention.pk, tip=tip)
            feedback_services.tip_tried(
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


def _int(raw: Any) -> int:
    return int(raw) if isinstance(raw, str) and raw.isdigit() else 0
