"""Security pages: signing in (under /accounts/) and a school's security and data-protection
pages (included under /school/<urn>/security/)."""

from django.urls import path

from nextsteps.security import views

account_urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
]

urlpatterns = [
    path("", views.security_settings, name="security_settings"),
    path("pupils/<int:pupil_id>/export/", views.subject_access, name="subject_access"),
]
