"""Comparative judgement pages: set up, add scripts, judge pairs, the report and results."""

from __future__ import annotations

import csv
import datetime as dt
import math
import secrets

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nextsteps import access
from nextsteps.access import Action
from nextsteps.judging import pairs, permissions
from nextsteps.judging.forms import CJSessionForm
from nextsteps.judging.models import CJSession, Judge, SessionStatus
from nextsteps.judging.selectors import common as selectors
from nextsteps.judging.selectors.comparative import (
    cj_report,
    cj_session_overview,
    comparisons_csv_rows,
    earlier_fitted_sessions,
    pair_scripts,
    pair_view,
    script_review,
    target_total,
)
from nextsteps.judging.services.comparative import (
    CJRefused,
    cj_comparison_record,
    cj_judges_set,
    cj_results_apply,
    cj_session_create,
    cj_session_fit,
    cj_session_refit_if_due,
    cj_session_status,
)
from nextsteps.judging.services.scripts import (
    cj_anchors_import,
    cj_script_add_text,
    cj_scripts_from_evidence,
    cj_scripts_from_exemplars,
    cj_scripts_upload,
)
from nextsteps.judging.views.common import staff_school
from nextsteps.markbook.services import JudgementRefused
from nextsteps.schools.models import School

PAIR_SALT = "nextsteps.judging.pair"
PAIR_MAX_AGE = 12 * 60 * 60  # a pair left open overnight is offered afresh


def _session(
    request: HttpRequest, school: School, session_id: int, action: Action = Action.VIEW
) -> CJSession:
    return permissions.cj_sessions.get(request.user, school, session_id, action)


@access.signed_in
@require_http_methods(["GET", "POST"])
def cj_new(request: HttpRequest, urn: int) -> HttpResponse:
    school = staff_school(request, urn)
    permissions.require_organiser(request.user, school)
    departments = permissions.organiser_department_ids(request.user, school)
    form = CJSessionForm(
        request.POST or None,
        objectives=selectors.organiser_objectives(school, departments),
        staff=selectors.school_staff(school),
        departments=selectors.organiser_departments(school, departments),
        whole_school=departments is None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = cj_session_create(
                school=school,
                title=data["title"],
                task=data["task"],
                department=data["department"],
                objective=data["objective"],
                target_per_script=data["target_per_script"],
                adaptive=data["adaptive"],
                estimator=data["estimator"],
                scaled_centre=data["scaled_centre"],
                scaled_per_logit=data["scaled_per_logit"],
                judges=list(data["judges"]),
                by=request.user,
            )
        except CJRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Session created. Now add the scripts."))
            return redirect("cj_session", urn=school.urn, session_id=session.pk)
    return render(request, "judging/cj_new.html", {"school": school, "form": form})


@access.signed_in
@require_GET
def cj_session(request: HttpRequest, urn: int, session_id: int) -> HttpResponse:
    school = staff_school(request, urn)
    session = _session(request, school, session_id)
    judge = permissions.cj_sessions.participant(request.user, session)
    if not permissions.cj_sessions.can(request.user, Action.ORGANISE, session):
        made = judge.comparisons.count() if judge is not None else 0
        return render(
            request,
            "judging/cj_judge_start.html",
            {"school": school, "session": session, "judge": judge, "made": made},
        )
    return render(
        request,
        "judging/cj_session.html",
        {
            "school": school,
            "session": session,
            "overview": cj_session_overview(session),
            "judge": judge,
            "earlier": earlier_fitted_sessions(school, session),
            "staff": list(selectors.school_staff(school)),
        },
    )


@access.signed_in
@require_POST
def cj_scripts(request: HttpRequest, urn: int, session_id: int) -> HttpResponse:
    school = staff_school(request, urn)
    session = _session(request, school, session_id, Action.ORGANISE)
    source = request.POST.get("source", "")
    try:
        if source == "upload":
            added = cj_scripts_upload(
                session=session, files=request.FILES.getlist("files"), by=request.user
            )
        elif source == "text":
            added = [
                cj_script_add_text(
                    session=session, text=request.POST.get("text", ""), by=request.user
                )
            ]
        elif source == "evidence":
            added = cj_scripts_from_evidence(session=session, by=request.user)
        elif source == "exemplars":
            added = cj_scripts_from_exemplars(session=session, by=request.user)
        else:
            raise CJRefused(_("Choose where the scripts come from."))
    except CJRefused as error:
        messages.error(request, _("No scripts were added: %(error)s") % {"error": error})
    else:
        pairs.forget(session.pk)
        messages.success(request, _("Added %(n)d scripts.") % {"n": len(added)})
    return redirect("cj_session", urn=school.urn, session_id=session.pk)


@access.signed_in
@require_POST
def cj_anchors(request: HttpRequest, urn: int, session_id: int) -> HttpResponse:
    school = staff_school(request, urn)
    session = _session(request, school, session_id, Action.ORGANISE)
    raw_source, raw_count = request.POST.get("source", ""), request.POST.get("count", "")
    source = (
        permissions.cj_sessions.find(request.user, school, int(raw_source))
        if raw_source.isdigit()
        else None
    )
    try:
        if source is None:
            raise CJRefused(_("Choose the earlier session to take anchors from."))
        if not raw_count.isdigit():
            raise CJRefused(_("Say how many anchors to take (1 to 20)."))
        added = cj_anchors_import(
            session=session, source=source, count=int(raw_count), by=request.user
        )
    except CJRefused as error:
        messages.error(request, _("No anchors were added: %(error)s") % {"error": error})
    else:
        pairs.forget(session.pk)
        messages.success(request, _("Added %(n)d anchor scripts.") % {"n": len(added)})
    return redirect("cj_session", urn=school.urn, session_id=session.pk)


@access.signed_in
@require_POST
def cj_judges(request: HttpRequest, urn: int, session_id: int) -> HttpResponse:
    school = staff_school(request, urn)
    session = _session(request, school, session_id, Action.ORGANISE)
    ids = [int(v) for v in request.POST.getlist("judges") if v.isdigit()]
    try:
        cj_judges_set(
            session=session,
            judges=list(selectors.school_staff(school, ids)),
            by=request.user,
        )
    except CJRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The judges are saved."))
    return redirect("cj_session", urn=school.urn, session_id=session.pk)


@access.signed_in
@require_POST
def cj_status(request: HttpRequest, urn: int, session_id: int) -> HttpResponse:
    school = staff_school(request, urn)
    session = _session(request, school, session_id, Action.ORGANISE)
    try:
        cj_session_status(session=session, status=request.POST.get("status", ""), by=request.user)
    except CJRefused as error:
        messages.error(request, str(error))
    return redirect("cj_session", urn=school.urn, session_id=session.pk)


# --------------------------------------------------------------------------- judging


@access.signed_in
@require_http_methods(["GET", "POST"])
def cj_judge(request: HttpRequest, urn: int, session_id: int) -> HttpResponse:
    """Two scripts side by side; the judge picks the better (buttons, or ← / → or A / L)."""
    school = staff_school(request, urn)
    session = _session(request, school, session_id)
    judge = permissions.cj_sessions.participant(request.user, session)
    if judge is None:
        raise Http404("You are not a judge in this session")
    if request.method == "POST":
        _record(request, session, judge)
        return redirect("cj_judge", urn=school.urn, session_id=session.pk)
    if session.status != SessionStatus.OPEN:
        return _finished(request, school, session, judge, "closed")
    chosen = pairs.next_pair(session, judge)
    if chosen is None:
        reason = "target" if session.comparison_count >= target_total(session) else "exhausted"
        if session.script_count < 2:
            reason = "no_scripts"
        return _finished(request, school, session, judge, reason)
    left, right = chosen
    token = signing.dumps(
        {
            "s": session.pk,
            "j": judge.pk,
            "l": left,
            "r": right,
            "t": timezone.now().timestamp(),
            "n": secrets.token_hex(8),
        },
        salt=PAIR_SALT,
    )
    return render(
        request,
        "judging/cj_judge.html",
        {
            "school": school,
            "session": session,
            "judge": judge,
            "view": pair_view(session, judge, left, right),
            "token": token,
        },
    )


def _finished(
    request: HttpRequest, school: School, session: CJSession, judge: Judge, reason: str
) -> HttpResponse:
    return render(
        request,
        "judging/cj_judge_done.html",
        {
            "school": school,
            "session": session,
            "judge": judge,
            "reason": reason,
            "made": judge.comparisons.count(),
        },
    )


def _record(request: HttpRequest, session: CJSession, judge: Judge) -> None:
    try:
        data = signing.loads(request.POST.get("token", ""), salt=PAIR_SALT, max_age=PAIR_MAX_AGE)
    except signing.BadSignature:
        messages.warning(request, _("That pair had expired, so here is a fresh one."))
        return
    choice = request.POST.get("choice")
    if data.get("s") != session.pk or data.get("j") != judge.pk or choice not in ("left", "right"):
        messages.error(request, _("Choose the left or the right script."))
        return
    scripts = pair_scripts(session, [data["l"], data["r"]])
    if len(scripts) != 2:
        messages.error(request, _("One of those scripts is no longer in the session."))
        return
    left, right = scripts[data["l"]], scripts[data["r"]]
    shown_at = dt.datetime.fromtimestamp(data["t"], tz=dt.UTC)
    try:
        cj_comparison_record(
            session=session,
            judge=judge,
            left=left,
            right=right,
            winner=left if choice == "left" else right,
            shown_at=shown_at,
            seconds=_seconds(request, shown_at),
            token=data["n"],
            by=request.user,
        )
    except CJRefused as error:
        messages.info(request, str(error))
        return
    cj_session_refit_if_due(session=session)


def _seconds(request: HttpRequest, shown_at: dt.datetime) -> float:
    """Time the pair was on screen: the page's own measure (visible time) when plausible."""
    elapsed = max(0.0, (timezone.now() - shown_at).total_seconds())
    raw = request.POST.get("active_ms", "")
    try:
        active = float(raw) / 1000
    except ValueError:
        return round(elapsed, 1)
    if math.isfinite(active) and 0 < active <= elapsed + 1:
        return round(active, 1)
    return round(elapsed, 1)


# --------------------------------------------------------------------------- report


@access.signed_in
@require_GET
def cj_report_page(request: HttpRequest, urn: int, session_id: int) -> HttpResponse:
    """The scale, reliability, judge fit, time and scripts to look at again (refitted if new
    judgements have come in since the last fit)."""
    school = staff_school(request, urn)
    session = _session(request, school, session_id, Action.ORGANISE)
    session = cj_session_fit(session=session, only_if_stale=True)
    return render(
        request,
        "judging/cj_report.html",
        {"school": school, "session": session, "report": cj_report(session)},
    )


@access.signed_in
@require_GET
def cj_script(request: HttpRequest, urn: int, session_id: int, script_id: int) -> HttpResponse:
    """One script, large, with every comparison it was in (to look at it again)."""
    school = staff_school(request, urn)
    session = _session(request, school, session_id, Action.ORGANISE)
    review = script_review(session, script_id)
    if review is None:
        raise Http404("No such script")
    script, rows = review
    return render(
        request,
        "judging/cj_script.html",
        {"school": school, "session": session, "script": script, "rows": rows},
    )


@access.signed_in
@require_POST
def cj_apply(request: HttpRequest, urn: int, session_id: int) -> HttpResponse:
    school = staff_school(request, urn)
    session = _session(request, school, session_id, Action.ORGANISE)
    try:
        session = cj_session_fit(session=session, only_if_stale=True)
        judgements = cj_results_apply(session=session, by=request.user)
    except (CJRefused, JudgementRefused) as error:
        messages.error(request, _("No results were recorded: %(error)s") % {"error": error})
    else:
        messages.success(
            request,
            _("Recorded %(n)d comparative judgement results as judgements.")
            % {"n": len(judgements)},
        )
    return redirect("cj_report", urn=school.urn, session_id=session.pk)


@access.signed_in
@require_GET
def cj_export(request: HttpRequest, urn: int, session_id: int) -> HttpResponse:
    """The comparisons as CSV for `nextsteps cj fit` (judge, winner, loser, seconds)."""
    school = staff_school(request, urn)
    session = _session(request, school, session_id, Action.ORGANISE)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cj-session-{session.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["judge", "winner", "loser", "seconds"])
    writer.writerows(comparisons_csv_rows(session))
    return response
