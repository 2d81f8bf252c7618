"""Django admin for data managers, scoped to the schools they administer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from nextsteps import access
from nextsteps.accounts.models import Actor, Role


class SchoolAdminSite(admin.AdminSite):
    site_header = "nextsteps data management"
    site_title = "nextsteps"
    index_title = "Data"

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff who have signed in as the school pages ask: with the second step when the
        person has an authenticator or a school of theirs requires one."""
        access.mark_asked()
        user = request.user
        return bool(
            user.is_active and user.is_staff and access.second_factor_outstanding(user) is None
        )

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """The admin has no sign-in of its own: it sends people to the product's sign-in and
        its second step, so that no password alone (and no unthrottled form) opens it."""
        access.mark_asked()
        index = reverse("admin:index", current_app=self.name)
        wanted = request.GET.get(REDIRECT_FIELD_NAME, "")
        next_url = (
            wanted
            if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()})
            else index
        )
        if not request.user.is_authenticated:
            return redirect_to_login(next_url)
        step = access.second_factor_step(request, next_url=next_url)
        if step is not None:
            return step
        if self.has_permission(request):
            return redirect(next_url)
        raise PermissionDenied


site = SchoolAdminSite(name="admin")


def admin_school_ids(user: Actor) -> set[int]:
    return {m.school_id for m in access.memberships(user) if m.role == Role.ADMIN}


if TYPE_CHECKING:
    ModelAdmin = admin.ModelAdmin[Any]
else:
    ModelAdmin = admin.ModelAdmin


class SchoolScopedAdmin(ModelAdmin):
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
