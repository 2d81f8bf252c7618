"""Pages for multiplication tables check practice: the pupil's practice and results, a
pupil's fact map, a class's fact map, and the access arrangements."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nextsteps import access
from nextsteps.access import Action
from nextsteps.mtc import permissions, selectors, services
from nextsteps.mtc.kernels.rules import read_check_rules
from nextsteps.mtc.models import Colours, PracticeAttempt
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School


@access.signed_in
def home(request: HttpRequest, urn: int) -> HttpResponse:
    """A pupil's practice page (start, their best, their arrangements); for staff, the
    year 4 classes whose fact maps they may see."""
    school = permissions.school_for(request.user, urn)
    if permissions.is_staff(request.user, school):
        classes = permissions.fact_map_classes(request.user, school)
        return render(request, "mtc/staff_home.html", {"school": school, "classes": classes})
    pupil = permissions.practising_pupil(request.user, school)
    attempts = selectors.finished_attempts(pupil)
    return render(
        request,
        "mtc/home.html",
        {
            "school": school,
            "pupil": pupil,
            "rules": read_check_rules(),
            "attempts": attempts[-5:][::-1],
            "best": selectors.own_best(attempts),
            "arrangements": selectors.arrangements_for(pupil),
        },
    )


@access.signed_in
@require_POST
def start(request: HttpRequest, urn: int) -> HttpResponse:
    school = permissions.school_for(request.user, urn)
    pupil = permissions.practising_pupil(request.user, school)
    attempt = services.attempt_start(pupil=pupil, by=request.user)
    return redirect("mtc:practice", urn=urn, attempt_id=attempt.pk)


@access.signed_in
@require_http_methods(["GET", "POST"])
def practice(request: HttpRequest, urn: int, attempt_id: int) -> HttpResponse:
    """The practice check. With JavaScript the page times each question and hands every answer
    in at the end as one JSON request; without it, the questions are one plain form, untimed."""
    school = permissions.school_for(request.user, urn)
    action = Action.CHANGE if request.method == "POST" else Action.VIEW
    attempt = permissions.own_attempt(request.user, school, attempt_id, action)
    if request.method == "POST":
        if request.content_type == "application/json":
            return _submit_json(request, attempt)
        return _submit_form(request, school, attempt)
    if attempt.finished:
        return redirect("mtc:result", urn=urn, attempt_id=attempt.pk)
    return _practice_page(request, school, attempt, problems=[], status=200)


def _practice_page(
    request: HttpRequest,
    school: School,
    attempt: PracticeAttempt,
    *,
    problems: list[str],
    status: int,
) -> HttpResponse:
    rules = read_check_rules()
    made = services.attempt_form(attempt, rules)
    questions = [
        {
            "position": n,
            "a": a,
            "b": b,
            "practice": n < len(made.practice),
            "value": str(request.POST.get(f"answer-{n}", ""))[:3],
        }
        for n, (a, b) in enumerate([*made.practice, *made.items])
    ]
    return render(
        request,
        "mtc/practice.html",
        {
            "school": school,
            "attempt": attempt,
            "rules": rules,
            "questions": questions,
            "arrangements": selectors.arrangements_for(attempt.pupil),
            "form_key": f"nojs-{uuid.uuid4().hex}",
            "problems": problems,
        },
        status=status,
    )


def _submit_json(request: HttpRequest, attempt: PracticeAttempt) -> HttpResponse:
    try:
        body = json.loads(request.body.decode("utf-8"))
        key = str(body["idempotency_key"])[:64]
        answers = [
            services.SubmittedAnswer(
                position=int(item["position"]),
                answer=str(item.get("answer", "")),
                time_ms=None if item.get("time_ms") is None else int(item["time_ms"]),
                timed_out=bool(item.get("timed_out", False)),
            )
            for item in body["answers"]
        ]
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        return JsonResponse(
            {"error": _("The answers could not be read. Nothing was saved.")}, status=400
        )
    try:
        done = services.attempt_submit(
            attempt=attempt, answers=answers, timed=True, idempotency_key=key, by=request.user
        )
    except services.IdempotencyConflict as conflict:
        return JsonResponse({"error": str(conflict)}, status=409)
    except services.PracticeRefused as refused:
        return JsonResponse({"error": str(refused), "problems": refused.problems}, status=422)
    url = reverse("mtc:result", kwargs={"urn": attempt.school.urn, "attempt_id": done.pk})
    return JsonResponse({"saved": True, "result_url": url})


def _submit_form(request: HttpRequest, school: School, attempt: PracticeAttempt) -> HttpResponse:
    made = services.attempt_form(attempt)
    count = len(made.practice) + len(made.items)
    answers = [
        services.SubmittedAnswer(
            position=n, answer=str(request.POST.get(f"answer-{n}", "")).strip(), time_ms=None
        )
        for n in range(count)
    ]
    key = str(request.POST.get("idempotency_key", ""))[:64]
    try:
        services.attempt_submit(
            attempt=attempt, answers=answers, timed=False, idempotency_key=key, by=request.user
        )
    except (services.PracticeRefused, services.IdempotencyConflict) as refused:
        problems = getattr(refused, "problems", [str(refused)])
        return _practice_page(request, school, attempt, problems=problems, status=422)
    return redirect("mtc:result", urn=school.urn, attempt_id=attempt.pk)


@access.signed_in
def result(request: HttpRequest, urn: int, attempt_id: int) -> HttpResponse:
    """After a practice: the score against the pupil's own best, the fact map, what next."""
    school = permissions.school_for(request.user, urn)
    attempt = permissions.own_attempt(request.user, school, attempt_id)
    if not attempt.finished:
        return redirect("mtc:practice", urn=urn, attempt_id=attempt.pk)
    return render(
        request,
        "mtc/result.html",
        {"school": school, "result": selectors.attempt_result(attempt), "is_self": True},
    )


@access.signed_in
def pupil_facts(request: HttpRequest, urn: int, pupil_id: int) -> HttpResponse:
    """A pupil's fact map and scores: for the pupil, their parents (read only) and the staff
    who may see the pupil."""
    school = permissions.school_for(request.user, urn)
    pupil = permissions.get_pupil(request.user, school, pupil_id)
    attempts = selectors.finished_attempts(pupil)
    return render(
        request,
        "mtc/pupil_facts.html",
        {
            "school": school,
            "pupil": pupil,
            "is_self": pupil.user_id is not None and pupil.user_id == request.user.pk,
            "is_staff": permissions.is_staff(request.user, school),
            "facts": selectors.pupil_fact_map(pupil),
            "attempts": attempts[::-1],
            "best": selectors.own_best(attempts),
            "items": read_check_rules().items,
        },
    )


@access.signed_in
def class_map(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    """The class's fact map: how many pupils do not know each fact yet, the facts most of
    them need, and each pupil's summary."""
    school = permissions.school_for(request.user, urn)
    teaching_class = permissions.get_class(request.user, school, class_id)
    return render(
        request,
        "mtc/class_map.html",
        {
            "school": school,
            "teaching_class": teaching_class,
            "map": selectors.class_fact_map(teaching_class),
            "can_arrange": permissions.can_arrange(request.user, teaching_class),
            "items": read_check_rules().items,
        },
    )


def _arrangements_post(request: HttpRequest, pupil: Pupil) -> list[str]:
    colours = str(request.POST.get("colours", Colours.STANDARD))
    try:
        services.arrangements_set(
            pupil=pupil,
            next_button=request.POST.get("next_button") == "on",
            large_text=request.POST.get("large_text") == "on",
            colours=colours,
            by=request.user,
        )
    except services.PracticeRefused as refused:
        return refused.problems
    messages.success(request, _("The practice screen is set up."))
    return []


def _arrangements_page(
    request: HttpRequest, school: School, pupil: Pupil, problems: list[str], **extra: Any
) -> HttpResponse:
    return render(
        request,
        "mtc/arrangements.html",
        {
            "school": school,
            "pupil": pupil,
            "arrangements": selectors.arrangements_for(pupil),
            "colours": Colours.choices,
            "problems": problems,
            **extra,
        },
        status=422 if problems else 200,
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def my_arrangements(request: HttpRequest, urn: int) -> HttpResponse:
    """A pupil chooses their own practice screen."""
    school = permissions.school_for(request.user, urn)
    pupil = permissions.practising_pupil(request.user, school)
    problems = _arrangements_post(request, pupil) if request.method == "POST" else []
    if request.method == "POST" and not problems:
        return redirect("mtc:home", urn=urn)
    return _arrangements_page(
        request, school, pupil, problems, is_self=True, back=reverse("mtc:home", args=[urn])
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def pupil_arrangements(
    request: HttpRequest, urn: int, class_id: int, pupil_id: int
) -> HttpResponse:
    """A teacher of the class sets a pupil's practice screen."""
    school = permissions.school_for(request.user, urn)
    teaching_class, pupil = permissions.arrangeable_pupil(request.user, school, class_id, pupil_id)
    problems = _arrangements_post(request, pupil) if request.method == "POST" else []
    back = reverse("mtc:class_map", args=[urn, teaching_class.pk])
    if request.method == "POST" and not problems:
        return redirect(back)
    return _arrangements_page(request, school, pupil, problems, is_self=False, back=back)
