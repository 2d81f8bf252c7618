from django.contrib import admin

from nextsteps.admin_site import SchoolScopedAdmin, site
from nextsteps.people.models import Guardian, GuardianLink, Pupil, Staff


@admin.register(Pupil, site=site)
class PupilAdmin(SchoolScopedAdmin):
    list_display = ["legal_surname", "legal_forename", "upn", "year_group", "sen_status"]
    list_filter = ["year_group", "disadvantaged", "sen_status", "eal"]
    search_fields = ["legal_surname", "legal_forename", "preferred_forename", "upn"]


@admin.register(Staff, Guardian, GuardianLink, site=site)
class PeopleAdmin(SchoolScopedAdmin):
    pass
