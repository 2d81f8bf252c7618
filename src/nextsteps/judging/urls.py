"""URLs for moderation and comparative judgement (included under /school/<urn>/judging/)."""

from django.urls import URLPattern, path

from nextsteps.judging.views import common, comparative, moderation

urlpatterns: list[URLPattern] = [
    path("", common.judging_home, name="judging_home"),
    path("feedback/", common.moderation_feedback, name="moderation_feedback"),
    path("exemplars/", common.exemplar_list, name="judging_exemplar_list"),
    path("exemplars/<int:objective_id>/", common.exemplar_objective, name="judging_exemplars"),
    path("files/<str:kind>/<int:file_id>/", common.judging_file, name="judging_file"),
    path("moderation/new/", moderation.moderation_new, name="moderation_new"),
    path("moderation/<int:session_id>/", moderation.moderation_session, name="moderation_session"),
    path(
        "moderation/<int:session_id>/standardise/",
        moderation.moderation_standardise,
        name="moderation_standardise",
    ),
    path(
        "moderation/<int:session_id>/close/", moderation.moderation_close, name="moderation_close"
    ),
    path(
        "moderation/<int:session_id>/items/<int:item_id>/",
        moderation.moderation_item,
        name="moderation_item",
    ),
    path(
        "moderation/<int:session_id>/items/<int:item_id>/outcome/",
        moderation.moderation_outcome,
        name="moderation_outcome",
    ),
    path(
        "moderation/<int:session_id>/items/<int:item_id>/work/",
        moderation.moderation_attach,
        name="moderation_attach",
    ),
    path("cj/new/", comparative.cj_new, name="cj_new"),
    path("cj/<int:session_id>/", comparative.cj_session, name="cj_session"),
    path("cj/<int:session_id>/scripts/", comparative.cj_scripts, name="cj_scripts"),
    path("cj/<int:session_id>/scripts/<int:script_id>/", comparative.cj_script, name="cj_script"),
    path("cj/<int:session_id>/anchors/", comparative.cj_anchors, name="cj_anchors"),
    path("cj/<int:session_id>/judges/", comparative.cj_judges, name="cj_judges"),
    path("cj/<int:session_id>/status/", comparative.cj_status, name="cj_status"),
    path("cj/<int:session_id>/judge/", comparative.cj_judge, name="cj_judge"),
    path("cj/<int:session_id>/report/", comparative.cj_report_page, name="cj_report"),
    path("cj/<int:session_id>/results/", comparative.cj_apply, name="cj_apply"),
    path("cj/<int:session_id>/comparisons.csv", comparative.cj_export, name="cj_export"),
]
