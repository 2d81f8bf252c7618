"""Reports and dashboards (included under /school/<urn>/reports/)."""

from django.urls import path

from nextsteps.reports import department_views, report_views, settings_views, views

urlpatterns = [
    path("", views.leader_dashboard, name="leader_dashboard"),
    path("export.csv", views.leader_dashboard, {"fmt": "csv"}, name="leader_dashboard_csv"),
    path("export.xlsx", views.leader_dashboard, {"fmt": "xlsx"}, name="leader_dashboard_xlsx"),
    path("information/", report_views.information, name="report_information"),
    path("settings/", settings_views.report_settings, name="report_settings"),
    path("settings/logo/", settings_views.report_logo, name="report_logo"),
    path(
        "departments/<int:department_id>/",
        department_views.department_dashboard,
        name="department_dashboard",
    ),
    path("classes/<int:class_id>/", views.class_dashboard, name="class_dashboard"),
    path(
        "classes/<int:class_id>/export.csv",
        views.class_dashboard,
        {"fmt": "csv"},
        name="class_dashboard_csv",
    ),
    path(
        "classes/<int:class_id>/export.xlsx",
        views.class_dashboard,
        {"fmt": "xlsx"},
        name="class_dashboard_xlsx",
    ),
    path("classes/<int:class_id>/reports/", report_views.class_reports, name="class_reports"),
    path(
        "classes/<int:class_id>/reports/pupils/<int:pupil_id>/comment/",
        report_views.class_report_comment,
        name="class_report_comment",
    ),
    path(
        "classes/<int:class_id>/reports/release/",
        report_views.class_reports_release,
        name="class_reports_release",
    ),
    path(
        "classes/<int:class_id>/reports/batch/",
        report_views.class_reports_batch,
        name="class_reports_batch",
    ),
    path(
        "classes/<int:class_id>/reports/batch/<int:batch_id>/",
        report_views.batch_progress,
        name="report_batch_progress",
    ),
    path(
        "classes/<int:class_id>/reports/batch/<int:batch_id>/pdf/",
        report_views.batch_pdf,
        name="report_batch_pdf",
    ),
    path("years/<int:year_group>/", report_views.year_reports, name="year_reports"),
    path(
        "years/<int:year_group>/release/",
        report_views.year_reports_release,
        name="year_reports_release",
    ),
    path(
        "years/<int:year_group>/batch/", report_views.year_reports_batch, name="year_reports_batch"
    ),
    path(
        "years/<int:year_group>/batch/<int:batch_id>/",
        report_views.year_batch_progress,
        name="year_batch_progress",
    ),
    path(
        "years/<int:year_group>/batch/<int:batch_id>/pdf/",
        report_views.year_batch_pdf,
        name="year_batch_pdf",
    ),
    path("pupils/<int:pupil_id>/", report_views.pupil_report, name="pupil_report"),
    path("pupils/<int:pupil_id>/pdf/", report_views.pupil_report_pdf, name="pupil_report_pdf"),
    path(
        "pupils/<int:pupil_id>/release/",
        report_views.pupil_report_release,
        name="pupil_report_release",
    ),
]
