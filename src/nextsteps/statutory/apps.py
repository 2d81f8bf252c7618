from django.apps import AppConfig


class StatutoryConfig(AppConfig):
    name = "nextsteps.statutory"
    verbose_name = "Statutory checks"
