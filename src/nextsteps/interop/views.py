"""The data manager's pages: OneRoster, CTF and spreadsheet imports and exports; API tokens."""

from __future__ import annotations

import base64
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from nextsteps import access
from nextsteps.accounts.models import User
from nextsteps.assessments import permissions as assessment_permissions
from nextsteps.exports import table_response
from nextsteps.interop import permissions, selectors
from nextsteps.interop.ctf_export import ctf_export
from nextsteps.interop.ctf_import import ctf_import
from nextsteps.interop.kernels import oneroster as orr
from nextsteps.interop.kernels import sheets
from nextsteps.interop.models import ImportRun
from nextsteps.interop.oneroster_export import oneroster_export, oneroster_zip
from nextsteps.interop.oneroster_import import is_urn, log_refused, oneroster_import
from nextsteps.interop.services import export_log
from nextsteps.interop.sheets_import import KINDS, SheetSummary, sheet_import
from nextsteps.interop.sheets_marks import KIND as MARKS
from nextsteps.interop.sheets_marks import marks_fields, marks_sheet_import
from nextsteps.people.kernels.identity import IdentityReport
from nextsteps.people.kernels.problems import IdentityConflicts, ImportProblems, ProblemList

MAX_UPLOAD = 200 * 1024 * 1024
MAX_SHEET = 10 * 1024 * 1024
SESSION_KEY = "interop_sheet"


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind `access.signed_in`)."""
    return cast(User, request.user)


def _admin_school(request: HttpRequest, urn: int) -> Any:
    return permissions.data_school(request.user, urn)


def _skip_conflicts_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=gettext_lazy("Apply the rest if some pupils conflict"),
        help_text=gettext_lazy(
            "A row whose UPN names an existing pupil with a different legal surname and date "
            "of birth is never applied. Tick this after a dry run has shown you those rows, "
            "to import everything else and leave those pupils unchanged."
        ),
        required=False,
    )


class OneRosterImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("OneRoster file set (.zip)"),
        help_text=gettext_lazy(
            "A zip of the CSV files your management system exports, 1.1 or 1.2."
        ),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: check and count, change nothing"), required=False, initial=True
    )
    skip_conflicts = _skip_conflicts_field()


class OneRosterOrgForm(OneRosterImportForm):
    """The upload again, with the org in the file that is this school (when its orgs.csv
    gives no URN for it)."""

    org = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(self, *args: Any, orgs: list[tuple[str, str]], school: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["org"])
        field.choices = orgs
        field.label = _("Which school org in the file is %(school)s (URN %(urn)s)?") % {
            "school": school.name,
            "urn": school.urn,
        }


def _orgs_without_urn(source: orr.OneRosterSet) -> list[tuple[str, str]]:
    """School orgs in the set whose identifier is not a URN and that no import has mapped."""
    scratch = ProblemList()  # the import itself reports the set's problems
    manifest = orr.read_manifest(source, scratch)
    known = selectors.known_org_sourced_ids()
    return [
        (row.sourced_id, f"{row['name']} (sourcedId {row.sourced_id})")
        for row in orr.read_file(source, manifest, "orgs.csv", scratch)
        if row["type"] == "school"
        and not is_urn(row["identifier"].strip())
        and row.sourced_id not in known
    ]


class CtfImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Common Transfer File (.xml)"))
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: check and count, change nothing"), required=False, initial=True
    )
    skip_conflicts = _skip_conflicts_field()


class AttendanceImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Attendance this year (.csv)"),
        help_text=gettext_lazy(
            "Columns: UPN, Possible sessions, Attended sessions, and optionally Academic year."
        ),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: check and count, change nothing"), required=False, initial=True
    )


class SheetUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the spreadsheet holds"),
        choices=[
            ("pupils", gettext_lazy("Pupils and their characteristics")),
            ("classes", gettext_lazy("Classes")),
            ("enrolments", gettext_lazy("Pupils' places in classes")),
            ("marks", gettext_lazy("Test marks: a column per question, or a total")),
        ],
    )
    assessment = forms.TypedChoiceField(
        label=gettext_lazy("Test (for marks)"), coerce=int, required=False, empty_value=None
    )
    file = forms.FileField(label=gettext_lazy("Spreadsheet (.csv or .xlsx)"))

    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tests = selectors.recent_tests(school)
        field = cast(forms.TypedChoiceField, self.fields["assessment"])
        field.choices = [("", "—")] + [
            (test.pk, f"{test.name} ({test.taken_on:%d/%m/%Y})") for test in tests
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == MARKS and not data.get("assessment"):
            self.add_error("assessment", _("Choose the test the marks are for."))
        return data


@access.signed_in
def data_home(request: HttpRequest, urn: int) -> HttpResponse:
    school = _admin_school(request, urn)
    runs = selectors.recent_runs(school)
    last_sync = selectors.last_wonde_sync(school)
    return render(
        request,
        "interop/data_home.html",
        {
            "school": school,
            "runs": runs,
            "oneroster_form": OneRosterImportForm(auto_id="oneroster-%s"),
            "ctf_form": CtfImportForm(auto_id="ctf-%s"),
            "attendance_form": AttendanceImportForm(auto_id="attendance-%s"),
            "last_sync": last_sync,
            "wonde_ready": bool(settings.WONDE_TOKEN),
            "sheet_form": SheetUploadForm(auto_id="sheet-%s", school=school),
            "pupils": selectors.pupils_on_roll(school),
        },
    )


def _conflicts_page(
    request: HttpRequest,
    school: Any,
    title: str,
    conflicts: IdentityConflicts,
    filename: str,
    kind: str,
    rest_mapping: dict[str, str] | None = None,
) -> HttpResponse:
    """An import refused because rows name someone else: each one, and how to apply the rest."""
    log_refused(school, conflicts, by=request.user, filename=filename, kind=kind)
    return render(
        request,
        "interop/conflicts.html",
        {
            "school": school,
            "title": title,
            "identity": IdentityReport(conflicts=conflicts.conflicts),
            "rest_mapping": rest_mapping,
        },
        status=409,
    )


def _problems_page(
    request: HttpRequest,
    school: Any,
    title: str,
    problems: ImportProblems,
    filename: str,
    kind: str,
) -> HttpResponse:
    log_refused(school, problems, by=request.user, filename=filename, kind=kind)
    request.session["interop_problems"] = [p.as_row() for p in problems.problems[:5000]]
    return render(
        request,
        "interop/problems.html",
        {
            "school": school,
            "title": title,
            "problems": problems.problems[:500],
            "count": len(problems.problems),
        },
        status=422,
    )


def _refuse_form(request: HttpRequest, form: forms.Form, fallback: str) -> None:
    """Say why an import form was refused: the file's fault (empty, say) by name, or else
    what to choose."""
    upload = request.FILES.get("file")
    if upload is not None and "file" in form.errors:
        reasons = " ".join(str(error) for error in form.errors["file"])
        messages.error(request, f"{upload.name}: {reasons}")
    else:
        messages.error(request, fallback)


@access.signed_in
@require_POST
def oneroster_upload(request: HttpRequest, urn: int) -> HttpResponse:
    school = _admin_school(request, urn)
    form = OneRosterImportForm(request.POST, request.FILES)
    if not form.is_valid():
        _refuse_form(request, form, _("Choose a OneRoster zip file to import."))
        return redirect("interop_home", urn=school.urn)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_UPLOAD:
        messages.error(request, _("That file is larger than 200 MB."))
        return redirect("interop_home", urn=school.urn)
    try:
        source = orr.OneRosterSet.from_zip(upload.read(), upload.name)
        orgs = _orgs_without_urn(source)
        chosen = request.POST.get("org", "")
        if orgs and chosen not in dict(orgs):
            asked = OneRosterOrgForm(
                initial={
                    "dry_run": form.cleaned_data["dry_run"],
                    "skip_conflicts": form.cleaned_data["skip_conflicts"],
                },
                orgs=orgs,
                school=school,
            )
            return render(
                request,
                "interop/oneroster_org.html",
                {"school": school, "form": asked, "filename": upload.name},
            )
        summary = oneroster_import(
            source=source,
            by=request.user,
            dry_run=form.cleaned_data["dry_run"],
            skip_conflicts=form.cleaned_data["skip_conflicts"],
            schools=[school],
            urns={chosen: school.urn} if orgs else None,
            urn_hint=_("the question “Which school org in the file is this school?”"),
        )
    except IdentityConflicts as conflicts:
        return _conflicts_page(
            request, school, _("OneRoster import"), conflicts, upload.name, "oneroster"
        )
    except ImportProblems as problems:
        return _problems_page(
            request, school, _("OneRoster import"), problems, upload.name, "oneroster"
        )
    except (OSError, ValueError) as error:  # not a zip, a zip bomb
        messages.error(request, str(error))
        return redirect("interop_home", urn=school.urn)
    except Exception as error:  # noqa: BLE001 - zipfile raises BadZipFile and friends
        messages.error(request, _("That is not a readable zip file: %(e)s") % {"e": error})
        return redirect("interop_home", urn=school.urn)
    return render(
        request,
        "interop/summary.html",
        {
            "school": school,
            "lines": summary.lines(),
            "dry_run": summary.dry_run,
            "identity": summary.identity,
        },
    )


@access.signed_in
def oneroster_download(request: HttpRequest, urn: int) -> HttpResponse:
    school = _admin_school(request, urn)
    version = request.GET.get("version", "1.2")
    if version not in orr.VERSIONS:
        version = "1.2"
    data = oneroster_zip(oneroster_export(school=school, version=version))
    export_log(
        school=school,
        kind=ImportRun.Kind.ONEROSTER,
        filename=f"oneroster-{school.urn}-{version}.zip",
        by=_user(request),
    )
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="oneroster-{school.urn}-v{version}.zip"'
    )
    return response


@access.signed_in
@require_POST
def ctf_upload(request: HttpRequest, urn: int) -> HttpResponse:
    school = _admin_school(request, urn)
    form = CtfImportForm(request.POST, request.FILES)
    if not form.is_valid():
        _refuse_form(request, form, _("Choose a CTF file to import."))
        return redirect("interop_home", urn=school.urn)
    upload = form.cleaned_data["file"]
    try:
        summary = ctf_import(
            data=upload.read(),
            filename=upload.name,
            school=school,
            by=request.user,
            dry_run=form.cleaned_data["dry_run"],
            skip_conflicts=form.cleaned_data["skip_conflicts"],
        )
    except IdentityConflicts as conflicts:
        return _conflicts_page(request, school, _("CTF import"), conflicts, upload.name, "ctf")
    except ImportProblems as problems:
        return _problems_page(request, school, _("CTF import"), problems, upload.name, "ctf")
    return render(
        request,
        "interop/summary.html",
        {
            "school": school,
            "lines": summary.lines(),
            "dry_run": summary.dry_run,
            "identity": summary.identity,
        },
    )


@access.signed_in
def ctf_download(request: HttpRequest, urn: int) -> HttpResponse:
    school = _admin_school(request, urn)
    ids = [int(i) for i in request.GET.getlist("pupil") if i.isdigit()]
    upns = selectors.pupil_upns(school, ids)
    if not upns:
        messages.error(request, _("Choose at least one pupil for the transfer file."))
        return redirect("interop_home", urn=school.urn)
    data = ctf_export(school=school, upns=upns, destination=request.GET.get("to", "")[:7])
    response = HttpResponse(data, content_type="application/xml")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="{school.la_code}{school.estab}_CTF_{stamp}.xml"'
    )
    return response


@access.signed_in
def problems_report(request: HttpRequest, urn: int, fmt: str) -> HttpResponse:
    """The last refused import's problems as a spreadsheet, to work through."""
    _admin_school(request, urn)
    rows = request.session.get("interop_problems", [])
    return table_response(
        filename="import-problems",
        fmt=fmt,
        headers=[_("File"), _("Line"), _("Column"), _("Problem")],
        rows=[[r["file"], r["line"], r["column"], r["problem"]] for r in rows],
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def sheet_upload(request: HttpRequest, urn: int) -> HttpResponse:
    """Step 1: upload; step 2: match columns, preview, dry run or import."""
    school = _admin_school(request, urn)
    if request.method == "POST" and "file" in request.FILES:
        form = SheetUploadForm(request.POST, request.FILES, school=school)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(str(error) for error in errors))
            return redirect("interop_home", urn=school.urn)
        upload = form.cleaned_data["file"]
        if upload.size > MAX_SHEET:
            messages.error(request, _("That spreadsheet is larger than 10 MB."))
            return redirect("interop_home", urn=school.urn)
        data = upload.read()
        try:
            sheets.read_table(data, upload.name)
        except ValueError as error:
            messages.error(request, str(error))
            return redirect("interop_home", urn=school.urn)
        kind = form.cleaned_data["kind"]
        request.session[SESSION_KEY] = {
            "kind": kind,
            "assessment": form.cleaned_data["assessment"] if kind == MARKS else None,
            "name": upload.name,
            "data": base64.b64encode(data).decode("ascii"),
        }
        return redirect("interop_sheet", urn=school.urn)
    stored = request.session.get(SESSION_KEY)
    if not stored or stored.get("kind") not in (*KINDS, MARKS):
        return redirect("interop_home", urn=school.urn)
    table = sheets.read_table(base64.b64decode(stored["data"]), stored["name"])
    kind = stored["kind"]
    assessment = None
    if kind == MARKS:
        assessment = assessment_permissions.assessments.get(
            request.user, school, stored["assessment"]
        )
        fields = marks_fields(selectors.questions_of(assessment))
    else:
        fields = sheets.FIELDS[kind]
    mapping = sheets.suggest_mapping(kind, table.headers, fields)
    if request.method == "POST":
        mapping = {
            f.name: request.POST.get(f"map_{f.name}", "")
            for f in fields
            if request.POST.get(f"map_{f.name}", "") in table.headers
        }
        dry_run = request.POST.get("action") != "import"
        skip_conflicts = request.POST.get("skip_conflicts") == "1"
        try:
            if assessment is not None:
                summary: SheetSummary = marks_sheet_import(
                    assessment=assessment,
                    table=table,
                    mapping=mapping,
                    by=request.user,
                    dry_run=dry_run,
                )
            else:
                summary = sheet_import(
                    school=school,
                    kind=kind,
                    table=table,
                    mapping=mapping,
                    by=request.user,
                    dry_run=dry_run,
                    skip_conflicts=skip_conflicts,
                )
        except IdentityConflicts as conflicts:
            return _conflicts_page(
                request,
                school,
                _("Spreadsheet import"),
                conflicts,
                table.filename,
                "spreadsheet",
                rest_mapping=mapping,
            )
        except ImportProblems as problems:
            return _problems_page(
                request, school, _("Spreadsheet import"), problems, table.filename, "spreadsheet"
            )
        if not dry_run:
            request.session.pop(SESSION_KEY, None)
        return render(
            request,
            "interop/summary.html",
            {
                "school": school,
                "lines": summary.lines(),
                "dry_run": dry_run,
                "again": dry_run,
                "identity": summary.identity,
                "rest_mapping": mapping,
            },
        )
    preview_problems = ProblemList()
    preview = sheets.mapped_rows(
        sheets.Table(table.filename, table.headers, table.rows[:10]),
        kind,
        mapping,
        preview_problems,
        fields,
    )
    return render(
        request,
        "interop/sheet_map.html",
        {
            "school": school,
            "kind": kind,
            "assessment": assessment,
            "table": table,
            "fields": [{"field": f, "chosen": mapping.get(f.name, "")} for f in fields],
            "preview": [[record.get(f.name, "") for f in fields] for _, record in preview],
            "preview_problems": preview_problems.items[:20],
            "labels": [f.label for f in fields],
            "row_count": len(table.rows),
        },
    )


# ---------------------------------------------------------------------------- API tokens


@access.signed_in
@require_POST
def wonde_sync_now(request: HttpRequest, urn: int) -> HttpResponse:
    """Sync the school from Wonde now; the data page then shows what changed."""
    from nextsteps.interop.wonde_client import WondeError
    from nextsteps.interop.wonde_sync import wonde_sync

    school = _admin_school(request, urn)
    try:
        summary = wonde_sync(urn=school.urn, by=_user(request))
    except WondeError as error:
        messages.error(request, str(error))
        return redirect("interop_home", urn=school.urn)
    messages.success(request, summary.lines()[0])
    return redirect(f"{reverse('interop_home', kwargs={'urn': school.urn})}#wonde-heading")


@access.signed_in
@require_POST
def attendance_upload(request: HttpRequest, urn: int) -> HttpResponse:
    from nextsteps.interop.attendance_import import attendance_import

    school = _admin_school(request, urn)
    form = AttendanceImportForm(request.POST, request.FILES)
    if not form.is_valid():
        _refuse_form(request, form, _("Choose an attendance CSV file to import."))
        return redirect("interop_home", urn=school.urn)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_SHEET:
        messages.error(request, _("That file is larger than 10 MB."))
        return redirect("interop_home", urn=school.urn)
    try:
        summary = attendance_import(
            data=upload.read(),
            filename=upload.name,
            school=school,
            by=request.user,
            dry_run=form.cleaned_data["dry_run"],
        )
    except ImportProblems as problems:
        return _problems_page(
            request, school, _("Attendance import"), problems, upload.name, "attendance"
        )
    return render(
        request,
        "interop/summary.html",
        {"school": school, "lines": summary.lines(), "dry_run": summary.dry_run},
    )
