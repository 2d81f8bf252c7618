"""The markbook, quick capture, pupil profile, gap analysis and assessment points."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nextsteps import access
from nextsteps.access import Action
from nextsteps.curriculum.models import Framework, Objective, ScaleLevel
from nextsteps.exports import table_response
from nextsteps.idempotency import IdempotencyConflict
from nextsteps.markbook import permissions, selectors, services
from nextsteps.markbook.cells import Cell, Row, grid_html, render_cell
from nextsteps.markbook.forms import FillForm
from nextsteps.markbook.kernels import colours
from nextsteps.markbook.models import Judgement, Method, Standing
from nextsteps.markbook.uploads import UploadRefused
from nextsteps.next_page import next_page
from nextsteps.ops.pages import render_with_parts
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class


def _class(request: HttpRequest, urn: int, class_id: int) -> tuple[School, Class]:
    return permissions.get_class(request.user, urn, class_id)


def _framework_for(
    teaching_class: Class, framework_id: str | None, frameworks: list[Framework] | None = None
) -> Framework:
    if frameworks is None:
        frameworks = selectors.class_frameworks(teaching_class, with_scale=True)
    if not frameworks:
        raise Http404("This class has no framework for its subjects yet")
    if framework_id and framework_id.isdigit():
        for framework in frameworks:
            if framework.pk == int(framework_id):
                return framework
        raise Http404("That framework is not used by this class")
    maths = [f for f in frameworks if f.subject.name == "Mathematics"]
    return (maths or frameworks)[0]


def _int(value: str | None) -> int | None:
    return int(value) if value and value.lstrip("-").isdigit() else None


@access.signed_in
@require_GET
def markbook_page(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    school, teaching_class = _class(request, urn, class_id)
    frameworks = selectors.class_frameworks(teaching_class, with_scale=True)
    framework = _framework_for(teaching_class, request.GET.get("framework"), frameworks)
    year_param = request.GET.get("year")
    year = _int(year_param) if year_param is not None else teaching_class.year_group
    recordable = permissions.recordable_pupil_ids(request.user, teaching_class)
    book = selectors.markbook_grid(
        teaching_class=teaching_class,
        framework=framework,
        strand_id=_int(request.GET.get("strand")),
        group_id=_int(request.GET.get("group")),
        year=year if year_param != "" else None,
        recordable_pupil_ids=recordable,
    )
    # Who may record every pupil may record in the class; otherwise ask.
    can_record = recordable is None or permissions.can_record(request.user, teaching_class)
    # A browser without JavaScript is offered, from the page's <noscript>, the same grid with
    # its rows drawn here instead of sent as data.
    drawn = request.GET.get("draw") == "server"
    grid = grid_html(book, urn=school.urn, can_record=can_record, drawn=drawn)
    drawn_query = request.GET.copy()
    drawn_query["draw"] = "server"
    return render_with_parts(
        request,
        "markbook/markbook.html",
        {
            "school": school,
            "book": book,
            "frameworks": frameworks,
            "methods": Method.choices,
            "can_record": can_record,
            # Every pupil recordable means a teacher of the class or its head of department:
            # exactly those who plan its next steps (`permissions.can_plan`), with no extra
            # query.
            "can_plan": recordable is None,
            "strand_id": _int(request.GET.get("strand")),
            "now": timezone.now().isoformat(),
            "drawn": drawn,
            "drawn_url": f"?{drawn_query.urlencode()}",
        },
        # Joined into the response once (nextsteps.ops.pages), not copied by each level of the
        # template.
        {"grid_head": grid.head, "grid_data": grid.data, "grid_body": grid.body},
    )


def _objective_in_class(teaching_class: Class, objective_id: int) -> Objective:
    """An objective from a framework this class uses; anything else is not in this markbook."""
    objective = selectors.school_objective(teaching_class, objective_id)
    if objective is None:
        raise Http404("No such objective")
    if not selectors.class_uses_framework(teaching_class, objective.framework_id):
        raise Http404("That objective is not in this class's frameworks")
    return objective


def _cell_context(
    request: HttpRequest,
    school: School,
    teaching_class: Class,
    pupil: Any,
    objective: Objective,
    **extra: Any,
) -> dict[str, Any]:
    standing = selectors.standing_of(pupil, objective)
    return {
        "school": school,
        "teaching_class": teaching_class,
        "pupil": pupil,
        "objective": objective,
        "cell": Cell(pupil.pk, objective.pk, standing, pupil.name, objective.code),
        "row": Row(pupil=pupil, cells=[], recordable=True),
        **extra,
    }


@access.signed_in
@require_http_methods(["GET", "POST"])
def cell(
    request: HttpRequest, urn: int, class_id: int, pupil_id: int, objective_id: int
) -> HttpResponse:
    """GET: the cell's history and level picker (the markbook's side panel, or a page of its
    own without htmx). POST: record a judgement; htmx gets the cell back, a plain form the
    cell's page."""
    if request.method == "POST" and _htmx(request):
        return _record_cell(request, urn, class_id, pupil_id, objective_id)
    school, teaching_class = _class(request, urn, class_id)
    write = request.method == "POST"
    if write:
        permissions.require_recording(request.user, teaching_class)
    pupil = permissions.get_class_pupil(
        request.user, teaching_class, pupil_id, Action.CHANGE if write else Action.VIEW
    )
    objective = _objective_in_class(teaching_class, objective_id)
    if not write:
        return _cell_detail(request, school, teaching_class, pupil, objective)
    error, status, _standing = _record_from_post(request, pupil, objective, teaching_class)
    if error:
        response = _cell_detail(request, school, teaching_class, pupil, objective, error=error)
        response.status_code = status
        response["HX-Reswap"] = "none"
        response["HX-Trigger"] = json.dumps({"markbook:error": error})
        return response
    messages.success(request, _("Saved."))
    return redirect(next_page(request) or _cell_url(school, teaching_class, pupil.pk, objective.pk))


def _record_cell(
    request: HttpRequest, urn: int, class_id: int, pupil_id: int, objective_id: int
) -> HttpResponse:
    """The markbook's keystroke: record a judgement and answer with the cell.

    The access rules, the class, the pupil, the objective with its framework and scale's levels
    are read in two queries, and the cell is drawn from the standing the write computed; a
    refusal is then asked of the access layer again to give its reason (404 or 403).
    """
    school = permissions.staff_school(request.user, urn)
    enrolment = permissions.recording_enrolment(request.user, school, class_id, pupil_id)
    if enrolment is None:
        _school, teaching_class = permissions.get_class(request.user, urn, class_id)
        permissions.require_recording(request.user, teaching_class)
        pupil = permissions.get_class_pupil(request.user, teaching_class, pupil_id, Action.CHANGE)
    else:
        teaching_class, pupil = enrolment.teaching_class, enrolment.pupil
        teaching_class.school = school
    found = selectors.objective_for_recording(
        teaching_class=teaching_class, objective_id=objective_id
    )
    if found is None:
        objective, levels = _objective_in_class(teaching_class, objective_id), None
    else:
        objective, levels = found
    error, status, standing = _record_from_post(
        request, pupil, objective, teaching_class, levels=levels
    )
    if standing is None:
        standing = selectors.standing_of(pupil, objective)
    response = HttpResponse(
        render_cell(Cell(pupil.pk, objective.pk, standing, pupil.name, objective.code)),
        status=status,
    )
    if error:
        response["HX-Reswap"] = "none"
        response["HX-Trigger"] = json.dumps({"markbook:error": error})
    return response


def _htmx(request: HttpRequest) -> bool:
    """Whether htmx (or the markbook's script, which says so too) sent the request."""
    return request.headers.get("HX-Request") == "true"


def _cell_url(school: School, teaching_class: Class, pupil_id: int, objective_id: int) -> str:
    return reverse(
        "markbook_cell",
        kwargs={
            "urn": school.urn,
            "class_id": teaching_class.pk,
            "pupil_id": pupil_id,
            "objective_id": objective_id,
        },
    )


def _cell_detail(
    request: HttpRequest,
    school: School,
    teaching_class: Class,
    pupil: Any,
    objective: Objective,
    error: str = "",
    amended: bool = False,
) -> HttpResponse:
    """The cell's history, level picker and corrections: the side panel's content for htmx
    (a request from the grid says so with `grid`), a whole page without it. After a
    correction in the grid's panel the grid's cell comes too, swapped out of band."""
    in_grid = _htmx(request) and request.GET.get("grid", request.POST.get("grid")) == "1"
    context = _cell_context(
        request,
        school,
        teaching_class,
        pupil,
        objective,
        error=error,
        history=selectors.cell_history(pupil=pupil, objective=objective),
        levels=selectors.scale_levels(objective.framework.scale),
        methods=Method.choices,
        can_record=permissions.can_record_for(request.user, teaching_class, pupil),
        in_grid=in_grid,
        # A fresh key each time the form is drawn: a plain form sent twice (a double click,
        # the back button) is stored once. The markbook's script sends its own key per press.
        form_key=f"form-{secrets.token_hex(16)}",
        markbook_url=reverse("markbook", kwargs={"urn": school.urn, "class_id": teaching_class.pk})
        + f"?framework={objective.framework_id}&year={objective.year_group}",
    )
    if amended and in_grid:
        context["grid_cell"] = render_cell(context["cell"], oob=True)
    if _htmx(request):
        return render(request, "markbook/cell_detail.html", context)
    return render(request, "markbook/cell_page.html", context)


def _record_from_post(
    request: HttpRequest,
    pupil: Any,
    objective: Objective,
    teaching_class: Class,
    levels: list[ScaleLevel] | None = None,
) -> tuple[str, int, Standing | None]:
    """Record the posted judgement: an error message ("" when it was saved), the status, and
    the cell's standing when the write computed it."""
    outcome = _record(request, pupil, objective, teaching_class, levels)
    if isinstance(outcome, IdempotencyConflict):
        return str(outcome), 409, None
    if isinstance(outcome, str):
        return outcome, 422, None
    return "", 200, outcome.standing


def _record(
    request: HttpRequest,
    pupil: Any,
    objective: Objective,
    teaching_class: Class,
    levels: list[ScaleLevel] | None = None,
) -> str | IdempotencyConflict | services.Recorded:
    """Record the posted judgement; an error message, or what was recorded. `levels` are the
    objective's scale's levels when they were read with it."""
    level_id = _int(request.POST.get("level"))
    position = _int(request.POST.get("position"))
    level = _level_posted(objective, levels, level_id, position)
    if level is None:
        if level_id:
            other = selectors.level_by_id(level_id)
            return _("%(level)s is not a level on this framework's scale.") % {
                "level": other.label if other else level_id
            }
        return _("Choose a level.")
    method = request.POST.get("method", "")
    if method and method not in Method.values:
        return _("Unknown method %(method)s.") % {"method": method}
    shown_at = None
    if request.POST.get("shown_on"):
        try:
            shown_on = dt.date.fromisoformat(request.POST["shown_on"])
        except ValueError:
            return _("The date the learning was shown must be a date, like 2026-11-20.")
        if shown_on > timezone.localdate():
            return _("The date the learning was shown cannot be in the future.")
        shown_at = timezone.make_aware(dt.datetime.combine(shown_on, dt.time(12)))
    try:
        return services.judgement_record_cell(
            pupil=pupil,
            objective=objective,
            level=level,
            by=request.user,
            method=method,
            note=request.POST.get("note", "")[:2000],
            teaching_class=teaching_class,
            shown_at=shown_at,
            files=request.FILES.getlist("photo"),
            idempotency_key=request.POST.get("idempotency_key", "")[:64] or None,
            levels=levels,
        )
    except IdempotencyConflict as error:
        return error
    except (services.JudgementRefused, UploadRefused) as error:
        return str(error)


def _level_posted(
    objective: Objective,
    levels: list[ScaleLevel] | None,
    level_id: int | None,
    position: int | None,
) -> ScaleLevel | None:
    """The level posted, by id or by position, on the objective's framework's scale."""
    if levels is None:
        return selectors.framework_level(objective.framework, level_id=level_id, position=position)
    if level_id:
        return next((level for level in levels if level.pk == level_id), None)
    return next((level for level in levels if level.position == (position or 0)), None)


@access.signed_in
@require_POST
def judgement_amend(
    request: HttpRequest, urn: int, class_id: int, judgement_id: int
) -> HttpResponse:
    """Correct (new level) or withdraw a judgement, with a reason. htmx gets the cell's detail
    back in place (and, in the markbook, the grid's cell); a plain form goes to the cell's
    page."""
    school, teaching_class = _class(request, urn, class_id)
    permissions.require_recording(request.user, teaching_class)
    judgement = selectors.class_judgement(school, teaching_class, judgement_id)
    if judgement is None:
        raise Http404("No such judgement")
    pupil = permissions.get_class_pupil(
        request.user, teaching_class, judgement.pupil_id, Action.CHANGE
    )
    error = _amend(request, judgement)
    if not _htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("The judgement was corrected or withdrawn."))
        return redirect(_cell_url(school, teaching_class, pupil.pk, judgement.objective_id))
    # htmx swaps only successful answers, so a refusal comes back as 200 with the message
    # shown in the panel, next to the form it is about.
    return _cell_detail(
        request, school, teaching_class, pupil, judgement.objective, error=error, amended=not error
    )


def _amend(request: HttpRequest, judgement: Judgement) -> str:
    """Correct or withdraw the judgement as posted; an error message, or "" when it was done."""
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("action") == "withdraw":
            services.judgement_withdraw(judgement=judgement, by=request.user, reason=reason)
        else:
            level = selectors.level_on_scale(
                judgement.objective.framework.scale_id, _int(request.POST.get("level")) or 0
            )
            if level is None:
                return _("Choose a level from this framework's scale.")
            services.judgement_correct(
                judgement=judgement, level=level, by=request.user, reason=reason
            )
    except services.JudgementRefused as error:
        return str(error)
    return ""


@access.signed_in
@require_http_methods(["GET", "POST"])
def fill_column(request: HttpRequest, urn: int, class_id: int, objective_id: int) -> HttpResponse:
    """Give every pupil shown (a group, or the class) the same level for one objective."""
    school, teaching_class = _class(request, urn, class_id)
    permissions.require_recording(request.user, teaching_class)
    objective = _objective_in_class(teaching_class, objective_id)
    if request.method == "GET":
        group = selectors.class_group(teaching_class, _int(request.GET.get("group")) or 0)
        panel = bool(request.headers.get("HX-Request"))
        template = "markbook/fill_column_panel.html" if panel else "markbook/fill_column.html"
        return render(
            request,
            template,
            {
                "school": school,
                "teaching_class": teaching_class,
                "objective": objective,
                "group": group,
                "levels": selectors.scale_levels(objective.framework.scale),
                "methods": Method.choices,
                "query": request.GET,
            },
        )
    form = FillForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a level to fill the column with."))
        return redirect(_markbook_url(school, teaching_class, request.POST))
    level = selectors.level_on_scale(objective.framework.scale_id, form.cleaned_data["level"])
    if level is None:
        messages.error(request, _("That level is not on this framework's scale."))
        return redirect(_markbook_url(school, teaching_class, request.POST))
    book = selectors.markbook(
        teaching_class=teaching_class,
        framework=objective.framework,
        group_id=form.cleaned_data["group"],
        year=objective.year_group,
        recordable_pupil_ids=permissions.recordable_pupil_ids(request.user, teaching_class),
    )
    pupils = [row.pupil for row in book.rows if row.recordable]
    if form.cleaned_data["only_empty"]:
        has = selectors.pupils_with_evidence(objective, pupils)
        pupils = [p for p in pupils if p.pk not in has]
    entries = [
        services.JudgementEntry(
            pupil=p, objective=objective, level=level, method=form.cleaned_data["method"] or ""
        )
        for p in pupils
    ]
    services.judgements_record_bulk(entries=entries, by=request.user, teaching_class=teaching_class)
    messages.success(
        request,
        ngettext(
            "%(level)s recorded for %(count)d pupil on %(code)s.",
            "%(level)s recorded for %(count)d pupils on %(code)s.",
            len(entries),
        )
        % {"level": level.label, "count": len(entries), "code": objective.code},
    )
    return redirect(_markbook_url(school, teaching_class, request.POST))


def _markbook_url(school: School, teaching_class: Class, data: Any) -> str:
    query = {
        key: data.get(key)
        for key in ("framework", "strand", "group", "year")
        if data.get(key) not in (None,)
    }
    base = reverse("markbook", kwargs={"urn": school.urn, "class_id": teaching_class.pk})
    return f"{base}?{urlencode(query)}" if query else base


@access.signed_in
@require_GET
def changes(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    """Cells other people changed since the page was drawn, as out-of-band swaps."""
    school, teaching_class = _class(request, urn, class_id)
    since = parse_datetime(request.GET.get("since", "")) or timezone.now()
    objective_ids = [int(i) for i in request.GET.getlist("objective") if i.isdigit()][:500]
    changed = selectors.changed_standings(
        teaching_class=teaching_class, objective_ids=objective_ids, since=since
    )
    cells = "".join(
        render_cell(Cell(s.pupil_id, s.objective_id, s, s.pupil.name, s.objective.code), oob=True)
        for s in changed
    )
    poll = format_html(
        '<div id="mb-poll" hx-swap-oob="true" data-since="{}"></div>', timezone.now().isoformat()
    )
    return HttpResponse(cells + poll)


@access.signed_in
@require_GET
def capture(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    """Quick capture in class: a group, today's learning intention, a few taps."""
    school, teaching_class = _class(request, urn, class_id)
    permissions.require_recording(request.user, teaching_class)
    framework = _framework_for(teaching_class, request.GET.get("framework"))
    objective_id = _int(request.GET.get("objective"))
    objective = _objective_in_class(teaching_class, objective_id) if objective_id else None
    book = selectors.markbook(
        teaching_class=teaching_class,
        framework=framework,
        group_id=_int(request.GET.get("group")),
        year=teaching_class.year_group,
        recordable_pupil_ids=permissions.recordable_pupil_ids(request.user, teaching_class),
    )
    objectives = book.objectives
    if objective is not None:
        book = selectors.markbook(
            teaching_class=teaching_class,
            framework=objective.framework,
            group_id=_int(request.GET.get("group")),
            year=objective.year_group,
            recordable_pupil_ids=permissions.recordable_pupil_ids(request.user, teaching_class),
        )
        index = next(i for i, o in enumerate(book.objectives) if o.pk == objective.pk)
        for row in book.rows:
            row.cells = [row.cells[index]]
    return render(
        request,
        "markbook/capture.html",
        {
            "school": school,
            "teaching_class": teaching_class,
            "book": book,
            "objectives": objectives,
            "objective": objective,
            "frameworks": selectors.class_frameworks(teaching_class),
            "framework": framework,
            "methods": Method.choices,
        },
    )


def _profile_default(
    frameworks: list[Framework], pupil: Pupil, class_id: int | None
) -> Framework | None:
    """Opened from a class, the profile shows that class's subject (mathematics first, as the
    class's markbook does); otherwise the first of the pupil's subjects."""
    subject_ids = selectors.pupil_class_subject_ids(pupil_id=pupil.pk, class_id=class_id)
    of_class = [f for f in frameworks if f.subject_id in subject_ids]
    maths = [f for f in of_class if f.subject.name == "Mathematics"]
    choices = maths or of_class or frameworks
    return choices[0] if choices else None


@access.signed_in
@require_GET
def pupil_profile(request: HttpRequest, urn: int, pupil_id: int) -> HttpResponse:
    school = permissions.staff_school(request.user, urn)
    pupil = permissions.get_pupil(request.user, school, pupil_id)
    frameworks = selectors.profile_frameworks(school, pupil)
    chosen = next(
        (f for f in frameworks if str(f.pk) == request.GET.get("framework")),
        _profile_default(frameworks, pupil, _int(request.GET.get("class"))),
    )
    if chosen is None:
        raise Http404("No frameworks in this school")
    year_param = request.GET.get("year")
    year = _int(year_param) if year_param is not None else pupil.year_group
    profile = selectors.pupil_profile(
        pupil=pupil, framework=chosen, year=year if year_param != "" else None
    )
    return render(
        request,
        "markbook/profile.html",
        {
            "school": school,
            "pupil": pupil,
            "profile": profile,
            "frameworks": frameworks,
            "year": year,
            "year_param": year_param,
        },
    )


@access.signed_in
@require_GET
def gaps(request: HttpRequest, urn: int, class_id: int, fmt: str = "html") -> HttpResponse:
    school, teaching_class = _class(request, urn, class_id)
    framework = _framework_for(teaching_class, request.GET.get("framework"))
    year_param = request.GET.get("year")
    year = _int(year_param) if year_param is not None else teaching_class.year_group
    core_only = request.GET.get("core") == "1"
    rows = selectors.gap_analysis(
        teaching_class=teaching_class,
        framework=framework,
        year=year if year_param != "" else None,
        core_only=core_only,
    )
    if fmt in {"csv", "xlsx"}:
        return table_response(
            filename=f"gaps-{teaching_class.name}-{framework.name}",
            fmt=fmt,
            headers=[
                _("Objective"),
                _("Learning intention"),
                _("Core"),
                _("Secure"),
                _("Pupils"),
                _("% secure"),
                _("With evidence"),
                _("Latest evidence"),
                _("Not yet secure"),
            ],
            rows=[
                [
                    r.objective.code,
                    r.objective.wording,
                    _("yes") if r.objective.core else _("no"),
                    r.secure,
                    r.total,
                    r.percent_secure,
                    r.with_evidence,
                    r.latest_evidence.date().isoformat() if r.latest_evidence else "",
                    "; ".join(p.name for p in r.not_secure),
                ]
                for r in rows
            ],
        )
    return render(
        request,
        "markbook/gaps.html",
        {
            "school": school,
            "teaching_class": teaching_class,
            "framework": framework,
            "frameworks": selectors.class_frameworks(teaching_class),
            "rows": rows,
            "year": year,
            "core_only": core_only,
            "can_plan": permissions.can_plan(request.user, teaching_class),
        },
    )


@access.signed_in
@require_GET
def levels_css(request: HttpRequest, urn: int) -> HttpResponse:
    """Each level's colour as a class, so cells show colours without inline styles (CSP)."""
    school = permissions.member_school(request.user, urn)
    lines = []
    for level_id, colour in selectors.level_colours(school):
        text = colours.text_colour(colour)
        selector = f".level-{level_id}"
        # Also on hover, focus and press, so Bootstrap's button states never hide the colour.
        lines.append(
            f"{selector},{selector}:hover,{selector}:focus,{selector}:active"
            f"{{background-color:{colour};border-color:{colour};color:{text};}}"
        )
    response = HttpResponse("\n".join(lines), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
