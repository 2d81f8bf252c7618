from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "nextsteps.progress"
    verbose_name = "Progress measures"
