"""The audit log, for a school's data managers and senior leaders."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nextsteps import access
from nextsteps.accounts.models import Role
from nextsteps.audit.models import AuditEvent


@access.signed_in
def audit_log(request: HttpRequest, urn: int) -> HttpResponse:
    school = access.access_school(request.user, urn, roles=[Role.ADMIN, Role.LEADER])
    events = AuditEvent.objects.filter(school=school).select_related("actor")
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request, "audit/audit_log.html", {"school": school, "page": page, "action": action}
    )
