from django.contrib import admin

from nextsteps.admin_site import SchoolScopedAdmin, site
from nextsteps.curriculum.models import (
    Exemplar,
    Framework,
    Objective,
    Scale,
    ScaleLevel,
    Strand,
    SuccessCriterion,
)


@admin.register(Framework, site=site)
class FrameworkAdmin(SchoolScopedAdmin):
    list_display = ["name", "version", "subject", "calculation_method"]


@admin.register(Objective, site=site)
class ObjectiveAdmin(SchoolScopedAdmin):
    list_display = ["code", "wording", "year_group", "core", "dimension"]
    list_filter = ["core", "dimension", "year_group"]
    search_fields = ["code", "wording"]


@admin.register(Scale, ScaleLevel, Strand, SuccessCriterion, Exemplar, site=site)
class CurriculumAdmin(SchoolScopedAdmin):
    pass
