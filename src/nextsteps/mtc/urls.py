"""URLs for multiplication tables check practice (included under /school/<urn>/mtc/)."""

from __future__ import annotations

from django.urls import path

from nextsteps.mtc import views

app_name = "mtc"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("arrangements/", views.my_arrangements, name="my_arrangements"),
    path("practice/<int:attempt_id>/", views.practice, name="practice"),
    path("practice/<int:attempt_id>/result/", views.result, name="result"),
    path("pupils/<int:pupil_id>/", views.pupil_facts, name="pupil_facts"),
    path("classes/<int:class_id>/", views.class_map, name="class_map"),
    path(
        "classes/<int:class_id>/pupils/<int:pupil_id>/arrangements/",
        views.pupil_arrangements,
        name="pupil_arrangements",
    ),
]
