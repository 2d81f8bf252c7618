"""Pages for the KS2 writing teacher assessment: thin (access, then selectors or services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nextsteps import access
from nextsteps.markbook.uploads import UploadRefused, checked_upload
from nextsteps.teaching.models import Class
from nextsteps.writing import permissions, selectors, services
from nextsteps.writing.kernels import rules
from nextsteps.writing.kernels.statements_file import StatementsFileError

INLINE = {"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"}


class StatementsForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Your copy of the statements (CSV: standard, number, text)"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".csv,text/csv"}),
    )


class PieceForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    written_on = forms.DateField(
        label=gettext_lazy("Written on"),
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d"),
    )
    link = forms.URLField(
        label=gettext_lazy("Link to the writing (optional)"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "form-control"}),
    )
    file = forms.FileField(
        label=gettext_lazy("Photo or scan of the writing (optional)"),
        required=False,
        help_text=gettext_lazy("A photo or a PDF, at most 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": "image/*,application/pdf"}
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )


def _class_context(request: HttpRequest, urn: int, class_id: int) -> dict[str, Any]:
    school = permissions.member_school(request.user, urn)
    teaching_class = permissions.get_class(request.user, school, class_id)
    year = selectors.ks2_year(teaching_class)
    try:
        framework = rules.framework_for(year)
    except rules.NoRule as error:
        raise Http404(str(error)) from None
    found = selectors.statements(school, framework)
    return {
        "school": school,
        "teaching_class": teaching_class,
        "year": year,
        "framework": framework,
        "statements": found,
    }


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


@access.signed_in
@require_GET
def writing_home(request: HttpRequest, urn: int) -> HttpResponse:
    school = permissions.school_for(request.user, urn)
    classes: list[Class] = list(permissions.classes(request.user, school))
    today = timezone.localdate()
    framework = None
    try:
        framework = rules.framework_for(today.year if today.month < 9 else today.year + 1)
    except rules.NoRule:
        framework = rules.shipped_frameworks()[-1]
    return render(
        request,
        "writing/home.html",
        {
            "school": school,
            "classes": classes,
            "framework": framework,
            "counts": selectors.counts_of(selectors.statements(school, framework)),
            "leader": permissions.leads(request.user, school),
        },
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def statements_page(request: HttpRequest, urn: int) -> HttpResponse:
    school = permissions.school_for_leaders(request.user, urn)
    framework = rules.shipped_frameworks()[-1]
    edition = request.POST.get("edition") or request.GET.get("edition")
    for candidate in rules.shipped_frameworks():
        if candidate.edition == edition:
            framework = candidate
    form = StatementsForm()
    problems: list[Any] = []
    if request.method == "POST":
        form = StatementsForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                counts = services.statements_import(
                    school=school,
                    framework=framework,
                    name=upload.name,
                    content=upload.read(),
                    by=request.user,
                )
            except StatementsFileError as error:
                problems = error.problems
                messages.error(
                    request,
                    _("%(file)s was not imported: nothing was changed.") % {"file": upload.name},
                )
            else:
                messages.success(
                    request,
                    _("Imported %(n)d statements from %(file)s.")
                    % {"n": sum(counts.values()), "file": upload.name},
                )
                return redirect("writing_statements", urn=school.urn)
        else:
            messages.error(request, _("Choose a CSV file of statements to import."))
    found = selectors.statements(school, framework)
    return render(
        request,
        "writing/statements.html",
        {
            "school": school,
            "framework": framework,
            "form": form,
            "problems": problems[:50],
            "more": max(0, len(problems) - 50),
            "by_standard": [
                (s, [st for st in found if st.standard == s.code])
                for s in reversed(framework.standards)
            ],
        },
    )


@access.signed_in
@require_GET
def class_page(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    context = _class_context(request, urn, class_id)
    context["rows"] = selectors.class_overview(
        context["school"], context["teaching_class"], context["framework"], context["statements"]
    )
    context["names"] = dict(context["framework"].outcomes)
    return render(request, "writing/class.html", context)


def _pupil_context(request: HttpRequest, urn: int, class_id: int, pupil_id: int) -> dict[str, Any]:
    context = _class_context(request, urn, class_id)
    context["pupil"] = permissions.get_pupil(request.user, context["teaching_class"], pupil_id)
    return context


@access.signed_in
@require_GET
def pupil_page(request: HttpRequest, urn: int, class_id: int, pupil_id: int) -> HttpResponse:
    context = _pupil_context(request, urn, class_id, pupil_id)
    return _render_pupil(request, context, PieceForm(initial={"written_on": timezone.localdate()}))


def _render_pupil(
    request: HttpRequest, context: dict[str, Any], form: PieceForm, status: int = 200
) -> HttpResponse:
    sheet = selectors.pupil_sheet(
        context["pupil"], context["year"], context["framework"], context["statements"]
    )
    context |= {
        "sheet": sheet,
        "form": form,
        "names": dict(context["framework"].outcomes),
        "not_imported": [row.standard for row in sheet.standards if not row.cells],
        "choices": [
            (standard, found)
            for standard in reversed(context["framework"].standards)
            if (found := [s for s in context["statements"] if s.standard == standard.code])
        ],
        "weakness_statements": [
            s for s in context["statements"] if context["framework"].standard(s.standard).weakness
        ],
    }
    return render(request, "writing/pupil.html", context, status=status)


def _back(context: dict[str, Any]) -> HttpResponse:
    return redirect(
        "writing_pupil",
        urn=context["school"].urn,
        class_id=context["teaching_class"].pk,
        pupil_id=context["pupil"].pk,
    )


@access.signed_in
@require_POST
def piece_add(request: HttpRequest, urn: int, class_id: int, pupil_id: int) -> HttpResponse:
    context = _pupil_context(request, urn, class_id, pupil_id)
    form = PieceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("The piece of writing was not added: see the form below."))
        return _render_pupil(request, context, form, status=400)
    data = form.cleaned_data
    try:
        upload = checked_upload(data["file"]) if data["file"] else None
    except UploadRefused as refused:
        form.add_error("file", str(refused))
        messages.error(request, str(refused))
        return _render_pupil(request, context, form, status=400)
    try:
        services.piece_record(
            upload=upload,
            school=context["school"],
            pupil=context["pupil"],
            edition=context["framework"].edition,
            title=data["title"],
            written_on=data["written_on"],
            link=data["link"],
            note=data["note"],
            statement_ids=_ids(request.POST.getlist("statements")),
            by=request.user,
        )
    except services.WritingError as error:
        messages.error(request, str(error))
        return _render_pupil(request, context, form, status=400)
    messages.success(request, _("Added “%(title)s”.") % {"title": data["title"]})
    return _back(context)


@access.signed_in
@require_POST
def piece_links(
    request: HttpRequest, urn: int, class_id: int, pupil_id: int, piece_id: int
) -> HttpResponse:
    context = _pupil_context(request, urn, class_id, pupil_id)
    piece = permissions.get_piece(context["pupil"], piece_id)
    try:
        services.piece_link(
            piece=piece,
            edition=context["framework"].edition,
            statement_ids=_ids(request.POST.getlist("statements")),
            by=request.user,
        )
    except services.WritingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Saved the statements “%(t)s” evidences.") % {"t": piece})
    return _back(context)


@access.signed_in
@require_GET
def piece_file(
    request: HttpRequest, urn: int, class_id: int, pupil_id: int, piece_id: int
) -> FileResponse:
    """The photo or scan of a piece of writing, for those who may see the pupil's writing."""
    context = _pupil_context(request, urn, class_id, pupil_id)
    piece = permissions.get_piece(context["pupil"], piece_id)
    if not piece.file:
        raise Http404("No file")
    response = FileResponse(piece.file.open("rb"), content_type=piece.content_type)
    disposition = "inline" if piece.content_type in INLINE else "attachment"
    safe = "".join(ch for ch in piece.original_name if ch.isalnum() or ch in "._- ") or "writing"
    response["Content-Disposition"] = f'{disposition}; filename="{safe}"'
    return response


@access.signed_in
@require_POST
def weakness_add(request: HttpRequest, urn: int, class_id: int, pupil_id: int) -> HttpResponse:
    context = _pupil_context(request, urn, class_id, pupil_id)
    statement_id = request.POST.get("statement", "")
    try:
        services.weakness_record(
            school=context["school"],
            pupil=context["pupil"],
            framework=context["framework"],
            statement_id=int(statement_id) if statement_id.isdigit() else 0,
            reason=request.POST.get("reason", ""),
            by=request.user,
        )
    except services.WritingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The particular weakness and its reason are recorded."))
    return _back(context)


@access.signed_in
@require_POST
def weakness_withdraw(
    request: HttpRequest, urn: int, class_id: int, pupil_id: int, weakness_id: int
) -> HttpResponse:
    context = _pupil_context(request, urn, class_id, pupil_id)
    weakness = permissions.get_open_weakness(context["pupil"], weakness_id)
    services.weakness_withdraw(weakness=weakness, by=request.user)
    messages.success(request, _("The particular weakness is withdrawn (its record is kept)."))
    return _back(context)


@access.signed_in
@require_POST
def judgement_add(request: HttpRequest, urn: int, class_id: int, pupil_id: int) -> HttpResponse:
    context = _pupil_context(request, urn, class_id, pupil_id)
    sheet = selectors.pupil_sheet(
        context["pupil"], context["year"], context["framework"], context["statements"]
    )
    try:
        judgement, not_passed = services.judgement_record(
            school=context["school"],
            pupil=context["pupil"],
            framework=context["framework"],
            year=context["year"],
            outcome=request.POST.get("outcome", ""),
            rule_outcome=sheet.fit.outcome,
            note=request.POST.get("note", ""),
            by=request.user,
        )
    except services.WritingError as error:
        messages.error(request, str(error))
        return _back(context)
    messages.success(
        request, _("Final judgement recorded: %(code)s.") % {"code": judgement.outcome}
    )
    if not_passed:
        messages.warning(
            request, _("Not passed to the KS2 results: %(why)s.") % {"why": not_passed}
        )
    return _back(context)
