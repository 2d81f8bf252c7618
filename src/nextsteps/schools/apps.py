from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "nextsteps.schools"
    verbose_name = "Organisation"
