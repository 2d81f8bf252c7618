"""Moderation pages: set up a session, judge work blind, agree outcomes, standardise first.

Blindness is enforced here: a moderator who has not yet judged every item given to them gets
the blind pages (the work, never the teacher's judgement, teacher or class), even when they
also organise the session. Independence too: a moderator is never given a piece from their own
classes (`items_for_moderator`); such a piece is not found on their blind pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nextsteps import access
from nextsteps.access import Action
from nextsteps.curriculum.models import ScaleLevel
from nextsteps.judging import permissions
from nextsteps.judging.forms import ModerationSessionForm
from nextsteps.judging.models import ModerationItem, ModerationSession, Moderator, SessionStatus
from nextsteps.judging.selectors import common as selectors
from nextsteps.judging.selectors.moderation import (
    independent_ratings,
    item_evidence,
    item_ratings,
    items_for_moderator,
    judged_count,
    moderation_session_page,
    moderator_page,
    moderator_rating,
    session_item,
    session_level,
    session_levels,
    standardisation_done,
    standardisation_exemplars,
    standardisation_result,
)
from nextsteps.judging.services.moderation import (
    INDEPENDENT_NEEDED,
    ModerationRefused,
    moderation_item_attach,
    moderation_outcome_record,
    moderation_rating_record,
    moderation_session_close,
    moderation_session_create,
    standardisation_record,
)
from nextsteps.judging.views.common import staff_school
from nextsteps.markbook.uploads import UploadRefused
from nextsteps.schools.models import School


def _session(
    request: HttpRequest, school: School, session_id: int, action: Action = Action.VIEW
) -> ModerationSession:
    return permissions.moderation_sessions.get(request.user, school, session_id, action)


def _blind(request: HttpRequest, school: School, session: ModerationSession) -> Moderator | None:
    """The user's moderator place while they still judge blind, else None (full view allowed)."""
    moderator = permissions.moderation_sessions.participant(request.user, session)
    if moderator is None:
        return None
    given, _withheld = items_for_moderator(session, moderator)
    if judged_count(moderator, given) < len(given) and session.status == SessionStatus.OPEN:
        return moderator
    if not permissions.moderation_sessions.can(request.user, Action.ORGANISE, session):
        return moderator
    return None


def _level(session: ModerationSession, raw: str | None) -> ScaleLevel | None:
    if not raw or not raw.isdigit():
        return None
    return session_level(session, int(raw))


@access.signed_in
@require_http_methods(["GET", "POST"])
def moderation_new(request: HttpRequest, urn: int) -> HttpResponse:
    school = staff_school(request, urn)
    permissions.require_organiser(request.user, school)
    departments = permissions.organiser_department_ids(request.user, school)
    form = ModerationSessionForm(
        request.POST or None,
        objectives=selectors.organiser_objectives(school, departments),
        staff=selectors.school_staff(school),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        objective = data["objective"]
        department = objective.framework.subject.department
        try:
            session = moderation_session_create(
                school=school,
                title=data["title"],
                objective=objective,
                department=department,
                standard=data["standard"],
                sampling=data["sampling"],
                sample_size=data["sample_size"],
                moderators=list(data["moderators"]),
                standardise_first=data["standardise_first"],
                by=request.user,
            )
        except ModerationRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The sample is drawn: %(n)d pieces of work.") % {"n": session.items.count()},
            )
            return redirect("moderation_session", urn=school.urn, session_id=session.pk)
    return render(request, "judging/moderation_new.html", {"school": school, "form": form})


@access.signed_in
@require_GET
def moderation_session(request: HttpRequest, urn: int, session_id: int) -> HttpResponse:
    school = staff_school(request, urn)
    session = _session(request, school, session_id)
    moderator = _blind(request, school, session)
    organiser = permissions.moderation_sessions.can(request.user, Action.ORGANISE, session)
    if moderator is not None:
        page = moderator_page(session, moderator)
        needs_standardising = session.standardise_first and not standardisation_done(
            session, moderator.staff
        )
        return render(
            request,
            "judging/moderation_moderator.html",
            {
                "school": school,
                "session": session,
                "page": page,
                "organiser": organiser,
                "needs_standardising": needs_standardising,
            },
        )
    if not organiser:
        raise Http404("No such session")
    return render(
        request,
        "judging/moderation_session.html",
        {"school": school, "session": session, "page": moderation_session_page(session)},
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def moderation_item(request: HttpRequest, urn: int, session_id: int, item_id: int) -> HttpResponse:
    school = staff_school(request, urn)
    session = _session(request, school, session_id)
    item = session_item(
        session,
        item_id,
        ("pupil", "original_level", "teacher", "teaching_class", "outcome__level"),
    )
    if item is None:
        raise Http404("No such item")
    moderator = _blind(request, school, session)
    if moderator is not None:
        return _judge_item(request, school, session, item, moderator)
    if not permissions.moderation_sessions.can(request.user, Action.ORGANISE, session):
        raise Http404("No such item")
    ratings = item_ratings(item)
    independent = {r.pk for r in independent_ratings(item, ratings)}
    return render(
        request,
        "judging/moderation_item_full.html",
        {
            "school": school,
            "session": session,
            "item": item,
            "ratings": [(r, r.pk in independent) for r in ratings],
            "independent": len(independent),
            "needed": INDEPENDENT_NEEDED,
            "outcome": getattr(item, "outcome", None),
            "levels": session_levels(session),
            "evidence": item_evidence(item),
        },
    )


def _judge_item(
    request: HttpRequest,
    school: School,
    session: ModerationSession,
    item: ModerationItem,
    moderator: Moderator,
) -> HttpResponse:
    if session.standardise_first and not standardisation_done(session, moderator.staff):
        return redirect("moderation_standardise", urn=school.urn, session_id=session.pk)
    given, _withheld = items_for_moderator(session, moderator)
    if item.pk not in {piece.pk for piece in given}:
        raise Http404("No such item")  # from the moderator's own class: colleagues judge it
    mine = moderator_rating(item, moderator)
    problem = ""
    if request.method == "POST":
        level = _level(session, request.POST.get("level"))
        if level is None:
            problem = _("Choose the level this work shows.")
        else:
            try:
                moderation_rating_record(
                    item=item,
                    moderator=moderator,
                    level=level,
                    by=request.user,
                    note=request.POST.get("note", "")[:2000],
                )
            except ModerationRefused as error:
                problem = str(error)
            else:
                page = moderator_page(session, moderator)
                if page.next_item is not None:
                    return redirect(
                        "moderation_item",
                        urn=school.urn,
                        session_id=session.pk,
                        item_id=page.next_item.pk,
                    )
                messages.success(request, _("You have judged every piece of work. Thank you."))
                return redirect("moderation_session", urn=school.urn, session_id=session.pk)
    page = moderator_page(session, moderator)
    return render(
        request,
        "judging/moderation_item.html",
        {
            "school": school,
            "session": session,
            "item": item,
            "levels": session_levels(session),
            "mine": mine,
            "page": page,
            "evidence": item_evidence(item),
            "problem": problem,
        },
        status=400 if problem else 200,
    )


@access.signed_in
@require_POST
def moderation_outcome(
    request: HttpRequest, urn: int, session_id: int, item_id: int
) -> HttpResponse:
    school = staff_school(request, urn)
    session = _session(request, school, session_id, Action.ORGANISE)
    if _blind(request, school, session) is not None:
        raise Http404("Judge every item before agreeing outcomes")
    item = session_item(session, item_id, ("pupil",))
    if item is None:
        raise Http404("No such item")
    level = _level(session, request.POST.get("level"))
    try:
        if level is None:
            raise ModerationRefused(_("Choose the agreed level."))
        moderation_outcome_record(
            item=item,
            level=level,
            reason=request.POST.get("reason", "")[:2000],
            override_reason=request.POST.get("override_reason", "")[:2000],
            by=request.user,
        )
    except ModerationRefused as error:
        messages.error(request, _("Sample %(n)d: %(error)s") % {"n": item.position, "error": error})
    else:
        messages.success(
            request,
            _("Agreed %(level)s for %(pupil)s; recorded as a moderation judgement.")
            % {"level": level.label if level else "", "pupil": item.pupil.name},
        )
    return redirect("moderation_item", urn=school.urn, session_id=session.pk, item_id=item.pk)


@access.signed_in
@require_POST
def moderation_attach(
    request: HttpRequest, urn: int, session_id: int, item_id: int
) -> HttpResponse:
    school = staff_school(request, urn)
    session = _session(request, school, session_id, Action.ORGANISE)
    if _blind(request, school, session) is not None:
        raise Http404("Judge every item first")
    item = session_item(session, item_id)
    if item is None:
        raise Http404("No such item")
    upload = request.FILES.get("file")
    text = request.POST.get("work_text")
    try:
        moderation_item_attach(item=item, by=request.user, file=upload, text=text)
    except (ModerationRefused, UploadRefused) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The work is saved with sample %(n)d.") % {"n": item.position})
    return redirect("moderation_item", urn=school.urn, session_id=session.pk, item_id=item.pk)


@access.signed_in
@require_POST
def moderation_close(request: HttpRequest, urn: int, session_id: int) -> HttpResponse:
    school = staff_school(request, urn)
    session = _session(request, school, session_id, Action.ORGANISE)
    try:
        moderation_session_close(session=session, by=request.user)
    except ModerationRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The session is closed; moderators can see the outcomes."))
    return redirect("moderation_session", urn=school.urn, session_id=session.pk)


@access.signed_in
@require_http_methods(["GET", "POST"])
def moderation_standardise(request: HttpRequest, urn: int, session_id: int) -> HttpResponse:
    """Judge the session's exemplars, then see how your levels agree with the agreed standard."""
    school = staff_school(request, urn)
    session = _session(request, school, session_id)
    moderator = permissions.moderation_sessions.participant(request.user, session)
    if moderator is None:
        raise Http404("Not a moderator in this session")
    exemplars = standardisation_exemplars(session.objective)
    problem = ""
    if request.method == "POST":
        chosen = {e: _level(session, request.POST.get(f"exemplar-{e.pk}")) for e in exemplars}
        missing = [e.title for e, level in chosen.items() if level is None]
        levels = {e: level for e, level in chosen.items() if level is not None}
        if missing:
            problem = _("Choose a level for each exemplar (missing: %(titles)s).") % {
                "titles": ", ".join(missing)
            }
        else:
            try:
                standardisation_record(
                    session=session,
                    staff=moderator.staff,
                    levels=levels,
                    by=request.user,
                )
            except ModerationRefused as error:
                problem = str(error)
            else:
                return redirect("moderation_standardise", urn=school.urn, session_id=session.pk)
    result = standardisation_result(session, moderator.staff)
    return render(
        request,
        "judging/moderation_standardise.html",
        {
            "school": school,
            "session": session,
            "result": result,
            "levels": session_levels(session),
            "problem": problem,
            "first_item": moderator_page(session, moderator).next_item,
        },
        status=400 if problem else 200,
    )
