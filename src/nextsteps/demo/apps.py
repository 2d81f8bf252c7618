from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "nextsteps.demo"
    verbose_name = "Demo"
