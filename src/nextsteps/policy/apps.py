from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "nextsteps.policy"
    verbose_name = "Assessment policy"
