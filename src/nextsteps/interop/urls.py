"""URLs for Data in and out (included under /school/<urn>/data/)."""

from django.urls import path

from nextsteps.interop import views

urlpatterns = [
    path("", views.data_home, name="interop_home"),
    path("oneroster/import/", views.oneroster_upload, name="interop_oneroster_import"),
    path("oneroster/export.zip", views.oneroster_download, name="interop_oneroster_export"),
    path("ctf/import/", views.ctf_upload, name="interop_ctf_import"),
    path("ctf/export.xml", views.ctf_download, name="interop_ctf_export"),
    path("spreadsheet/", views.sheet_upload, name="interop_sheet"),
    path("wonde/sync/", views.wonde_sync_now, name="interop_wonde_sync"),
    path("attendance/import/", views.attendance_upload, name="interop_attendance_import"),
    path("problems.csv", views.problems_report, {"fmt": "csv"}, name="interop_problems_csv"),
    path("problems.xlsx", views.problems_report, {"fmt": "xlsx"}, name="interop_problems_xlsx"),
]
