from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from nextsteps.accounts.models import Membership, TrustMembership, User
from nextsteps.admin_site import ModelAdmin, SchoolScopedAdmin, site

if TYPE_CHECKING:
    MembershipInlineBase = admin.TabularInline[Membership, User]
    UserAdminBase = BaseUserAdmin[User]
else:
    MembershipInlineBase = admin.TabularInline
    UserAdminBase = BaseUserAdmin


class MembershipInline(MembershipInlineBase):
    model = Membership
    extra = 0


@admin.register(User, site=site)
class UserAdmin(UserAdminBase):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "is_active", "last_login"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        from nextsteps.admin_site import admin_school_ids

        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(memberships__school__in=admin_school_ids(request.user)).distinct()


@admin.register(Membership, site=site)
class MembershipAdmin(SchoolScopedAdmin):
    list_display = ["user", "school", "role", "department"]
    list_filter = ["role", "school"]


@admin.register(TrustMembership, site=site)
class TrustMembershipAdmin(ModelAdmin):
    list_display = ["user", "trust"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser
