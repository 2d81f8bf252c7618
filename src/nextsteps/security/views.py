"""Pages: signing in and out with the optional second factor (TOTP) for staff, the school's
security and data-protection settings, the subject access export, and the public privacy
notice."""

from __future__ import annotations

import base64
import io
import tempfile
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from nextsteps import access
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.next_page import next_page
from nextsteps.security import permissions, sign_in
from nextsteps.security.forms import SchoolSecurityForm
from nextsteps.security.models import security_for
from nextsteps.security.pupil_data import pupil_data
from nextsteps.security.sar import archive_name, subject_access_export
from nextsteps.security.selectors import (
    confirmed_device,
    has_confirmed_device,
    privacy_rows,
    retention_plan,
    sign_in_wait,
    staff_without_second_factor,
)
from nextsteps.security.services import (
    school_security_update,
    sign_in_failure_record,
    sign_in_success_record,
    two_factor_device_ensure,
    two_factor_enable,
)

# ---------------------------------------------------------------------------- signing in


class SignInView(auth_views.LoginView):
    """Django's sign-in, slowed for password guessing by `security.sign_in_throttle`.

    An attempt that must wait is answered 429 before its password is checked; a wrong
    password is counted against the name and this address (or this device, if the name has
    signed in on it before); a good one clears that count and remembers the device.
    """

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.attempt = sign_in.attempt_for(request, request.POST.get("username", ""))
        if settings.SIGN_IN_THROTTLE and self.attempt.username:
            wait = sign_in_wait(self.attempt, sign_in.throttle_rules())
            if wait:
                return sign_in.paused(request, wait)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        if settings.SIGN_IN_THROTTLE and self.attempt.username and form.data.get("password"):
            sign_in_failure_record(attempt=self.attempt, rules=sign_in.throttle_rules())
        return super().form_invalid(form)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        sign_in_success_record(attempt=self.attempt)
        sign_in.remember_device(self.request, response, form.get_user().get_username())
        return response


login = access.public(SignInView.as_view())
logout = access.public(auth_views.LogoutView.as_view())


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )


@access.public
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Second step of signing in for a person who has set up an authenticator app (open to
    anyone: a person who has not taken the first step is sent to it)."""
    if not request.user.is_authenticated:
        return redirect("login")
    device = confirmed_device(request.user)
    if device is None:
        return redirect("home")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_next_page(request))
        form.add_error("token", _("That code did not match. Codes change every 30 seconds."))
    return render(request, "accounts/two_factor_verify.html", {"form": form})


@access.signed_in
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Staff add an authenticator app: scan the code, then confirm with one token."""
    user = request.user
    if not permissions.may_set_up_second_factor(user):
        return render(request, "accounts/two_factor_staff_only.html", status=403)
    if has_confirmed_device(user):
        return render(request, "accounts/two_factor_done.html")
    device = two_factor_device_ensure(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            two_factor_enable(device=device, by=user)
            otp_login(request, device)
            messages.success(request, _("Your authenticator app is set up."))
            return redirect(_next_page(request))
        form.add_error("token", _("That code did not match. Check the time on your phone."))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr_svg": _qr_data_uri(device.config_url), "secret": _secret(device)},
    )


def _next_page(request: HttpRequest) -> str:
    """Where the second step was asked for (the admin, a school page), if it is on this site."""
    return next_page(request, field=REDIRECT_FIELD_NAME) or resolve_url("home")


def _qr_data_uri(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _secret(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# ---------------------------------------------------------------------------- school pages


@access.signed_in
@require_http_methods(["GET", "POST"])
def security_settings(request: HttpRequest, urn: int) -> HttpResponse:
    """Second factor for staff, how long leavers' data is kept, and who is due for erasure."""
    school = permissions.settings_school(request.user, urn)
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
            "staff_without_second_factor": staff_without_second_factor(school),
        },
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def subject_access(request: HttpRequest, urn: int, pupil_id: int) -> HttpResponse:
    """GET: what the export holds. POST: download it (one zip) and record that it was made."""
    school, pupil = permissions.export_pupil(request.user, urn, pupil_id)
    if request.method == "POST":
        spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115
        summary = subject_access_export(pupil=pupil, out=spool, by=request.user)
        audit_write(
            actor=request.user,
            action=AuditAction.PUPIL_EXPORT,
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


# ---------------------------------------------------------------------------- public pages


@access.public
@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    """What nextsteps holds about pupils, parents and staff, why, for how long, and rights."""
    return render(request, "security/privacy.html", {"schools": privacy_rows()})


@access.public
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token (an old tab, or another site): say what to do.

    Public because Django answers before the view runs; the page holds nothing but advice.
    """
    return render(request, "security/csrf_failure.html", status=403)
