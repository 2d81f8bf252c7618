"""Progress measures pages for senior leaders, data managers and trust leaders.

Thin: check access, call selectors (which call the kernel) or services, render. Pupil names
appear only here, on pages for staff who see the whole school.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nextsteps import access, filereading
from nextsteps.progress import explain, ks4_explain, permissions, selectors, services
from nextsteps.progress.kernels import compute, options
from nextsteps.progress.kernels.ks4_models import shipped_models
from nextsteps.progress.kernels.tables import InputError, TextFile
from nextsteps.progress.models import ReferenceTable
from nextsteps.progress.uploads import UploadErrors
from nextsteps.schools.models import School

Kind = ReferenceTable.Kind
FILE_ATTRS = {"class": "form-control", "accept": ".csv,text/csv"}


def _leaders_school(request: HttpRequest, urn: int) -> School:
    """Senior leaders and data managers of the school, and leaders of its trust."""
    return permissions.leaders_school(request.user, urn)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@access.signed_in
@require_GET
def progress_home(request: HttpRequest, urn: int) -> HttpResponse:
    school = _leaders_school(request, urn)
    return render(
        request,
        "progress/home.html",
        {
            "school": school,
            "p8_cohorts": selectors.progress8_cohorts(school),
            "ks2_cohorts": selectors.ks1_ks2_cohorts(school),
            "tables": list(selectors.visible_tables(school, Kind.PROGRESS8))
            + list(selectors.visible_tables(school, Kind.KS1_KS2)),
        },
    )


def _cohort(cohorts: list[selectors.Cohort], year: int) -> selectors.Cohort:
    for cohort in cohorts:
        if cohort.year == year:
            return cohort
    raise Http404("No results for that year")


class ProxyBaselineForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("The school's own baseline"),
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=gettext_lazy(
            "What the scores are, for example: CAT4 mean score in Year 7, converted to the "
            "KS2 scale."
        ),
    )
    file = forms.FileField(
        label=gettext_lazy("Scores (CSV: upn, score)"),
        widget=forms.ClearableFileInput(attrs=FILE_ATTRS),
        help_text=gettext_lazy(
            "One row per pupil of the cohort; scores on the KS2 scaled score scale, 80 to 120."
        ),
    )


@access.signed_in
@require_GET
def progress8_page(request: HttpRequest, urn: int, year: int) -> HttpResponse:
    school = _leaders_school(request, urn)
    cohort = _cohort(selectors.progress8_cohorts(school), year)
    baseline = selectors.cohort_baseline("progress8", year)
    context: dict[str, Any] = {"school": school, "cohort": cohort, "baseline": baseline}
    context |= _progress8_figures(request, school, year, baseline)
    return render(request, "progress/progress8.html", context)


def _progress8_figures(
    request: HttpRequest, school: School, year: int, baseline: selectors.CohortBaseline
) -> dict[str, Any]:
    """The DfE measure; or, for a cohort without it, attainment and any internal estimate."""
    proxy = None
    context: dict[str, Any] = {"show_measure": True}
    if not baseline.available:
        proxy = selectors.proxy_baseline(school, year) if baseline.rule is not None else None
        context = {
            "show_measure": proxy is not None,
            "proxy": proxy,
            "proxy_form": ProxyBaselineForm() if baseline.rule is not None else None,
        }
        if proxy is None:
            attainment, basics = selectors.ks4_summary(school, year)
            return context | {"attainment8": attainment, "basics": basics}
    tables = selectors.tables_with_groups(school, Kind.PROGRESS8)
    if proxy is not None:  # the estimates of a year with a KS2 baseline, never a trust's
        tables = [t for t in tables if t.source != ReferenceTable.TableSource.TRUST]
    table = selectors.choose_table(tables, year, _int(request.GET.get("table")))
    context |= {"tables": tables, "table": table}
    if table is not None:
        report = selectors.progress8_report(school, year, table, proxy)
        context |= explain.progress8_context(report)
        context["attainment8"] = report.computed.report["school"]["attainment8"]
        context["basics"] = report.computed.basics
    elif proxy is not None:
        context["attainment8"], context["basics"] = selectors.ks4_summary(school, year)
    return context


@access.signed_in
@require_POST
def proxy_baseline_upload(request: HttpRequest, urn: int, year: int) -> HttpResponse:
    school = _leaders_school(request, urn)
    _cohort(selectors.progress8_cohorts(school), year)
    form = ProxyBaselineForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Give the baseline's name and a CSV file of scores."))
        return redirect("progress8", urn=school.urn, year=year)
    upload = form.cleaned_data["file"]
    try:
        proxy = services.proxy_baseline_load(
            school=school,
            year=year,
            name=form.cleaned_data["name"],
            file_name=upload.name,
            content=upload.read(),
            by=request.user,
        )
    except UploadErrors as errors:
        for error in errors.errors:
            messages.error(request, str(error))
        return redirect("progress8", urn=school.urn, year=year)
    except services.BaselineError as error:
        messages.error(request, str(error))
        return redirect("progress8", urn=school.urn, year=year)
    messages.success(
        request,
        _("Loaded %(name)s for the leavers of %(year)d: an internal estimate, not the DfE measure.")
        % {"name": proxy.name, "year": year},
    )
    return redirect("progress8", urn=school.urn, year=year)


@access.signed_in
@require_POST
def proxy_baseline_remove(request: HttpRequest, urn: int, year: int) -> HttpResponse:
    school = _leaders_school(request, urn)
    proxy = selectors.proxy_baseline(school, year)
    if proxy is None:
        raise Http404("No internal baseline for that year")
    services.proxy_baseline_remove(proxy=proxy, by=request.user)
    messages.success(
        request, _("The school's own baseline for %(year)d is removed.") % {"year": year}
    )
    return redirect("progress8", urn=school.urn, year=year)


@access.signed_in
@require_GET
def ks1_ks2_page(request: HttpRequest, urn: int, year: int) -> HttpResponse:
    school = _leaders_school(request, urn)
    cohort = _cohort(selectors.ks1_ks2_cohorts(school), year)
    baseline = selectors.cohort_baseline("ks1_ks2", year)
    pupils = selectors.ks2_pupils(school, year)
    context: dict[str, Any] = {
        "school": school,
        "cohort": cohort,
        "baseline": baseline,
        "tables": [],
        "table": None,
        "attainment": compute.ks2_attainment([selectors.record_of(p) for p in pupils]),
    }
    if not baseline.available:  # attainment only: no table is offered or chosen
        return render(request, "progress/ks1_ks2.html", context)
    tables = selectors.tables_with_groups(school, Kind.KS1_KS2)
    exact = [t for t in tables if t.year == year]
    wanted = _int(request.GET.get("table"))
    table = next((t for t in tables if t.pk == wanted), exact[0] if exact else None)
    context |= {"tables": tables, "table": table}
    if table is not None:
        report = selectors.ks1_ks2_report(school, year, table, pupils)
        context |= explain.ks1_ks2_context(report)
    return render(request, "progress/ks1_ks2.html", context)


# --- KS4 results analysis ------------------------------------------------------------------


@access.signed_in
@require_GET
def ks4_analysis_page(request: HttpRequest, urn: int, year: int) -> HttpResponse:
    """A KS4 cohort's results: Attainment 8, Basics, grades and residuals by subject, group
    and class. Leaders see every subject; a head of department their department's."""
    school, departments = permissions.results_school(request.user, urn)
    cohort, analysis = selectors.ks4_analysis_for(school, year, departments)
    if not cohort.pupils:
        raise Http404("No results for that year")
    sections = ks4_explain.group_sections(analysis)
    subjects = [r.subject for r in analysis.residuals]
    return render(
        request,
        "progress/ks4_analysis.html",
        {
            "school": school,
            "year": year,
            "analysis": analysis,
            "scoped": departments is not None,
            "leader": departments is None,
            "element_labels": ks4_explain.ELEMENT_LABELS,
            "grade_labels": ks4_explain.grade_labels(),
            "residual_chart": ks4_explain.residual_chart(analysis.residuals),
            "residual_rows": [
                (
                    r,
                    ks4_explain.residual_band(r),
                    ks4_explain.RESIDUAL_WORDS[ks4_explain.residual_band(r)],
                )
                for r in analysis.residuals
            ],
            "sections": sections,
            "matrices": [
                (section, ks4_explain.residual_matrix(section, subjects)) for section in sections
            ],
        },
    )


@access.signed_in
@require_GET
def ks4_year11_page(request: HttpRequest, urn: int) -> HttpResponse:
    """The current Year 11's working-at grades from assessment points, for the year group and
    its groups: no pupil's figure and no prediction."""
    school, departments = permissions.results_school(request.user, urn)
    if school.phase == School.Phase.PRIMARY:
        raise Http404("Year 11 is at secondary schools")
    board = selectors.year11_working_at(school, departments)
    return render(
        request,
        "progress/ks4_year11.html",
        {
            "school": school,
            "board": board,
            "scoped": departments is not None,
            "leader": departments is None,
            "grade_labels": ks4_explain.grade_labels(),
            "latest": board.points[-1] if board.points else None,
            "cohorts": selectors.progress8_cohorts(school),
            "group_rows": [
                (
                    str(explain.GROUPING_LABELS[g.grouping]),
                    ks4_explain.year11_group_label(g.grouping, g.label),
                    g,
                    [g.subjects.get(subject) for subject in board.subjects],
                )
                for g in board.groups
            ],
            "trend": [
                (
                    subject,
                    [
                        next((w for w in p.subjects if w.subject == subject), None)
                        for p in board.points
                    ],
                )
                for subject in board.subjects
            ],  # fmt: skip
        },
    )


# --- loading results ---------------------------------------------------------------------


class ResultsForm(forms.Form):
    form = forms.ChoiceField(
        label=gettext_lazy("What the file holds"),
        choices=[
            ("results", gettext_lazy("Results: KS1, KS2 and KS4 points, one row per pupil")),
            ("qualifications", gettext_lazy("KS4 qualifications: one row per pupil and subject")),
        ],
        widget=forms.RadioSelect,
        initial="results",
    )
    file = forms.FileField(
        label=gettext_lazy("CSV file"), widget=forms.ClearableFileInput(attrs=FILE_ATTRS)
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def results_upload(request: HttpRequest, urn: int) -> HttpResponse:
    school = _leaders_school(request, urn)
    form = ResultsForm(request.POST or None, request.FILES or None)
    problems: UploadErrors | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = services.results_import(
                school=school,
                name=upload.name,
                content=upload.read(),
                qualifications=form.cleaned_data["form"] == "qualifications",
                by=request.user,
            )
        except UploadErrors as errors:
            problems = errors
        else:
            messages.success(
                request,
                _(
                    "Loaded %(name)s: KS1 results for %(ks1)d pupils, KS2 for %(ks2)d, "
                    "KS4 for %(ks4)d."
                )
                % {"name": upload.name, "ks1": summary.ks1, "ks2": summary.ks2, "ks4": summary.ks4},
            )
            return redirect("progress_home", urn=school.urn)
    return render(
        request,
        "progress/results_upload.html",
        {"school": school, "form": form, "problems": problems},
    )


# --- reference tables --------------------------------------------------------------------


class TableForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Table"), choices=Kind.choices)
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        min_value=1995,
        max_value=2100,
        required=False,
        help_text=gettext_lazy(
            "Progress 8: the year of the KS4 exams. KS1 to KS2: the year of the KS2 tests. "
            "Not needed for nominal scores (the file gives each row's year)."
        ),
    )
    table = forms.FileField(
        label=gettext_lazy("Table file (CSV)"),
        widget=forms.ClearableFileInput(attrs=FILE_ATTRS),
        help_text=gettext_lazy(
            "Estimates for Progress 8; the KS1 to KS2 table; or the nominal scores."
        ),
    )
    sd = forms.FileField(
        label=gettext_lazy("National standard deviations (CSV, Progress 8 only)"),
        required=False,
        widget=forms.ClearableFileInput(attrs=FILE_ATTRS),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind != Kind.NOMINAL and not data.get("year"):
            self.add_error("year", _("Give the year this table is for."))
        if kind == Kind.PROGRESS8 and not data.get("sd"):
            self.add_error("sd", _("Progress 8 needs the national standard deviations file."))
        return data


def _text(upload: Any) -> TextFile:
    try:
        return TextFile(upload.name, filereading.text(upload.read(), upload.name))
    except filereading.Unreadable as error:
        raise InputError(upload.name, error.line or None, None, error.message) from None


@access.signed_in
@require_http_methods(["GET", "POST"])
def reference_tables(request: HttpRequest, urn: int) -> HttpResponse:
    school = _leaders_school(request, urn)
    form = TableForm(request.POST or None, request.FILES or None)
    problem = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            files = {"table": _text(data["table"])}
            if data["kind"] == Kind.PROGRESS8:
                files = {"estimates": files["table"], "sd": _text(data["sd"])}
            table = services.reference_table_load(
                school=school, kind=data["kind"], year=data["year"], files=files, by=request.user
            )
        except InputError as error:
            problem = str(error)
        else:
            messages.success(request, _("Loaded %(table)s.") % {"table": table})
            return redirect("progress_tables", urn=school.urn)
    return render(
        request,
        "progress/tables.html",
        {
            "school": school,
            "form": form,
            "problem": problem,
            "tables": list(selectors.visible_tables(school, Kind.PROGRESS8))
            + list(selectors.visible_tables(school, Kind.KS1_KS2))
            + list(selectors.visible_tables(school, Kind.NOMINAL)),
            # provisional estimates are for cohorts with a KS2 baseline only
            "p8_cohorts": [c for c in selectors.progress8_cohorts(school) if c.available],
            "national": list(selectors.national_tables(school)),
        },
    )


@access.signed_in
@require_GET
def reference_table_detail(request: HttpRequest, urn: int, table_id: int) -> HttpResponse:
    school = _leaders_school(request, urn)
    table = selectors.table_detail(school, table_id)
    if table is None:
        raise Http404("No such table")
    return render(request, "progress/table_detail.html", {"school": school, "table": table})


@access.signed_in
@require_POST
def trust_estimates(request: HttpRequest, urn: int) -> HttpResponse:
    school = _leaders_school(request, urn)
    year = _int(request.POST.get("year"))
    bands = selectors.national_table(school, _int(request.POST.get("bands")) or 0)
    if year is None or bands is None:
        messages.error(request, _("Choose the KS4 year and the table whose groups to use."))
        return redirect("progress_tables", urn=school.urn)
    try:
        table = services.trust_estimates_compute(
            school=school, year=year, bands=bands, by=request.user
        )
    except services.EstimatesError as error:
        messages.error(request, str(error))
        return redirect("progress_tables", urn=school.urn)
    messages.success(
        request,
        _("Computed provisional estimates for %(year)d from %(n)d pupils in the trust.")
        % {"year": year, "n": table.pupils or 0},
    )
    if year not in {cohort.year for cohort in selectors.progress8_cohorts(school)}:
        return redirect("progress_tables", urn=school.urn)
    url = reverse("progress8", kwargs={"urn": school.urn, "year": year})
    return redirect(f"{url}?table={table.pk}")


# --- KS4 models and planned options --------------------------------------------------------

OPTION_YEAR_GROUPS = (8, 9, 10)


class OptionsUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Planned options (CSV: upn, subject, category, entries)"),
        widget=forms.ClearableFileInput(attrs=FILE_ATTRS),
        help_text=gettext_lazy(
            "One row per pupil and subject. Each pupil in the file gets the file's plan."
        ),
    )


class AdoptionForm(forms.Form):
    model_id = forms.ChoiceField(
        label=gettext_lazy("Model"), widget=forms.Select(attrs={"class": "form-select"})
    )
    year = forms.IntegerField(
        label=gettext_lazy("In force from the leavers of"),
        min_value=2018,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["model_id"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [(m.id, m.name) for m in shipped_models().models if m.proposed]


def _school_year_start(today: dt.date) -> int:
    return today.year if today.month >= 9 else today.year - 1


@access.signed_in
@require_GET
def options_page(request: HttpRequest, urn: int) -> HttpResponse:
    """Year 9 options scored against each KS4 model, side by side, for leaders."""
    school = _leaders_school(request, urn)
    if school.phase == School.Phase.PRIMARY:
        raise Http404("Options are for secondary schools")
    year_group = _int(request.GET.get("year_group")) or 9
    if year_group not in OPTION_YEAR_GROUPS:
        raise Http404("Options are planned in Years 8 to 10")
    catalogue = shipped_models()
    leaving = options.leaving_year(year_group, _school_year_start(timezone.localdate()))
    adoptions = selectors.ks4_adoptions(school)
    in_force, unknown = options.cohort_model(catalogue, leaving, adoptions)
    plans = selectors.option_plans(school, year_group)
    scored = [
        (plan, options.score_plan(plan.subjects, catalogue.models, in_force, catalogue.categories))
        for plan in plans
        if plan.subjects
    ]
    rows = [
        {"pupil": plan.pupil, "subjects": plan.subjects, "scores": scores}
        for plan, scores in scored
    ]
    models = sorted(catalogue.models, key=lambda m: (m is not in_force, m.proposed))
    summary = [
        {
            "model": model,
            "complete": sum(1 for _plan, scores in scored if scores[i].complete),
            "gaps": sum(1 for _plan, scores in scored if not scores[i].complete),
        }
        for i, model in enumerate(models)
    ]
    return render(
        request,
        "progress/options.html",
        {
            "school": school,
            "year_group": year_group,
            "year_groups": OPTION_YEAR_GROUPS,
            "leaving": leaving,
            "in_force": in_force,
            "unknown": unknown,
            "models": models,
            "summary": summary,
            "rows": rows,
            "without_plan": sum(1 for plan in plans if not plan.subjects),
            "categories": catalogue.categories,
            "adoptions": [
                (catalogue.model(model_id), year) for model_id, year in sorted(adoptions.items())
            ],
            "adoption_form": AdoptionForm(initial={"year": leaving}),
            "upload_form": OptionsUploadForm(),
        },
    )


@access.signed_in
@require_POST
def options_upload(request: HttpRequest, urn: int) -> HttpResponse:
    school = _leaders_school(request, urn)
    form = OptionsUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a CSV file of planned options."))
        return redirect("progress_options", urn=school.urn)
    upload = form.cleaned_data["file"]
    try:
        count = services.planned_options_load(
            school=school, name=upload.name, content=upload.read(), by=request.user
        )
    except UploadErrors as errors:
        for error in errors.errors:
            messages.error(request, str(error))
        if errors.more:
            messages.error(request, _("and %(n)d more problems") % {"n": errors.more})
        return redirect("progress_options", urn=school.urn)
    messages.success(
        request,
        _("Loaded %(name)s: planned options for %(n)d pupils.") % {"name": upload.name, "n": count},
    )
    return redirect("progress_options", urn=school.urn)


@access.signed_in
@require_POST
def ks4_model_adopt(request: HttpRequest, urn: int) -> HttpResponse:
    """Mark a proposed model in force at the school from a cohort (until a release does)."""
    school = _leaders_school(request, urn)
    form = AdoptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the model and the first cohort it is in force for."))
        return redirect("progress_options", urn=school.urn)
    try:
        services.ks4_model_adopt(
            school=school,
            model_id=form.cleaned_data["model_id"],
            year=form.cleaned_data["year"],
            by=request.user,
        )
    except services.Ks4ModelError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The model is now in force at the school from the leavers of %(year)d.")
            % {"year": form.cleaned_data["year"]},
        )
    return redirect("progress_options", urn=school.urn)


@access.signed_in
@require_POST
def ks4_model_adoption_remove(request: HttpRequest, urn: int) -> HttpResponse:
    school = _leaders_school(request, urn)
    adoption = selectors.model_adoption(school, request.POST.get("model_id", ""))
    if adoption is None:
        raise Http404("No such setting")
    services.ks4_model_adoption_remove(adoption=adoption, by=request.user)
    messages.success(request, _("The models file's own statuses apply again."))
    return redirect("progress_options", urn=school.urn)
