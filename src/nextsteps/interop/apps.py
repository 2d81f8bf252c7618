from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "nextsteps.interop"
    verbose_name = "Data in and out"
