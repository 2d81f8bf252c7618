"""URLs for the REST API (included under /api/v1/) and its token pages (under
/school/<urn>/data/tokens/)."""

from django.urls import path

from nextsteps.api import views
from nextsteps.api.api import api

urlpatterns = [path("", api.urls)]

token_urlpatterns = [
    path("", views.tokens, name="api_tokens"),
    path("<int:token_id>/revoke/", views.token_revoke_view, name="api_token_revoke"),
]
