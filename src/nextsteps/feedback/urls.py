"""URLs for goals, feedback and targets (included under /school/<urn>/feedback/).

The parent's page of a child, `children/<pupil_id>/` (route `feedback:child`), is served by
the home pages in `web` and joined to these in the project's URLs."""

from django.urls import path

from nextsteps.feedback import media_views, notification_views, own_views, views, work_views

app_name = "feedback"

urlpatterns = [
    path("classes/<int:class_id>/", views.class_hub, name="class"),
    path("classes/<int:class_id>/intentions/", views.intentions_edit, name="intentions"),
    path("classes/<int:class_id>/self-assessment/", views.class_calibration, name="calibration"),
    path("classes/<int:class_id>/work/new/", views.work_new, name="work_new"),
    path("classes/<int:class_id>/targets/", views.class_targets, name="class_targets"),
    path(
        "classes/<int:class_id>/conversations/new/",
        views.conversation_new,
        name="conversation_new",
    ),
    path(
        "classes/<int:class_id>/whole-class/new/",
        views.class_feedback_new,
        name="class_feedback_new",
    ),
    path("classes/<int:class_id>/verbal/", views.verbal_new, name="verbal_new"),
    path("classes/<int:class_id>/questions/", views.class_questions, name="questions"),
    path("pupils/<int:pupil_id>/", views.pupil_feedback, name="pupil"),
    path("conversations/<int:conversation_id>/", views.conversation_detail, name="conversation"),
    path("codes/", views.marking_codes, name="codes"),
    path("work/<int:work_id>/", views.work_detail, name="work_detail"),
    path("work/<int:work_id>/pupils/<int:pupil_id>/", work_views.submission, name="submission"),
    path("versions/<int:version_id>/file/", work_views.version_file, name="version_file"),
    path("targets/<int:target_id>/", work_views.target_detail, name="target_detail"),
    path("target-evidence/<int:event_id>/file/", work_views.target_file, name="target_file"),
    path("me/goals/<int:objective_id>/", own_views.self_assess, name="self_assess"),
    path("me/work/", own_views.my_work, name="my_work"),
    path("me/review/", own_views.my_review, name="my_review"),
    path("notifications/", notification_views.notifications, name="notifications"),
    path("notifications/email/", notification_views.email_digest, name="email_digest"),
    path("settings/parent-replies/", views.replies_setting, name="replies_setting"),
    path(
        "notifications/<int:notification_id>/open/",
        notification_views.notification_open,
        name="notification_open",
    ),
]

urlpatterns += [
    path(
        "work/<int:work_id>/pupils/<int:pupil_id>/notes/",
        media_views.submission_note_add,
        name="submission_note_add",
    ),
    path(
        "pupils/<int:pupil_id>/self-assessment-notes/",
        media_views.self_assessment_note_add,
        name="self_assessment_note_add",
    ),
    path("notes/<int:note_id>/file/", media_views.note_file, name="note_file"),
]
