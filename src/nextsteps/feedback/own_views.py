"""The pupil's own feedback pages: rating themselves on a learning goal, their work, and
looking back over the term. (Their home, "My learning", is with the other home pages in
`web`; the pages they share with their teachers are in `work_views.py`.)

Each page is the signed-in pupil's own: no pupil id is read from the URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nextsteps import access
from nextsteps.feedback import selectors, services
from nextsteps.feedback.models import Review
from nextsteps.feedback.review_views import review_form
from nextsteps.feedback.services import FeedbackRefused
from nextsteps.schools.models import School


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
    form, saved = review_form(request, pupil, Review.Author.PUPIL)
    if saved:
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
