"""Score tables (raw → scaled or age-standardised, with bands) and the department thresholds
that turn a test into judgements."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nextsteps import access, filereading
from nextsteps.accounts.models import Role
from nextsteps.assessments import services
from nextsteps.assessments.forms import ScoreTableForm
from nextsteps.assessments.kernels import conversion
from nextsteps.assessments.models import JudgementThreshold, ScoreTable, ScoreTableEntry
from nextsteps.assessments.views import staff_school
from nextsteps.curriculum.models import Scale
from nextsteps.schools.models import Department, School

TABLE_EDITORS = frozenset({Role.ADMIN, Role.LEADER, Role.HOD})


def _edits_tables(request: HttpRequest, school: School) -> bool:
    return bool(access.roles_in(request.user, school) & TABLE_EDITORS) or access.sees_whole_school(
        request.user, school
    )


@access.signed_in
def table_list(request: HttpRequest, urn: int) -> HttpResponse:
    school = staff_school(request, urn)
    tables = ScoreTable.objects.filter(school=school).annotate(
        band_count=Count("bands", distinct=True), test_count=Count("assessments", distinct=True)
    )
    installed = set(ScoreTable.objects.filter(school=school).values_list("name", "year"))
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
            "tables": list(tables),
            "shipped": shipped,
            "can_edit": _edits_tables(request, school),
        },
    )


@access.signed_in
@require_POST
def table_install(request: HttpRequest, urn: int) -> HttpResponse:
    school = staff_school(request, urn)
    if not _edits_tables(request, school):
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
    school = staff_school(request, urn)
    if not _edits_tables(request, school):
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
    school = staff_school(request, urn)
    table = get_object_or_404(ScoreTable, school=school, pk=score_table_id)
    can_edit = _edits_tables(request, school)
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
    entries = list(ScoreTableEntry.objects.filter(table=table).order_by("age_months", "raw_mark"))
    return render(
        request,
        "assessments/table_detail.html",
        {
            "school": school,
            "table": table,
            "bands": list(table.bands.all()),
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


def _threshold_scopes(request: HttpRequest, school: School) -> list[tuple[str, str, bool]]:
    """(key, label, may edit) for the whole school and each department the person sees."""
    whole = access.sees_whole_school(request.user, school)
    own = access.hod_department_ids(request.user, school)
    scopes = [("school", _("Whole school"), whole)]
    for department in Department.objects.filter(school=school).order_by("name"):
        scopes.append((str(department.pk), department.name, whole or department.pk in own))
    return scopes


@access.signed_in
@require_http_methods(["GET", "POST"])
def thresholds(request: HttpRequest, urn: int) -> HttpResponse:
    """The share of an objective's marks from which a test shows each level, per scale."""
    school = staff_school(request, urn)
    scopes = _threshold_scopes(request, school)
    wanted = request.POST.get("department") or request.GET.get("department") or ""
    scope = next((s for s in scopes if s[0] == wanted), None) or next(
        (s for s in scopes if s[2]), scopes[0]
    )
    department = (
        Department.objects.get(school=school, pk=int(scope[0])) if scope[0] != "school" else None
    )
    scales = list(Scale.objects.filter(school=school, kind=Scale.Kind.TEACHER).order_by("name"))
    if not scales:
        raise Http404("No scales")
    raw_scale = request.POST.get("scale") or request.GET.get("scale") or ""
    scale = next((s for s in scales if str(s.pk) == raw_scale), scales[0])
    levels = list(scale.levels.order_by("value"))
    current = dict(
        JudgementThreshold.objects.filter(
            school=school, department=department, level__scale=scale
        ).values_list("level_id", "min_percent")
    )
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
