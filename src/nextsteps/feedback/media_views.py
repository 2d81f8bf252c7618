"""The pupil's own voice: adding a voice note or a drawing to a piece of work or a
self-assessment (the pupil, or a teacher for them, or the teacher's spoken feedback), and
playing one back for the pupil, the staff who teach them and their parents.

Each form posts here and returns to the page it came from: a refusal is shown there, naming
the file, and nothing is stored.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nextsteps import access
from nextsteps.feedback import permissions, selectors, services
from nextsteps.feedback.models import SelfAssessment, Submission
from nextsteps.feedback.services import FeedbackRefused
from nextsteps.people.models import Pupil


@access.signed_in
@require_POST
def submission_note_add(
    request: HttpRequest, urn: int, work_id: int, pupil_id: int
) -> HttpResponse:
    """A voice note or drawing on a piece of work: the pupil's own, one a teacher adds for
    them, or the teacher's spoken feedback."""
    school = access.access_school(request.user, urn)
    pupil, is_staff = permissions.viewer(request.user, school, pupil_id)
    work = permissions.work_to_view(request.user, school, work_id, None if is_staff else pupil)
    if is_staff and not permissions.may_give_feedback(
        request.user, school, work.teaching_class_id, pupil
    ):
        access.refuse(request.user, school)
    back = reverse(
        "feedback:submission", kwargs={"urn": urn, "work_id": work.pk, "pupil_id": pupil.pk}
    )
    record = selectors.submission_of(work, pupil)
    if record is None:
        messages.error(request, _("Hand in the work first, then add a voice note or a drawing."))
        return redirect(f"{back}#voice")
    _add(
        request,
        pupil,
        submission=record,
        is_feedback=is_staff and request.POST.get("is_feedback") != "no",
        shared=not is_staff or request.POST.get("shared") == "on",
    )
    return redirect(f"{back}#voice")


@access.signed_in
@require_POST
def self_assessment_note_add(request: HttpRequest, urn: int, pupil_id: int) -> HttpResponse:
    """A voice note or drawing on one of the pupil's self-assessments, by the pupil or by a
    teacher of theirs for them."""
    school = access.access_school(request.user, urn)
    pupil, is_staff = permissions.viewer(request.user, school, pupil_id)
    if is_staff and not permissions.may_add_pupil_note(request.user, school, pupil):
        access.refuse(request.user, school)
    raw = request.POST.get("assessment", "")
    assessment = selectors.self_assessment_of(pupil, int(raw) if raw.isdigit() else 0)
    _add(request, pupil, self_assessment=assessment, shared=True)
    if is_staff:
        back = reverse("feedback:pupil", kwargs={"urn": urn, "pupil_id": pupil.pk})
        return redirect(f"{back}#voice")
    home = reverse("role_home", kwargs={"urn": urn, "role": "pupil"})
    return redirect(f"{home}#goal-{assessment.objective_id}")


def _add(
    request: HttpRequest,
    pupil: Pupil,
    *,
    submission: Submission | None = None,
    self_assessment: SelfAssessment | None = None,
    is_feedback: bool = False,
    shared: bool = True,
) -> None:
    kind = request.POST.get("kind", "")
    try:
        note = services.media_note_add(
            pupil=pupil,
            kind=kind,
            file=request.FILES.get("file"),
            submission=submission,
            self_assessment=self_assessment,
            is_feedback=is_feedback,
            shared_with_guardians=shared,
            by=request.user,
        )
    except FeedbackRefused as error:
        messages.error(request, str(error))
        return
    if note.is_voice:
        messages.success(request, _("Voice note saved. Press play to listen to it."))
    else:
        messages.success(request, _("Drawing saved."))


@access.signed_in
def note_file(request: HttpRequest, urn: int, note_id: int) -> HttpResponseBase:
    """A voice note or drawing, played or shown in the page, for those who may see it."""
    school = access.access_school(request.user, urn)
    note = permissions.media_note_to_view(request.user, school, note_id)
    if not note.file:
        raise Http404("No file")
    try:
        opened = note.file.open("rb")
    except FileNotFoundError as missing:  # the row outlived its file (a restore without media)
        raise Http404("The file is missing") from missing
    response = FileResponse(opened, content_type=note.content_type)
    safe = "".join(ch for ch in note.original_name if ch.isalnum() or ch in "._- ") or "note"
    response["Content-Disposition"] = f'inline; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
