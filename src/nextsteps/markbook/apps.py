from django.apps import AppConfig


class MarkbookConfig(AppConfig):
    name = "nextsteps.markbook"
    verbose_name = "Markbook"
