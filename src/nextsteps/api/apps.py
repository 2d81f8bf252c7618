from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "nextsteps.api"
    verbose_name = "API"
