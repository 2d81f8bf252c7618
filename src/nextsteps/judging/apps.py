from django.apps import AppConfig


class JudgingConfig(AppConfig):
    name = "nextsteps.judging"
    verbose_name = "Moderation and comparative judgement"
