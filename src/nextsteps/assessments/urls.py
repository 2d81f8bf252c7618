"""URLs for tests and challenges (included under /school/<urn>/assessments/)."""

from __future__ import annotations

from django.urls import path

from nextsteps.assessments import challenge_views, table_views, views

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="assessment_list"),
    path("new/", views.assessment_create, name="assessment_create"),
    path("<int:assessment_id>/", views.assessment_detail, name="assessment_detail"),
    path("<int:assessment_id>/edit/", views.assessment_edit, name="assessment_edit"),
    path("<int:assessment_id>/questions/", views.question_edit, name="question_edit"),
    path("<int:assessment_id>/marks/", views.mark_grid, name="mark_grid"),
    path("<int:assessment_id>/marks/cell/", views.mark_cell, name="mark_cell"),
    path("<int:assessment_id>/marks/upload/", views.mark_upload, name="mark_upload"),
    path(
        "<int:assessment_id>/marks/template.csv",
        views.mark_template,
        {"fmt": "csv"},
        name="mark_template_csv",
    ),
    path(
        "<int:assessment_id>/marks/template.xlsx",
        views.mark_template,
        {"fmt": "xlsx"},
        name="mark_template_xlsx",
    ),
    path("<int:assessment_id>/analysis/", views.analysis, name="analysis"),
    path("<int:assessment_id>/scores/", views.scores, name="scores"),
    path("<int:assessment_id>/judgements/", views.judgements, name="judgements"),
    path("thresholds/", table_views.thresholds, name="thresholds"),
    path("tables/", table_views.table_list, name="table_list"),
    path("tables/install/", table_views.table_install, name="table_install"),
    path("tables/new/", table_views.table_create, name="table_create"),
    path("tables/<int:score_table_id>/", table_views.table_detail, name="table_detail"),
    path("challenges/", challenge_views.challenge_list, name="challenge_list"),
    path("challenges/new/", challenge_views.challenge_create, name="challenge_create"),
    path(
        "challenges/<int:challenge_id>/classes/<int:class_id>/",
        challenge_views.challenge_class,
        name="challenge_class",
    ),
    path("pupils/<int:pupil_id>/", challenge_views.pupil_progress, name="pupil_progress"),
]
