from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from nextsteps.admin_site import SchoolScopedAdmin, site
from nextsteps.audit.models import AuditEvent


@admin.register(AuditEvent, site=site)
class AuditEventAdmin(SchoolScopedAdmin):
    list_display = ["at", "actor", "action", "target_label"]
    list_filter = ["action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
