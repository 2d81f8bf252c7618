from django.contrib import admin

from nextsteps.admin_site import ModelAdmin, SchoolScopedAdmin, site
from nextsteps.schools.models import AcademicYear, Department, School, Subject, Term, Trust


@admin.register(Trust, site=site)
class TrustAdmin(ModelAdmin):
    list_display = ["name", "slug"]


@admin.register(School, site=site)
class SchoolAdmin(SchoolScopedAdmin):
    school_field = "pk"
    list_display = ["name", "urn", "phase", "trust"]
    search_fields = ["name", "urn"]


@admin.register(AcademicYear, Term, Department, Subject, site=site)
class OrganisationAdmin(SchoolScopedAdmin):
    list_filter = ["school"]
