"""Framework pages: the list, one framework's strands and objectives, import and export."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from nextsteps import access, filereading
from nextsteps.access import Action
from nextsteps.curriculum import formats, permissions
from nextsteps.curriculum.kernels.spec import FrameworkSpec
from nextsteps.curriculum.models import Framework
from nextsteps.curriculum.permissions import frameworks
from nextsteps.curriculum.selectors import framework_cards, framework_page
from nextsteps.curriculum.services import FrameworkExists, framework_import, framework_spec


@access.signed_in
def framework_list(request: HttpRequest, urn: int) -> HttpResponse:
    school = permissions.staff_school(request.user, urn)
    return render(
        request,
        "curriculum/framework_list.html",
        {
            "school": school,
            "frameworks": framework_cards(frameworks.scope(request.user, school, Action.VIEW)),
            "can_import": permissions.may_import(request.user, school),
        },
    )


def _framework(request: HttpRequest, urn: int, framework_id: int) -> Framework:
    school = permissions.staff_school(request.user, urn)
    return frameworks.get(request.user, school, framework_id, Action.VIEW)


@access.signed_in
def framework_detail(request: HttpRequest, urn: int, framework_id: int) -> HttpResponse:
    framework = _framework(request, urn, framework_id)
    year = request.GET.get("year", "")
    page = framework_page(framework, int(year) if year.lstrip("-").isdigit() else None)
    return render(
        request,
        "curriculum/framework_detail.html",
        {
            "school": framework.school,
            "framework": framework,
            "strands": page.strands,
            "levels": page.levels,
            "self_levels": page.self_levels,
            "years": page.years,
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
    school = permissions.editor_school(request.user, urn)
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


def _read_upload(filename: str, content: bytes, data: dict[str, str]) -> FrameworkSpec:
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
