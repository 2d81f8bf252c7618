from django.contrib import admin

from nextsteps.admin_site import SchoolScopedAdmin, site
from nextsteps.assessments.models import (
    Assessment,
    AssessmentClass,
    Attempt,
    Challenge,
    JudgementThreshold,
    Mark,
    Question,
    QuestionObjective,
    ScoreBand,
    ScoreTable,
    ScoreTableEntry,
)


@admin.register(Assessment, site=site)
class AssessmentAdmin(SchoolScopedAdmin):
    list_display = ["name", "kind", "taken_on", "subject"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Challenge, site=site)
class ChallengeAdmin(SchoolScopedAdmin):
    list_display = ["name", "kind", "max_score", "time_limit_seconds"]


@admin.register(ScoreTable, site=site)
class ScoreTableAdmin(SchoolScopedAdmin):
    list_display = ["name", "year", "kind", "max_raw"]


@admin.register(
    AssessmentClass,
    Question,
    QuestionObjective,
    Mark,
    ScoreTableEntry,
    ScoreBand,
    JudgementThreshold,
    Attempt,
    site=site,
)
class AssessmentsAdmin(SchoolScopedAdmin):
    pass
