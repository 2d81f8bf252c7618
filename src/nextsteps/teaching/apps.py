from django.apps import AppConfig


class TeachingConfig(AppConfig):
    name = "nextsteps.teaching"
    verbose_name = "Teaching"
