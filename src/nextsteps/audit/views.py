"""The audit log, for a school's data managers and senior leaders."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nextsteps import access
from nextsteps.audit import permissions
from nextsteps.audit.selectors import audit_events


@access.signed_in
def audit_log(request: HttpRequest, urn: int) -> HttpResponse:
    school = permissions.log_school(request.user, urn)
    action = request.GET.get("action", "").strip()
    page = Paginator(audit_events(school, action), 50).get_page(request.GET.get("page"))
    return render(
        request, "audit/audit_log.html", {"school": school, "page": page, "action": action}
    )
