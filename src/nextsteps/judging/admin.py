"""Sessions in the scoped Django admin, for data fixes; the work itself stays in the app."""

from django.contrib import admin

from nextsteps.admin_site import SchoolScopedAdmin, site
from nextsteps.judging.models import CJSession, ModerationSession


@admin.register(ModerationSession, site=site)
class ModerationSessionAdmin(SchoolScopedAdmin):
    list_display = ["title", "objective", "sampling", "sample_size", "status", "created_at"]
    list_filter = ["status", "sampling"]
    search_fields = ["title"]
    raw_id_fields = ["objective", "standard", "department", "created_by"]


@admin.register(CJSession, site=site)
class CJSessionAdmin(SchoolScopedAdmin):
    list_display = ["title", "script_count", "comparison_count", "reliability", "status"]
    list_filter = ["status", "adaptive", "estimator"]
    search_fields = ["title"]
    raw_id_fields = ["objective", "department", "created_by"]
    readonly_fields = [
        "script_count",
        "comparison_count",
        "fitted_at",
        "fitted_comparisons",
        "reliability",
        "fit_problem",
        "results_applied_at",
    ]
