"""Timed challenges (against the clock) and a pupil's own page of personal bests and tests."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from nextsteps import access
from nextsteps.assessments import challenge_selectors, permissions, services
from nextsteps.assessments.forms import ChallengeForm, parse_duration
from nextsteps.assessments.models import Challenge
from nextsteps.assessments.templatetags.assessment_tags import clock
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import Class
from nextsteps.teaching.selectors import class_pupils


@access.signed_in
def challenge_list(request: HttpRequest, urn: int) -> HttpResponse:
    school = permissions.staff_school(request.user, urn)
    challenges = challenge_selectors.challenges_of(school)
    classes = permissions.classes_in_order(request.user, school)
    return render(
        request,
        "assessments/challenge_list.html",
        {
            "school": school,
            "challenges": challenges,
            "classes": classes,
            "can_create": permissions.sets_challenges(request.user, school),
        },
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def challenge_create(request: HttpRequest, urn: int) -> HttpResponse:
    school = permissions.staff_school(request.user, urn)
    if not permissions.sets_challenges(request.user, school):
        raise Http404("Not found")
    form = ChallengeForm(request.POST or None, initial={"time_limit": "3:00"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            challenge = services.challenge_create(
                school=school,
                name=data["name"],
                kind=data["kind"],
                max_score=data["max_score"],
                time_limit_seconds=data["time_limit"],
                description=data["description"],
                by=request.user,
            )
        except services.AssessmentRefused as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("%(name)s is ready.") % {"name": challenge.name})
            return redirect("assessments:challenge_list", urn=urn)
    return render(request, "assessments/challenge_form.html", {"school": school, "form": form})


@access.signed_in
@require_http_methods(["GET", "POST"])
def challenge_class(
    request: HttpRequest, urn: int, challenge_id: int, class_id: int
) -> HttpResponse:
    """A class's view of a challenge: how many beat their own best this week (never who is
    top), and a form to record the class's latest go."""
    school = permissions.staff_school(request.user, urn)
    challenge = challenge_selectors.challenge_of(school, challenge_id)
    if challenge is None:
        raise Http404("No such challenge")
    teaching_class = permissions.get_class(request.user, school, class_id)
    pupils = class_pupils(teaching_class)
    allowed = permissions.editable_pupil_ids(request.user, teaching_class)
    recordable = [p for p in pupils if allowed is None or p.pk in allowed]
    today = timezone.localdate()
    problems: list[str] = []
    typed: dict[str, str] = {}
    if request.method == "POST":
        if not recordable:
            raise Http404("Not found")
        problems, typed = _record(request, challenge, teaching_class, recordable, today)
        if not problems:
            return redirect(
                "assessments:challenge_class",
                urn=urn,
                challenge_id=challenge.pk,
                class_id=teaching_class.pk,
            )
    return render(
        request,
        "assessments/challenge_class.html",
        {
            "school": school,
            "challenge": challenge,
            "teaching_class": teaching_class,
            "summary": challenge_selectors.class_challenge(challenge, pupils, today),
            "pupils": pupils,
            "recordable": recordable,
            "rows": [
                {
                    "pupil": pupil,
                    "score": typed.get(f"score-{pupil.pk}", ""),
                    "time": typed.get(f"time-{pupil.pk}", clock(challenge.time_limit_seconds)),
                }
                for pupil in recordable
            ],
            "problems": problems,
            "today": today,
        },
        status=422 if problems else 200,
    )


def _record(
    request: HttpRequest,
    challenge: Challenge,
    teaching_class: Class,
    pupils: list[Pupil],
    today: dt.date,
) -> tuple[list[str], dict[str, str]]:
    """Read the round from the form: a score (and a time, the time allowed by default) per pupil."""
    problems: list[str] = []
    typed = {
        key: str(request.POST.get(key, "")).strip()
        for key in request.POST
        if key.startswith(("score-", "time-"))
    }
    taken_on = _date(request.POST.get("taken_on", ""), today)
    if taken_on is None:
        problems.append(_("The date must be a day up to today."))
    entries = []
    for pupil in pupils:
        score = typed.get(f"score-{pupil.pk}", "")
        if not score:
            continue
        raw_time = typed.get(f"time-{pupil.pk}", "")
        seconds = parse_duration(raw_time) if raw_time else challenge.time_limit_seconds
        if seconds is None:
            problems.append(
                _("%(pupil)s: “%(value)s” is not a time; write it as minutes:seconds, like 2:40.")
                % {"pupil": pupil.name, "value": raw_time}
            )
            continue
        if not score.isdigit():
            problems.append(
                _("%(pupil)s: “%(value)s” is not a score.") % {"pupil": pupil.name, "value": score}
            )
            continue
        entries.append(services.AttemptEntry(pupil=pupil, score=int(score), seconds=seconds))
    if problems or taken_on is None:
        return problems, typed
    now = timezone.localtime()
    moment = (
        now
        if taken_on == today
        else timezone.make_aware(dt.datetime.combine(taken_on, dt.time(12, 0)))
    )
    try:
        saved = services.attempts_record(
            challenge=challenge,
            entries=entries,
            taken_at=moment,
            by=request.user,
            teaching_class=teaching_class,
        )
    except services.AssessmentRefused as refused:
        return refused.problems, typed
    messages.success(
        request,
        ngettext("Recorded %(n)d go.", "Recorded %(n)d goes.", len(saved)) % {"n": len(saved)},
    )
    return [], {}


def _date(raw: str, today: dt.date) -> dt.date | None:
    if not raw:
        return today
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return None
    return day if day <= today else None


@access.signed_in
def pupil_progress(request: HttpRequest, urn: int, pupil_id: int) -> HttpResponse:
    """A pupil's personal bests and tests, against their own previous best. Pupils see their
    own page, parents their children's, staff the pupils they teach."""
    school = permissions.school_for(request.user, urn)
    pupil = permissions.get_pupil(request.user, school, pupil_id)
    return render(
        request,
        "assessments/pupil_progress.html",
        {
            "school": school,
            "pupil": pupil,
            "is_self": pupil.user_id is not None and pupil.user_id == request.user.pk,
            "is_staff": permissions.is_staff(request.user, school),
            "challenges": challenge_selectors.pupil_challenges(pupil),
            "results": challenge_selectors.pupil_results(pupil),
        },
    )
