"""URLs for the assessment policy and planning (included under /school/<urn>/policy/)."""

from django.urls import path

from nextsteps.policy import planning_views as planning
from nextsteps.policy import school_views, views

urlpatterns = [
    path("", views.policy_home, name="policy_home"),
    path("glossary/", views.policy_glossary, name="policy_glossary"),
    path("questions/", views.policy_questions, name="policy_questions"),
    path("questions/new/", views.policy_question_new, name="policy_question_new"),
    path(
        "questions/<int:question_id>/edit/",
        views.policy_question_edit,
        name="policy_question_edit",
    ),
    path(
        "departments/<int:department_id>/",
        views.policy_department,
        name="policy_department",
    ),
    path(
        "departments/<int:department_id>/questions/<int:question_id>/",
        views.policy_answer,
        name="policy_answer",
    ),
    path(
        "departments/<int:department_id>/questions/<int:question_id>/actions/",
        views.policy_answer_action,
        name="policy_answer_action",
    ),
    path("synthesis/", views.policy_synthesis_list, name="policy_synthesis_list"),
    path("synthesis/<int:question_id>/", views.policy_synthesis, name="policy_synthesis"),
    path("workload/", school_views.policy_workload, name="policy_workload"),
    path("reviews/", school_views.policy_reviews, name="policy_reviews"),
    path("reviews/<int:review_id>/", school_views.policy_review, name="policy_review"),
    path("preview/", school_views.policy_preview, name="policy_preview"),
    path("publish/", school_views.policy_publish, name="policy_publish"),
    path("published/", school_views.policy_published, name="policy_published"),
    path("published/<int:version>/", school_views.policy_document, name="policy_document"),
    path(
        "published/<int:version>/pdf/", school_views.policy_document_pdf, name="policy_document_pdf"
    ),
    path("planning/", planning.planning_home, name="planning_home"),
    path("planning/classes/<int:class_id>/", planning.planning_class, name="planning_class"),
    path(
        "planning/classes/<int:class_id>/next-steps/",
        planning.planning_next_steps,
        name="planning_next_steps",
    ),
    path("planning/units/<int:unit_id>/", planning.planning_unit, name="planning_unit"),
    path(
        "planning/intentions/<int:intention_id>/delete/",
        planning.planning_intention_delete,
        name="planning_intention_delete",
    ),
]
