from django.apps import AppConfig


class WritingConfig(AppConfig):
    name = "nextsteps.writing"
    verbose_name = "KS2 writing teacher assessment"
