"""Signing in and out, and the optional second factor (TOTP) for staff."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from nextsteps import access
from nextsteps.accounts.models import STAFF_ROLES
from nextsteps.audit.services import audit_write

login = access.public(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html", redirect_authenticated_user=True
    )
)
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
            return redirect(request.GET.get("next") or "home")
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
            return redirect("home")
        form.add_error("token", _("That code did not match. Check the time on your phone."))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr_svg": _qr_data_uri(device.config_url), "secret": _secret(device)},
    )


def _qr_data_uri(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _secret(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
