from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from nextsteps.accounts.models import Membership, TrustMembership, User
from nextsteps.admin_site import SchoolScopedAdmin, site


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User, site=site)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "is_active", "last_login"]

    def get_queryset(self, request):
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
class TrustMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "trust"]

    def has_module_permission(self, request):
        return request.user.is_superuser
