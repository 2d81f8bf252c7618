"""Framework pages: the list, one framework's strands and objectives, import and export."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from nextsteps import access, filereading
from nextsteps.accounts.models import Role
from nextsteps.curriculum import formats
from nextsteps.curriculum.models import Framework, Objective
from nextsteps.curriculum.services import FrameworkExists, framework_import, framework_spec

EDITORS = (Role.ADMIN, Role.LEADER, Role.HOD)


@access.signed_in
def framework_list(request: HttpRequest, urn: int) -> HttpResponse:
    school = access.access_school(request.user, urn)
    access.require_staff(request.user, school)
    frameworks = (
        Framework.objects.filter(school=school)
        .select_related("subject", "scale")
        .annotate(
            objective_count=Count("objectives", distinct=True),
            core_count=Count("objectives", filter=Q(objectives__core=True), distinct=True),
            strand_count=Count("strands", distinct=True),
        )
    )
    return render(
        request,
        "curriculum/framework_list.html",
        {
            "school": school,
            "frameworks": list(frameworks),
            "can_import": bool(access.roles_in(request.user, school) & set(EDITORS)),
        },
    )


def _framework(request: HttpRequest, urn: int, framework_id: int) -> Framework:
    school = access.access_school(request.user, urn)
    access.require_staff(request.user, school)
    return get_object_or_404(
        Framework.objects.select_related("subject", "scale", "self_scale", "school"),
        school=school,
        pk=framework_id,
    )


@access.signed_in
def framework_detail(request: HttpRequest, urn: int, framework_id: int) -> HttpResponse:
    framework = _framework(request, urn, framework_id)
    year = request.GET.get("year", "")
    objectives = Objective.objects.prefetch_related("success_criteria", "exemplars__level")
    if year.lstrip("-").isdigit():
        objectives = objectives.filter(year_group=int(year))
    strands = framework.strands.prefetch_related(Prefetch("objectives", queryset=objectives))
    years = sorted(
        {y for y in framework.objectives.values_list("year_group", flat=True) if y is not None}
    )
    return render(
        request,
        "curriculum/framework_detail.html",
        {
            "school": framework.school,
            "framework": framework,
            "strands": [s for s in strands if s.objectives.all()],
            "levels": list(framework.scale.levels.all()),
            "self_levels": list(framework.self_scale.levels.all()) if framework.self_scale else [],
            "years": years,
            "year": year,
        },
    )


@access.signed_in
def framework_export(request: HttpRequest, urn: int, framework_id: int, fmt: str) -> HttpResponse:
    framework = _framework(request, urn, framework_id)
    spec = framework_spec(framework)
    name = slugify(f"{framework.name} {framework.version}")
    if fmt == "yaml":
        response = HttpResponse(formats.write_yaml(spec), content_type="application/yaml")
    else:
        response = HttpResponse(formats.write_csv(spec), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Framework file (.yaml or .csv)"),
        help_text=gettext_lazy("A CSV needs the framework's name and subject below."),
    )
    name = forms.CharField(label=gettext_lazy("Name (CSV only)"), required=False, max_length=200)
    subject = forms.CharField(
        label=gettext_lazy("Subject (CSV only)"), required=False, max_length=100
    )
    version = forms.CharField(
        label=gettext_lazy("Version (CSV only)"), required=False, max_length=30
    )
    replace = forms.BooleanField(
        label=gettext_lazy("Update the framework if this version is already here"), required=False
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def framework_upload(request: HttpRequest, urn: int) -> HttpResponse:
    school = access.access_school(request.user, urn, roles=EDITORS)
    form = FrameworkUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            spec = _read_upload(upload.name, upload.read(), form.cleaned_data)
            framework = framework_import(
                school=school, spec=spec, by=request.user, replace=form.cleaned_data["replace"]
            )
        except formats.FormatErrors as errors:
            problems = [str(error) for error in errors.errors]
        except (formats.FormatError, FrameworkExists, filereading.Unreadable) as error:
            problems = [str(error)]
        else:
            messages.success(request, _("Imported %(name)s.") % {"name": framework})
            return redirect("framework_detail", urn=school.urn, framework_id=framework.pk)
    return render(
        request,
        "curriculum/framework_upload.html",
        {"school": school, "form": form, "problems": problems},
    )


def _read_upload(filename: str, content: bytes, data: dict[str, str]) -> formats.FrameworkSpec:
    text = filereading.text(content, filename)
    if filename.lower().endswith((".yaml", ".yml")):
        return formats.read_yaml(text, file=filename)
    if not data.get("name") or not data.get("subject"):
        raise formats.FormatError(
            _("a CSV framework needs a name and a subject"), file=filename, line=0, column=""
        )
    return formats.read_csv(
        text,
        file=filename,
        name=data["name"],
        subject=data["subject"],
        version=data.get("version") or "1",
    )
