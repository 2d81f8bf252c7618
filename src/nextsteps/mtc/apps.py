from django.apps import AppConfig


class MtcConfig(AppConfig):
    name = "nextsteps.mtc"
    verbose_name = "Multiplication tables check practice"
