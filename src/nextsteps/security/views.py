"""Pages: the school's security and data-protection settings, the subject access export, and
the public privacy notice."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from nextsteps import access
from nextsteps.accounts.models import Role
from nextsteps.audit.services import audit_write
from nextsteps.schools.models import School
from nextsteps.security.forms import SchoolSecurityForm
from nextsteps.security.models import SchoolSecurity, security_for
from nextsteps.security.pupil_data import pupil_data
from nextsteps.security.sar import archive_name, subject_access_export
from nextsteps.security.selectors import retention_plan
from nextsteps.security.services import school_security_update


@access.signed_in
@require_http_methods(["GET", "POST"])
def security_settings(request: HttpRequest, urn: int) -> HttpResponse:
    """Second factor for staff, how long leavers' data is kept, and who is due for erasure."""
    school = access.access_school(request.user, urn, roles=[Role.ADMIN, Role.LEADER])
    current = security_for(school)
    form = SchoolSecurityForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        school_security_update(
            school=school,
            by=request.user,
            staff_second_factor_required=form.cleaned_data["staff_second_factor_required"],
            leaver_retention_months=form.cleaned_data["leaver_retention_months"],
            privacy_contact=form.cleaned_data["privacy_contact"],
        )
        messages.success(request, _("The security settings are saved."))
        return redirect("security_settings", urn=school.urn)
    return render(
        request,
        "security/settings.html",
        {
            "school": school,
            "form": form,
            "plan": retention_plan(school, timezone.localdate()),
            "staff_without_second_factor": _staff_without_device(school),
        },
    )


def _staff_without_device(school: School) -> int:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from nextsteps.accounts.models import STAFF_ROLES, Membership

    staff = Membership.objects.filter(school=school, role__in=STAFF_ROLES).values("user_id")
    with_device = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    return staff.exclude(user_id__in=with_device).values("user_id").distinct().count()


@access.signed_in
@require_http_methods(["GET", "POST"])
def subject_access(request: HttpRequest, urn: int, pupil_id: int) -> HttpResponse:
    """GET: what the export holds. POST: download it (one zip) and record that it was made."""
    school = access.access_school(request.user, urn, roles=[Role.ADMIN])
    pupil = access.access_pupil(request.user, school, pupil_id)
    if request.method == "POST":
        spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115
        summary = subject_access_export(pupil=pupil, out=spool, by=request.user)
        audit_write(
            actor=request.user,
            action="pupil.export",
            target=pupil,
            after={"rows": summary.rows, "files": summary.files, "kind": "subject access"},
        )
        spool.seek(0)
        return FileResponse(  # type: ignore[return-value]
            spool, as_attachment=True, filename=archive_name(pupil), content_type="application/zip"
        )
    data = pupil_data(pupil)
    kinds = sorted(
        (
            (str(model._meta.verbose_name_plural).capitalize(), len(ids))
            for model, ids in data.rows.items()
        ),
    )
    return render(
        request,
        "security/subject_access.html",
        {"school": school, "pupil": pupil, "kinds": kinds, "total": data.count()},
    )


@access.public
@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    """What nextsteps holds about pupils, parents and staff, why, for how long, and rights."""
    schools = list(School.objects.select_related("trust").order_by("name"))
    settings_by_school = {s.school_id: s for s in SchoolSecurity.objects.all()}
    rows = [
        (school, settings_by_school.get(school.pk) or SchoolSecurity(school=school))
        for school in schools
    ]
    return render(request, "security/privacy.html", {"schools": rows})


@access.public
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token (an old tab, or another site): say what to do.

    Public because Django answers before the view runs; the page holds nothing but advice.
    """
    return render(request, "security/csrf_failure.html", status=403)
