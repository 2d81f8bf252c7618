"""URLs for Progress measures (included under /school/<urn>/progress/)."""

from django.urls import path

from nextsteps.progress import views

urlpatterns = [
    path("", views.progress_home, name="progress_home"),
    path("p8/<int:year>/", views.progress8_page, name="progress8"),
    path("p8/<int:year>/baseline/", views.proxy_baseline_upload, name="progress8_proxy"),
    path(
        "p8/<int:year>/baseline/remove/",
        views.proxy_baseline_remove,
        name="progress8_proxy_remove",
    ),
    path("ks4/<int:year>/", views.ks4_analysis_page, name="ks4_analysis"),
    path("ks4/year11/", views.ks4_year11_page, name="ks4_year11"),
    path("ks2/<int:year>/", views.ks1_ks2_page, name="ks1_ks2"),
    path("results/", views.results_upload, name="progress_results"),
    path("tables/", views.reference_tables, name="progress_tables"),
    path("tables/<int:table_id>/", views.reference_table_detail, name="progress_table"),
    path("tables/trust/", views.trust_estimates, name="progress_trust_estimates"),
    path("options/", views.options_page, name="progress_options"),
    path("options/upload/", views.options_upload, name="progress_options_upload"),
    path("models/", views.ks4_model_adopt, name="progress_ks4_model_adopt"),
    path("models/remove/", views.ks4_model_adoption_remove, name="progress_ks4_model_remove"),
]
