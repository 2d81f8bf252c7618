"""Django admin for data managers, scoped to the schools they administer."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from nextsteps import access
from nextsteps.accounts.models import Role


class SchoolAdminSite(admin.AdminSite):
    site_header = "nextsteps data management"
    site_title = "nextsteps"
    index_title = "Data"

    def has_permission(self, request: HttpRequest) -> bool:
        access.mark_asked()
        user = request.user
        return bool(user.is_active and user.is_staff)


site = SchoolAdminSite(name="admin")


def admin_school_ids(user: Any) -> set[int]:
    return {m.school_id for m in access.memberships(user) if m.role == Role.ADMIN}


class SchoolScopedAdmin(admin.ModelAdmin):
    """A data manager sees and edits only their own schools' rows."""

    school_field = "school"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.school_field}__in": admin_school_ids(request.user)})

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if (
            not request.user.is_superuser
            and db_field.name == "school"
            and field is not None
            and field.queryset is not None
        ):
            field.queryset = field.queryset.filter(pk__in=admin_school_ids(request.user))
        return field
