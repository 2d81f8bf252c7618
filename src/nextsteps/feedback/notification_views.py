"""Notifications, which everyone reads: the list, marking them read, opening one, and
choosing a daily e-mail of what is new."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from nextsteps import access
from nextsteps.feedback import permissions, selectors, services


@access.signed_in
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest, urn: int) -> HttpResponse:
    school = access.access_school(request.user, urn)
    if request.method == "POST":
        count = services.notifications_mark_read(user=request.user, school_id=school.pk)
        messages.success(
            request,
            ngettext(
                "%(n)d notification marked as read.", "%(n)d notifications marked as read.", count
            )
            % {"n": count},
        )
        return redirect("feedback:notifications", urn=school.urn)
    return render(
        request,
        "feedback/notifications.html",
        {
            "school": school,
            "items": selectors.notifications_for(request.user, school.pk),
            "may_choose_digest": permissions.may_choose_digest(request.user, school),
            "digest_chosen": selectors.email_digest_chosen(request.user),
        },
    )


@access.signed_in
@require_POST
def email_digest(request: HttpRequest, urn: int) -> HttpResponse:
    """A parent or member of staff chooses (or stops) a daily e-mail of what is new."""
    school = access.access_school(request.user, urn)
    if not permissions.may_choose_digest(request.user, school):
        access.refuse(request.user, school)
    daily = request.POST.get("daily") == "1"
    email = getattr(request.user, "email", "")
    if daily and not email:
        messages.error(
            request,
            _(
                "Your account has no e-mail address, so no summary can be sent. "
                "Please ask the school office to add one."
            ),
        )
        return redirect("feedback:notifications", urn=school.urn)
    services.email_digest_choose(user=request.user, daily=daily)
    messages.success(
        request,
        _("You will get one e-mail a day when there is something new, sent to %(email)s.")
        % {"email": email}
        if daily
        else _("No more e-mails. Everything is still here in nextsteps."),
    )
    return redirect("feedback:notifications", urn=school.urn)


@access.signed_in
@require_POST
def notification_open(request: HttpRequest, urn: int, notification_id: int) -> HttpResponse:
    """Mark one notification read and go to what it is about."""
    school = access.access_school(request.user, urn)
    note = permissions.own_notification(request.user, school, notification_id)
    services.notifications_mark_read(user=request.user, school_id=school.pk, ids=[note.pk])
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts=None):
        return redirect(note.url)
    return redirect("feedback:notifications", urn=school.urn)
