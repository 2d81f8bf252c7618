"""Security and data-protection pages (included under /school/<urn>/security/)."""

from django.urls import path

from nextsteps.security import views

urlpatterns = [
    path("", views.security_settings, name="security_settings"),
    path("pupils/<int:pupil_id>/export/", views.subject_access, name="subject_access"),
]
