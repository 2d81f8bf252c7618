"""URLs. School pages live under /school/<URN>/; every view asks the access module."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path, register_converter

from nextsteps.admin_site import site as admin_site
from nextsteps.api import urls as api_urls
from nextsteps.api.api import unknown_route as unknown_api_route
from nextsteps.audit import views as audit
from nextsteps.curriculum import views as curriculum
from nextsteps.feedback import urls as feedback_urls
from nextsteps.people import views as people
from nextsteps.policy import point_views as policy_points
from nextsteps.security import urls as security_urls
from nextsteps.security import views as security
from nextsteps.teaching import views as teaching
from nextsteps.web import help_views
from nextsteps.web import views as web


class ExportFormat:
    regex = "yaml|csv"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormat, "fmt")

# The parent's page of a child is a home page (web), under the feedback pages' paths and names.
feedback_patterns: list[URLPattern | URLResolver] = [
    *feedback_urls.urlpatterns,
    path("children/<int:pupil_id>/", web.guardian_child, name="child"),
]

school_patterns: list[URLPattern | URLResolver] = [
    path("classes/<int:class_id>/", teaching.class_detail, name="class_detail"),
    path("classes/<int:class_id>/cards/", teaching.class_cards, name="class_cards"),
    path("pupils/<int:pupil_id>/", people.pupil_detail, name="pupil_detail"),
    path("frameworks/", curriculum.framework_list, name="framework_list"),
    path("frameworks/import/", curriculum.framework_upload, name="framework_upload"),
    path("frameworks/<int:framework_id>/", curriculum.framework_detail, name="framework_detail"),
    path(
        "frameworks/<int:framework_id>/export.<fmt:fmt>",
        curriculum.framework_export,
        name="framework_export",
    ),
    path("audit/", audit.audit_log, name="audit_log"),
    path("markbook/points/", policy_points.assessment_points, name="assessment_points"),
    path("markbook/", include("nextsteps.markbook.urls")),
    path("reports/", include("nextsteps.reports.urls")),
    path("feedback/", include((feedback_patterns, "feedback"))),
    path("assessments/", include("nextsteps.assessments.urls")),
    path("progress/", include("nextsteps.progress.urls")),
    path("judging/", include("nextsteps.judging.urls")),
    path("writing/", include("nextsteps.writing.urls")),
    path("policy/", include("nextsteps.policy.urls")),
    path("statutory/", include("nextsteps.statutory.urls")),
    path("mtc/", include("nextsteps.mtc.urls")),
    path("data/tokens/", include(api_urls.token_urlpatterns)),
    path("data/", include("nextsteps.interop.urls")),
    path("security/", include("nextsteps.security.urls")),
    path("getting-started/", help_views.getting_started, name="getting_started"),
    path("style/", help_views.style_guide, name="style_guide"),
    path("<str:role>/", web.role_home, name="role_home"),
]

urlpatterns = [
    path("", web.home, name="home"),
    path("healthz", web.healthz, name="healthz"),
    path("privacy/", security.privacy_notice, name="privacy_notice"),
    path("accounts/", include(security_urls.account_urlpatterns)),
    path("school/<int:urn>/", include(school_patterns)),
    path("trust/<slug:trust>/", include("nextsteps.reports.trust_urls")),
    path("api/v1/", include("nextsteps.api.urls")),
    path("api/<path:unknown>", unknown_api_route, name="api_unknown"),
    path("admin/", admin_site.urls),
]
