"""URLs for the statutory checks (included under /school/<urn>/statutory/)."""

from django.urls import path

from nextsteps.statutory import views

app_name = "statutory"

urlpatterns = [
    path("", views.statutory_home, name="home"),
    path("phonics/threshold/", views.phonics_threshold, name="phonics_threshold"),
    path("phonics/classes/<int:class_id>/", views.phonics_class, name="phonics_class"),
    path("phonics/classes/<int:class_id>/words/", views.phonics_words, name="phonics_words"),
    path(
        "phonics/classes/<int:class_id>/pupils/<int:pupil_id>/",
        views.phonics_pupil,
        name="phonics_pupil",
    ),
    path("mtc/classes/<int:class_id>/", views.mtc_class, name="mtc_class"),
    path("baseline/classes/<int:class_id>/", views.baseline_class, name="baseline_class"),
]
