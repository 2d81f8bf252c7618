from django.contrib import admin

from nextsteps.admin_site import SchoolScopedAdmin, site
from nextsteps.policy.models import (
    CollectionPoint,
    Decision,
    DepartmentSettings,
    KeyQuestion,
    Lesson,
    LessonIntention,
    MarkingExpectation,
    PolicyDocument,
    PolicySettings,
    Response,
    ResponseComment,
    ResponseVersion,
    Review,
    Stage,
    SubjectGuidance,
    Unit,
)


@admin.register(KeyQuestion, site=site)
class KeyQuestionAdmin(SchoolScopedAdmin):
    list_display = ["text", "stage", "structure", "active"]
    list_filter = ["structure", "active"]


@admin.register(Response, site=site)
class ResponseAdmin(SchoolScopedAdmin):
    list_display = ["department", "question", "status", "updated_at"]
    list_filter = ["status"]


@admin.register(
    PolicySettings,
    Stage,
    SubjectGuidance,
    DepartmentSettings,
    ResponseVersion,
    ResponseComment,
    Decision,
    PolicyDocument,
    CollectionPoint,
    MarkingExpectation,
    Review,
    Unit,
    Lesson,
    LessonIntention,
    site=site,
)
class PolicyAdmin(SchoolScopedAdmin):
    pass
