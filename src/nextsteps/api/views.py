"""The API-token pages: a member of staff makes, sees and revokes their own personal tokens."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from nextsteps import access
from nextsteps.accounts.models import User
from nextsteps.api import permissions
from nextsteps.api.selectors import tokens_of
from nextsteps.api.services import token_create, token_revoke


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind `access.signed_in`)."""
    return cast(User, request.user)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What the token is for"),
        max_length=100,
        help_text=gettext_lazy("For example: the trust's analytics dashboard."),
    )
    read_only = forms.BooleanField(
        label=gettext_lazy("Read only"),
        required=False,
        initial=True,
        help_text=gettext_lazy(
            "A reporting tool only reads: a read-only token is refused on anything that "
            "records or changes data."
        ),
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Expires on (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "The token works to the end of this day and is refused after it. "
            "Leave empty for a token that works until you revoke it."
        ),
    )

    def clean_expires_on(self) -> dt.date | None:
        expires_on: dt.date | None = self.cleaned_data.get("expires_on")
        if expires_on is not None and expires_on < timezone.localdate():
            raise forms.ValidationError(
                _("%(date)s has passed: choose today or a later day.")
                % {"date": date_format(expires_on, "j F Y")}
            )
        return expires_on


@access.signed_in
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest, urn: int) -> HttpResponse:
    school = permissions.staff_school(request.user, urn)
    form = TokenForm(request.POST or None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        _, secret = token_create(
            user=_user(request),
            name=form.cleaned_data["name"],
            by=request.user,
            read_only=form.cleaned_data["read_only"],
            expires_on=form.cleaned_data["expires_on"],
        )
        form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "school": school,
            "form": form,
            "secret": secret,
            "tokens": tokens_of(_user(request)),
        },
    )


@access.signed_in
@require_POST
def token_revoke_view(request: HttpRequest, urn: int, token_id: int) -> HttpResponse:
    school = permissions.staff_school(request.user, urn)
    token = permissions.own_token(_user(request), token_id)
    token_revoke(token=token, by=request.user)
    messages.success(request, _("Revoked %(name)s.") % {"name": token.name})
    return redirect("api_tokens", urn=school.urn)
