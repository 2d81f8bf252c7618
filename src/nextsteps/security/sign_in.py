"""Slowing password guessing at the sign-in page: who is trying, and the device cookie.

The rules are in `sign_in_throttle` (a pure kernel); this module turns a request into an
`Attempt` and remembers, in a signed cookie, which accounts have signed in on this browser, so
that the real person's own device is never held back by someone else's wrong passwords.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from nextsteps.security.kernels.sign_in_throttle import Attempt, Rules

DEVICE_COOKIE = "nextsteps_device"
DEVICE_SALT = "nextsteps.security.sign_in.device"
DEVICE_COOKIE_AGE = 60 * 60 * 24 * 400  # about a school year and a term
DEVICE_NAMES = 40  # a class set of shared tablets remembers a class of pupils


def throttle_rules() -> Rules:
    return Rules(
        pair_limit=settings.SIGN_IN_FAILURE_LIMIT,
        address_names=settings.SIGN_IN_ADDRESS_NAMES_LIMIT,
    )


def username_key(raw: str) -> str:
    """The user name as the throttle counts it: `Teacher` and ` teacher` are one name."""
    return raw.strip().lower()[:150]


def _device(request: HttpRequest) -> tuple[str, list[str]]:
    """This browser's device id and the user names that have signed in on it ("" and [])."""
    signed = request.get_signed_cookie(
        DEVICE_COOKIE, default=None, salt=DEVICE_SALT, max_age=DEVICE_COOKIE_AGE
    )
    if signed is None:
        return "", []
    try:
        data = json.loads(signed)
        return str(data["id"]), [str(name) for name in data["names"]]
    except (ValueError, KeyError, TypeError):
        return "", []


def attempt_for(request: HttpRequest, username: str) -> Attempt:
    """The attempt to sign in as `username` from this request, at this moment."""
    device, names = _device(request)
    key = username_key(username)
    return Attempt(
        username=key,
        address=request.META.get("REMOTE_ADDR", "")[:45],
        device=device if key in names else "",
        at=timezone.now(),
    )


def remember_device(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """After a good password: this browser is now one the person has signed in on."""
    device, names = _device(request)
    key = username_key(username)
    names = [key, *(name for name in names if name != key)][:DEVICE_NAMES]
    response.set_signed_cookie(
        DEVICE_COOKIE,
        json.dumps({"id": device or secrets.token_hex(16), "names": names}),
        salt=DEVICE_SALT,
        max_age=DEVICE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def paused(request: HttpRequest, wait: dt.timedelta) -> HttpResponse:
    """429 with how long to wait; the password was not checked."""
    seconds = max(1, int(wait.total_seconds() + 0.999))
    response = render(
        request,
        "accounts/locked_out.html",
        {"minutes": max(1, (seconds + 59) // 60)},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
