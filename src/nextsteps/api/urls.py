"""URLs for the REST API (included under /api/v1/)."""

from django.urls import path

from nextsteps.api.api import api

urlpatterns = [path("", api.urls)]
