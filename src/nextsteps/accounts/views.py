"""Signing in and out, and the optional second factor (TOTP) for staff."""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from nextsteps import access
from nextsteps.accounts.models import STAFF_ROLES
from nextsteps.audit.services import audit_write
from nextsteps.next_page import next_page
from nextsteps.security import sign_in
from nextsteps.security.selectors import sign_in_wait
from nextsteps.security.services import sign_in_failure_record, sign_in_success_record


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


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Second step of signing in for a person who has set up an authenticator app."""
    access.mark_asked()
    if not request.user.is_authenticated:
        return redirect("login")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
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
    if not any(m.role in STAFF_ROLES for m in access.memberships(user)):
        return render(request, "accounts/two_factor_staff_only.html", status=403)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return render(request, "accounts/two_factor_done.html")
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_write(actor=user, action="account.two_factor_enable", target=request.user)  # type: ignore[arg-type]
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
