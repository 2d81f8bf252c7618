"""Pupil and parent reports: the page, its PDF, a class's reports, batches and release."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nextsteps import access
from nextsteps.access import Action
from nextsteps.people.models import Pupil
from nextsteps.reports import permissions, report_selectors, services
from nextsteps.reports.kernels.documents import ReportDocument
from nextsteps.reports.models import Report, ReportBatch, ReportVersion
from nextsteps.reports.pdf import render_documents_pdf, report_context
from nextsteps.reports.report_selectors import default_period
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class
from nextsteps.teaching.selectors import class_pupils


def _period_for(request: HttpRequest, pupil: Pupil, staff: bool) -> str:
    asked = (request.GET.get("period") or request.POST.get("period") or "").strip()
    if staff:
        return asked or default_period()
    released = report_selectors.released_reports(pupil)
    chosen = (
        next((r for r in released if r.period == asked), None)
        if asked
        else (released[0] if released else None)
    )
    if chosen is None:
        raise Http404("No report has been released")
    return chosen.period


def _shown(
    request: HttpRequest, pupil: Pupil, period: str, staff: bool, versions: list[ReportVersion]
) -> tuple[ReportDocument, ReportVersion | None]:
    """Which report to show: a released version exactly as released, or (staff only) the
    draft. Staff see the latest version unless they ask for another or for the draft;
    families see only the latest version."""
    asked = request.GET.get("version", "").strip()
    if staff and (asked == "draft" or (not asked and not versions)):
        return report_selectors.draft_document(pupil=pupil, period=period), None
    if not versions:
        raise Http404("No report has been released")
    readable = versions if staff else versions[-1:]
    version = next((v for v in readable if str(v.number) == asked), None) if asked else versions[-1]
    if version is None:
        raise Http404("No such version")
    return report_selectors.version_document(version), version


@access.signed_in
@require_http_methods(["GET", "POST"])
def pupil_report(request: HttpRequest, urn: int, pupil_id: int) -> HttpResponse:
    school = access.access_school(request.user, urn)
    pupil, staff = permissions.reports.reader(request.user, school, pupil_id)
    period = _period_for(request, pupil, staff)
    errors: dict[str, list[str]] = {}
    can_write = staff and permissions.reports.can_for_pupil(
        request.user, Action.CHANGE, school, pupil
    )
    if request.method == "POST":
        if not staff:
            raise Http404("Not found")
        if not can_write:
            raise PermissionDenied(
                _("Only %(name)s's teachers and the school's leaders write the report.")
                % {"name": pupil.name}
            )
        try:
            services.report_save(
                pupil=pupil,
                period=period,
                comment=request.POST.get("comment", ""),
                home_help=request.POST.get("home_help", ""),
                by=request.user,
            )
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, _("Report saved for %(name)s.") % {"name": pupil.name})
            return redirect(_pupil_url(school, pupil, period, version="draft"))
    versions = report_selectors.report_versions(pupil, period)
    document, version = _shown(request, pupil, period, staff, versions)
    return render(
        request,
        "reports/pupil_report.html",
        {
            "school": school,
            "staff": staff,
            "errors": errors,
            "posted": request.POST if errors else None,
            "released": report_selectors.released_reports(pupil),
            "versions": versions if staff else [],
            "report": report_selectors.draft_report(pupil, period) if staff else None,
            "can_write": can_write,
            "can_release": staff and permissions.reports.may_release(request.user, school),
            **report_context(document, version),
        },
        status=400 if errors else 200,
    )


def _pupil_url(school: School, pupil: Pupil, period: str, version: str = "") -> str:
    base = reverse("pupil_report", kwargs={"urn": school.urn, "pupil_id": pupil.pk})
    query = {"period": period, **({"version": version} if version else {})}
    return f"{base}?{urlencode(query)}"


@access.signed_in
@require_POST
def pupil_report_release(request: HttpRequest, urn: int, pupil_id: int) -> HttpResponse:
    """Release the pupil's report as it now reads: its first version, or the next one."""
    school = access.access_school(request.user, urn)
    permissions.reports.require_release(request.user, school)
    pupil = access.access_pupil(request.user, school, pupil_id)
    period = request.POST.get("period", "").strip()
    try:
        version = services.report_release(pupil=pupil, period=period, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_pupil_url(school, pupil, period, version="draft"))
    messages.success(
        request,
        _("Version %(n)s of %(name)s's report is released to parents.")
        % {"n": version.number, "name": pupil.name},
    )
    return redirect(_pupil_url(school, pupil, period))


@access.signed_in
@require_GET
def pupil_report_pdf(request: HttpRequest, urn: int, pupil_id: int) -> HttpResponse:
    school = access.access_school(request.user, urn)
    pupil, staff = permissions.reports.reader(request.user, school, pupil_id)
    period = _period_for(request, pupil, staff)
    versions = report_selectors.report_versions(pupil, period)
    document, version = _shown(request, pupil, period, staff, versions)
    pdf = render_documents_pdf([(document, version)], period=period)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report_filename(document, version)}"'
    return response


def report_filename(document: ReportDocument, version: ReportVersion | None) -> str:
    """The PDF's file name: the pupil's name, the period and the version, which a parent
    saving reports from several terms (or for several children) can tell apart."""
    which = f"v{version.number}" if version else "draft"
    name = slugify(f"{document.pupil_name} report {document.period}") or "report"
    return f"{name}-{which}.pdf"


def _class_for_reports(
    request: HttpRequest, urn: int, class_id: int, action: Action = Action.VIEW
) -> tuple[School, Class]:
    school = access.access_school(request.user, urn)
    return school, permissions.reports.get_class(request.user, school, class_id, action)


@access.signed_in
@require_GET
def class_reports(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    school, teaching_class = _class_for_reports(request, urn, class_id)
    period = (request.GET.get("period") or "").strip() or default_period()
    return _class_reports_page(request, school, teaching_class, period)


def _class_reports_page(
    request: HttpRequest,
    school: School,
    teaching_class: Class,
    period: str,
    *,
    errors: dict[int, list[str]] | None = None,
    posted: dict[int, str] | None = None,
) -> HttpResponse:
    """The class's reports: each pupil's comment (written here by the class's teachers) and
    whether parents have it; the class's PDFs and, for leaders, release."""
    pupils = class_pupils(teaching_class)
    status = report_selectors.status_by_pupil([p.pk for p in pupils], period)
    can_write = permissions.reports.can_for_class(request.user, Action.CHANGE, teaching_class)
    errors, posted = errors or {}, posted or {}
    return render(
        request,
        "reports/class_reports.html",
        {
            "school": school,
            "teaching_class": teaching_class,
            "period": period,
            "rows": [(p, status.get(p.pk)) for p in pupils],
            "comment_rows": [
                _comment_row(p, status.get(p.pk), errors.get(p.pk), posted.get(p.pk))
                for p in pupils
            ]
            if can_write
            else [],
            "can_write": can_write,
            "can_release": permissions.reports.may_release(request.user, school),
            "batches": report_selectors.class_batches(school, teaching_class),
        },
        status=400 if errors else 200,
    )


def _comment_row(
    pupil: Pupil, report: Report | None, errors: list[str] | None, posted: str | None
) -> dict[str, object]:
    return {
        "pupil": pupil,
        "report": report,
        "comment": posted if posted is not None else (report.comment if report else ""),
        "errors": errors or [],
        "edited_since_release": bool(
            report and report.released_at and report.updated_at > report.released_at
        ),
    }


@access.signed_in
@require_POST
def class_report_comment(
    request: HttpRequest, urn: int, class_id: int, pupil_id: int
) -> HttpResponse:
    """Save one pupil's comment from the class's reports page, as the teacher wrote it. htmx
    gets the pupil's form back; a plain form returns to the page at the pupil."""
    school, teaching_class = _class_for_reports(request, urn, class_id, Action.CHANGE)
    pupil = access.access_class_pupil(request.user, teaching_class, pupil_id)
    period = request.POST.get("period", "").strip()
    comment = request.POST.get("comment", "")
    htmx = request.headers.get("HX-Request") == "true"
    try:
        services.report_comment_save(pupil=pupil, period=period, comment=comment, by=request.user)
    except ValidationError as error:
        problems = [m for messages_ in error.message_dict.values() for m in messages_]
        if not htmx:
            return _class_reports_page(
                request,
                school,
                teaching_class,
                period or default_period(),
                errors={pupil.pk: problems},
                posted={pupil.pk: comment},
            )
        draft = report_selectors.status_by_pupil([pupil.pk], period).get(pupil.pk)
        row, saved = _comment_row(pupil, draft, problems, comment), False
    else:
        saved_report = report_selectors.status_by_pupil([pupil.pk], period)[pupil.pk]
        row, saved = _comment_row(pupil, saved_report, None, None), True
    if not htmx:
        messages.success(request, _("Comment saved for %(name)s.") % {"name": pupil.name})
        base = reverse("class_reports", kwargs={"urn": school.urn, "class_id": teaching_class.pk})
        return redirect(f"{base}?{urlencode({'period': period})}#comment-{pupil.pk}")
    return render(
        request,
        "reports/_comment_form.html",
        {
            "school": school,
            "teaching_class": teaching_class,
            "period": period,
            "row": row,
            "saved": saved,
        },
    )


@access.signed_in
@require_POST
def class_reports_release(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    school, teaching_class = _class_for_reports(request, urn, class_id, Action.DECIDE)
    period = request.POST.get("period", "").strip()
    if not period:
        messages.error(request, _("Name the period to release."))
    else:
        n = services.reports_release(
            pupils=class_pupils(teaching_class), period=period, by=request.user
        )
        messages.success(request, _("%(n)s reports released to parents.") % {"n": n})
    return redirect(f"{request.path.rsplit('release/', 1)[0]}?period={period}")


@access.signed_in
@require_POST
def class_reports_batch(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    school, teaching_class = _class_for_reports(request, urn, class_id)
    period = request.POST.get("period", "")
    try:
        services.report_batch_start(teaching_class=teaching_class, period=period, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The PDFs are being made; progress shows below."))
    return redirect(f"{request.path.rsplit('batch/', 1)[0]}?period={period.strip()}")


def _batch(
    request: HttpRequest, urn: int, class_id: int, batch_id: int
) -> tuple[School, ReportBatch]:
    school, teaching_class = _class_for_reports(request, urn, class_id)
    return school, permissions.batches.get_for_class(request.user, school, teaching_class, batch_id)


@access.signed_in
@require_GET
def batch_progress(request: HttpRequest, urn: int, class_id: int, batch_id: int) -> HttpResponse:
    school, batch = _batch(request, urn, class_id, batch_id)
    return render(request, "reports/_batch.html", {"school": school, "batch": batch})


@access.signed_in
@require_GET
def batch_pdf(request: HttpRequest, urn: int, class_id: int, batch_id: int) -> FileResponse:
    _school, batch = _batch(request, urn, class_id, batch_id)
    if batch.status != ReportBatch.Status.DONE or not batch.pdf:
        raise Http404("Not ready")
    return FileResponse(
        batch.pdf.open("rb"), content_type="application/pdf", filename=f"reports-{batch.pk}.pdf"
    )


@access.signed_in
@require_GET
def information(request: HttpRequest, urn: int) -> HttpResponse:
    school = access.access_school(request.user, urn)
    permissions.require_school_member(request.user, school)
    years = report_selectors.year_groups_of(access.children_of(request.user, school))
    return render(request, "reports/information.html", {"school": school, "child_years": years})


# ---------------------------------------------------------------------------- a year group


def _year_for_reports(
    request: HttpRequest, urn: int, year_group: int
) -> tuple[School, list[Pupil]]:
    """A year group's reports are for those who see the whole school (a year spans classes)."""
    school = access.access_school(request.user, urn)
    permissions.reports.require_year_group(request.user, school)
    pupils = report_selectors.year_group_pupils(school=school, year_group=year_group)
    if not pupils:
        raise Http404("No pupils in this year group")
    return school, pupils


def _year_url(school: School, year_group: int, period: str) -> str:
    base = reverse("year_reports", kwargs={"urn": school.urn, "year_group": year_group})
    return f"{base}?{urlencode({'period': period})}"


@access.signed_in
@require_GET
def year_reports(request: HttpRequest, urn: int, year_group: int) -> HttpResponse:
    school, pupils = _year_for_reports(request, urn, year_group)
    period = (request.GET.get("period") or "").strip() or default_period()
    status = report_selectors.status_by_pupil([p.pk for p in pupils], period)
    return render(
        request,
        "reports/year_reports.html",
        {
            "school": school,
            "year_group": year_group,
            "year_name": report_selectors.year_label(year_group),
            "period": period,
            "rows": [(p, status.get(p.pk)) for p in pupils],
            "written": sum(1 for r in status.values() if r.comment),
            "released": sum(1 for r in status.values() if r.released_at),
            "batches": report_selectors.year_batches(school, year_group),
        },
    )


@access.signed_in
@require_POST
def year_reports_release(request: HttpRequest, urn: int, year_group: int) -> HttpResponse:
    school, pupils = _year_for_reports(request, urn, year_group)
    period = request.POST.get("period", "").strip()
    if not period:
        messages.error(request, _("Name the period to release."))
    else:
        n = services.reports_release(pupils=pupils, period=period, by=request.user)
        messages.success(request, _("%(n)s reports released to parents.") % {"n": n})
    return redirect(_year_url(school, year_group, period))


@access.signed_in
@require_POST
def year_reports_batch(request: HttpRequest, urn: int, year_group: int) -> HttpResponse:
    school, _pupils = _year_for_reports(request, urn, year_group)
    period = request.POST.get("period", "")
    try:
        services.report_batch_start_year(
            school=school, year_group=year_group, period=period, by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The PDFs are being made; progress shows below."))
    return redirect(_year_url(school, year_group, period.strip()))


def _year_batch(
    request: HttpRequest, urn: int, year_group: int, batch_id: int
) -> tuple[School, ReportBatch]:
    school = access.access_school(request.user, urn)
    return school, permissions.batches.get_for_year(request.user, school, year_group, batch_id)


@access.signed_in
@require_GET
def year_batch_progress(
    request: HttpRequest, urn: int, year_group: int, batch_id: int
) -> HttpResponse:
    school, batch = _year_batch(request, urn, year_group, batch_id)
    return render(request, "reports/_batch.html", {"school": school, "batch": batch})


@access.signed_in
@require_GET
def year_batch_pdf(request: HttpRequest, urn: int, year_group: int, batch_id: int) -> FileResponse:
    _school, batch = _year_batch(request, urn, year_group, batch_id)
    if batch.status != ReportBatch.Status.DONE or not batch.pdf:
        raise Http404("Not ready")
    return FileResponse(
        batch.pdf.open("rb"), content_type="application/pdf", filename=f"reports-{batch.pk}.pdf"
    )
