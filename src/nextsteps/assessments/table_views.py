"""Score tables (raw → scaled or age-standardised, with bands) and the department thresholds
that turn a test into judgements."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nextsteps import access, filereading
from nextsteps.assessments import permissions, selectors, services
from nextsteps.assessments.forms import ScoreTableForm
from nextsteps.assessments.kernels import conversion
from nextsteps.assessments.models import ScoreTable, ScoreTableEntry


@access.signed_in
def table_list(request: HttpRequest, urn: int) -> HttpResponse:
    school = permissions.staff_school(request.user, urn)
    tables = selectors.score_tables(school)
    installed = selectors.installed_tables(school)
    shipped = [
        {"key": key, "table": table}
        for key, table in services.SHIPPED_TABLES.items()
        if (table.name, table.year) not in installed
    ]
    return render(
        request,
        "assessments/table_list.html",
        {
            "school": school,
            "tables": tables,
            "shipped": shipped,
            "can_edit": permissions.edits_tables(request.user, school),
        },
    )


@access.signed_in
@require_POST
def table_install(request: HttpRequest, urn: int) -> HttpResponse:
    school = permissions.staff_school(request.user, urn)
    if not permissions.edits_tables(request.user, school):
        raise Http404("Not found")
    key = request.POST.get("key", "")
    if key not in services.SHIPPED_TABLES:
        raise Http404("No such table")
    table = services.score_table_install(school=school, key=key, by=request.user)
    messages.success(request, _("Loaded %(table)s.") % {"table": table})
    return redirect("assessments:table_detail", urn=urn, score_table_id=table.pk)


@access.signed_in
@require_http_methods(["GET", "POST"])
def table_create(request: HttpRequest, urn: int) -> HttpResponse:
    school = permissions.staff_school(request.user, urn)
    if not permissions.edits_tables(request.user, school):
        raise Http404("Not found")
    form = ScoreTableForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            text = filereading.text(data["file"].read(), data["file"].name)
            table = services.score_table_load(
                school=school,
                name=data["name"],
                year=data["year"],
                kind=data["kind"],
                text=text,
                source=data["source"],
                licence=data["licence"],
                by=request.user,
            )
        except filereading.Unreadable as error:
            problems = [str(error)]
        except conversion.TableRefused as refused:
            problems = [
                _("Line %(line)s%(column)s: %(problem)s")
                % {
                    "line": p.line,
                    "column": f", {p.column}" if p.column else "",
                    "problem": p.text(_),
                }
                for p in refused.problems
            ]
        except services.AssessmentRefused as refused:
            problems = refused.problems
        else:
            messages.success(request, _("Loaded %(table)s.") % {"table": table})
            return redirect("assessments:table_detail", urn=urn, score_table_id=table.pk)
    return render(
        request,
        "assessments/table_form.html",
        {"school": school, "form": form, "problems": problems},
        status=422 if problems else 200,
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def table_detail(request: HttpRequest, urn: int, score_table_id: int) -> HttpResponse:
    school = permissions.staff_school(request.user, urn)
    table = selectors.score_table(school, score_table_id)
    if table is None:
        raise Http404("No such table")
    can_edit = permissions.edits_tables(request.user, school)
    problems: list[str] = []
    if request.method == "POST":
        if not can_edit:
            raise Http404("Not found")
        bands = _posted_bands(request, problems)
        if not problems:
            try:
                services.score_bands_save(table=table, bands=bands, by=request.user)
            except services.AssessmentRefused as refused:
                problems = refused.problems
            else:
                messages.success(request, _("The bands are saved."))
                return redirect("assessments:table_detail", urn=urn, score_table_id=table.pk)
    entries = selectors.table_entries(table)
    return render(
        request,
        "assessments/table_detail.html",
        {
            "school": school,
            "table": table,
            "bands": selectors.table_bands(table),
            "can_edit": can_edit,
            "problems": problems,
            **_table_layout(table, entries),
        },
        status=422 if problems else 200,
    )


def _posted_bands(request: HttpRequest, problems: list[str]) -> list[tuple[str, int]]:
    bands = []
    for label, lowest in zip(
        request.POST.getlist("label"), request.POST.getlist("lowest"), strict=False
    ):
        if not label.strip() and not lowest.strip():
            continue
        if not lowest.strip().isdigit():
            problems.append(
                _("“%(value)s” is not a score (band %(label)s).")
                % {"value": lowest, "label": label}
            )
            continue
        bands.append((label, int(lowest)))
    return bands


def _table_layout(table: ScoreTable, entries: list[ScoreTableEntry]) -> dict[str, Any]:
    """Scaled tables as two columns; standardised as a grid of raw mark × age."""
    if table.kind == ScoreTable.Kind.SCALED:
        return {"rows": [(e.raw_mark, e.score) for e in entries]}
    ages = sorted({e.age_months for e in entries if e.age_months is not None})
    score = {(e.raw_mark, e.age_months): e.score for e in entries}
    return {
        "ages": [conversion.format_age(a) for a in ages],
        "grid": [
            (raw, [score.get((raw, age)) for age in ages]) for raw in range(table.max_raw + 1)
        ],
    }


# ---------------------------------------------------------------------------- thresholds


@access.signed_in
@require_http_methods(["GET", "POST"])
def thresholds(request: HttpRequest, urn: int) -> HttpResponse:
    """The share of an objective's marks from which a test shows each level, per scale."""
    school = permissions.staff_school(request.user, urn)
    departments = selectors.departments_of(school)
    scopes = permissions.threshold_scopes(request.user, school, departments)
    wanted = request.POST.get("department") or request.GET.get("department") or ""
    scope = next((s for s in scopes if s[0] == wanted), None) or next(
        (s for s in scopes if s[2]), scopes[0]
    )
    department = next((d for d in departments if str(d.pk) == scope[0]), None)
    scales = selectors.teacher_scales(school)
    if not scales:
        raise Http404("No scales")
    raw_scale = request.POST.get("scale") or request.GET.get("scale") or ""
    scale = next((s for s in scales if str(s.pk) == raw_scale), scales[0])
    levels = selectors.scale_levels(scale)
    current = selectors.threshold_percents(school, department, scale)
    problems: list[str] = []
    typed: dict[int, str] = {}
    if request.method == "POST":
        if not scope[2]:
            raise Http404("Not found")
        percents: dict[int, int | None] = {}
        for level in levels:
            typed[level.pk] = value = request.POST.get(f"level-{level.pk}", "").strip()
            if value and not value.isdigit():
                problems.append(
                    _("%(level)s: “%(value)s” is not a percentage.")
                    % {"level": level.label, "value": value}
                )
            percents[level.pk] = int(value) if value.isdigit() else None
        if not problems:
            try:
                services.thresholds_save(
                    school=school,
                    department=department,
                    scale=scale,
                    percents=percents,
                    by=request.user,
                )
            except services.AssessmentRefused as refused:
                problems = refused.problems
            else:
                messages.success(request, _("The thresholds are saved."))
                return redirect(
                    reverse("assessments:thresholds", kwargs={"urn": urn})
                    + f"?department={scope[0]}&scale={scale.pk}"
                )
    rows = [
        {
            "level": level,
            "value": typed.get(
                level.pk, "" if current.get(level.pk) is None else str(current[level.pk])
            ),
        }
        for level in levels
    ]
    return render(
        request,
        "assessments/thresholds.html",
        {
            "school": school,
            "scopes": scopes,
            "scope": scope,
            "scales": scales,
            "scale": scale,
            "rows": rows,
            "problems": problems,
            "inherits": department is not None and not current,
        },
        status=422 if problems else 200,
    )
