"""URLs for the KS2 writing teacher assessment (included under /school/<urn>/writing/)."""

from django.urls import path

from nextsteps.writing import views

urlpatterns = [
    path("", views.writing_home, name="writing_home"),
    path("statements/", views.statements_page, name="writing_statements"),
    path("classes/<int:class_id>/", views.class_page, name="writing_class"),
    path("classes/<int:class_id>/pupils/<int:pupil_id>/", views.pupil_page, name="writing_pupil"),
    path(
        "classes/<int:class_id>/pupils/<int:pupil_id>/pieces/",
        views.piece_add,
        name="writing_piece_add",
    ),
    path(
        "classes/<int:class_id>/pupils/<int:pupil_id>/pieces/<int:piece_id>/",
        views.piece_links,
        name="writing_piece_links",
    ),
    path(
        "classes/<int:class_id>/pupils/<int:pupil_id>/pieces/<int:piece_id>/file/",
        views.piece_file,
        name="writing_piece_file",
    ),
    path(
        "classes/<int:class_id>/pupils/<int:pupil_id>/weaknesses/",
        views.weakness_add,
        name="writing_weakness_add",
    ),
    path(
        "classes/<int:class_id>/pupils/<int:pupil_id>/weaknesses/<int:weakness_id>/withdraw/",
        views.weakness_withdraw,
        name="writing_weakness_withdraw",
    ),
    path(
        "classes/<int:class_id>/pupils/<int:pupil_id>/judgement/",
        views.judgement_add,
        name="writing_judgement",
    ),
]
