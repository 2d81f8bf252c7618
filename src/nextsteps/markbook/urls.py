"""Markbook URLs (included under /school/<urn>/markbook/; its assessment points page,
which shows the data-drop rules too, is the policy app's, at markbook/points/)."""

from django.urls import path

from nextsteps.markbook import views

urlpatterns = [
    path("levels.css", views.levels_css, name="markbook_levels_css"),
    path("pupils/<int:pupil_id>/", views.pupil_profile, name="pupil_profile"),
    path("classes/<int:class_id>/", views.markbook_page, name="markbook"),
    path("classes/<int:class_id>/changes/", views.changes, name="markbook_changes"),
    path("classes/<int:class_id>/capture/", views.capture, name="quick_capture"),
    path("classes/<int:class_id>/gaps/", views.gaps, name="gap_analysis"),
    path("classes/<int:class_id>/gaps.csv", views.gaps, {"fmt": "csv"}, name="gap_analysis_csv"),
    path("classes/<int:class_id>/gaps.xlsx", views.gaps, {"fmt": "xlsx"}, name="gap_analysis_xlsx"),
    path(
        "classes/<int:class_id>/cells/<int:pupil_id>/<int:objective_id>/",
        views.cell,
        name="markbook_cell",
    ),
    path(
        "classes/<int:class_id>/columns/<int:objective_id>/fill/",
        views.fill_column,
        name="markbook_fill_column",
    ),
    path(
        "classes/<int:class_id>/judgements/<int:judgement_id>/amend/",
        views.judgement_amend,
        name="judgement_amend",
    ),
]
