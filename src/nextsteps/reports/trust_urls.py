"""The trust dashboard (included under /trust/<slug>/)."""

from django.urls import path

from nextsteps.reports import views

urlpatterns = [
    path("", views.trust_dashboard, name="trust_dashboard"),
    path("export.csv", views.trust_dashboard, {"fmt": "csv"}, name="trust_dashboard_csv"),
    path("export.xlsx", views.trust_dashboard, {"fmt": "xlsx"}, name="trust_dashboard_xlsx"),
]
