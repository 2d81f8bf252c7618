from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "nextsteps.web"
    verbose_name = "Web"
