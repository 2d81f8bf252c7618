"""The termly review's form, handled alike by the pupil's own "Looking back" page
(`own_views.my_review`) and the staff's page of a pupil (`views.pupil_feedback`)."""

from __future__ import annotations

from django.http import HttpRequest

from nextsteps.feedback import services
from nextsteps.feedback.forms import ReviewForm
from nextsteps.feedback.models import Review
from nextsteps.feedback.services import FeedbackRefused
from nextsteps.people.models import Pupil


def review_form(
    request: HttpRequest, pupil: Pupil, author: Review.Author
) -> tuple[ReviewForm, bool]:
    """The review form for the request, and whether it wrote a review: a valid POST writes one
    by `author` about the pupil; a refusal is shown on the form."""
    form = ReviewForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return form, False
    try:
        services.review_write(
            pupil=pupil,
            author=author,
            by=request.user,
            proud_of=form.cleaned_data["proud_of"],
            next_focus=form.cleaned_data["next_focus"],
        )
    except FeedbackRefused as error:
        form.add_error(None, str(error))
        return form, False
    return form, True
