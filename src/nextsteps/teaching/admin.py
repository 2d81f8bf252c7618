from django.contrib import admin

from nextsteps.admin_site import SchoolScopedAdmin, site
from nextsteps.teaching.models import Class, ClassStaff, Enrolment, GroupMembership, PupilGroup


@admin.register(Class, site=site)
class ClassAdmin(SchoolScopedAdmin):
    list_display = ["name", "year_group", "kind", "academic_year"]
    list_filter = ["kind", "year_group"]


@admin.register(ClassStaff, Enrolment, PupilGroup, GroupMembership, site=site)
class TeachingAdmin(SchoolScopedAdmin):
    pass
